package simulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/uuid"

	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/fixtures"
	"github.com/notifysim/notifysim/simulator/flow"
)

// fakeSpec is a small API that exercises what the server does around a handler: body
// validation (required, type, enum, anyOf), path parameters, and response schemas.
const fakeSpec = `
openapi: 3.0.3
info: {title: fake, version: "1"}
paths:
  /fake/send:
    post:
      operationId: send
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [recipients, kind]
              properties:
                recipients:
                  type: object
                  required: [contacts]
                  properties:
                    contacts:
                      description: an array of ids or a comma-separated string
                      anyOf:
                        - type: array
                          items: {type: string}
                        - type: string
                kind: {type: string, enum: [TEXT, IMAGE, CARD]}
                count: {type: integer}
                theme:
                  description: a theme
                  allOf:
                    - {type: string, enum: [PRIMARY, SECONDARY]}
      responses:
        "200":
          description: sent
          content:
            application/json:
              schema:
                type: object
                required: [ok]
                properties:
                  ok: {type: boolean}
        default:
          description: refused
          content:
            application/json:
              schema: {type: object}
  /fake/items/{id}:
    get:
      operationId: getItem
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1}}
        - {name: X-Mode, in: header, schema: {type: string, enum: [fast, slow]}}
      responses:
        "200":
          description: the item
          content:
            application/json:
              schema: {type: object}
    delete:
      operationId: deleteItem
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "204": {description: gone}
  /fake/boom:
    post:
      operationId: boom
      responses:
        "200": {description: never}
`

// fakeVendor answers every rejection with a body that echoes the Rejection, so tests can read
// what the server decided.
type fakeVendor struct {
	name     string
	handlers map[string]core.Handler

	mu       sync.Mutex
	state    string // what the last committed Load set
	rejected []core.Rejection
}

type fakeSection struct {
	Greeting string `json:"greeting"`
}

func (f *fakeVendor) Name() string                                      { return f.name }
func (f *fakeVendor) Handlers() map[string]core.Handler                 { return f.handlers }
func (f *fakeVendor) Authenticate(string, *core.Request) *core.Response { return nil }
func (f *fakeVendor) Snapshot() any                                     { return f.current() }

func (f *fakeVendor) Reject(_ *core.Request, rej core.Rejection) core.Response {
	f.mu.Lock()
	f.rejected = append(f.rejected, rej)
	f.mu.Unlock()
	return core.Response{Status: rej.Status, Body: map[string]any{"kind": rej.Kind, "problems": rej.Problems}, Problems: rej.Problems}
}

func (f *fakeVendor) Load(section json.RawMessage) (func(), error) {
	var s fakeSection
	if err := fixtures.Decode(section, &s); err != nil {
		return nil, err
	}
	return func() {
		f.mu.Lock()
		f.state = s.Greeting
		f.mu.Unlock()
	}, nil
}

func (f *fakeVendor) current() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.state
}

func (f *fakeVendor) lastRejection(t *testing.T) core.Rejection {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.rejected) == 0 {
		t.Fatal("the vendor's Reject was not called")
	}
	return f.rejected[len(f.rejected)-1]
}

func fakeHandlers() map[string]core.Handler {
	return map[string]core.Handler{
		"send": func(r *core.Request) core.Response {
			if strings.Contains(string(r.Body), `"out-of-spec"`) {
				return core.JSON(http.StatusOK, map[string]any{"ok": "yes"}) // ok must be a boolean
			}
			return core.JSON(http.StatusOK, map[string]any{"ok": true})
		},
		"getItem": func(r *core.Request) core.Response {
			return core.JSON(http.StatusOK, map[string]any{"id": r.PathParams["id"]})
		},
		"deleteItem": func(*core.Request) core.Response { return core.Response{Status: http.StatusNoContent} },
		"boom":       func(*core.Request) core.Response { panic("kaboom") },
	}
}

func fakeSpecLoader(t testing.TB, name, spec string) func(string) (*openapi3.T, error) {
	t.Helper()
	return func(n string) (*openapi3.T, error) {
		if n != name {
			return loadSpec(n) // the admin API keeps its real spec
		}
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData([]byte(spec))
		if err != nil {
			return nil, err
		}
		if err := doc.Validate(loader.Context); err != nil {
			return nil, err
		}
		return doc, nil
	}
}

// newFakeSim builds a simulator serving only the fake vendor (and the admin API).
func newFakeSim(t *testing.T, opts Options, vendors ...*fakeVendor) *Simulator {
	t.Helper()
	if len(vendors) == 0 {
		vendors = []*fakeVendor{{name: "fake", handlers: fakeHandlers()}}
	}
	opts.NoFixtures = true
	s, err := build(opts, func(*core.Env) []core.Vendor {
		out := make([]core.Vendor, len(vendors))
		for i, v := range vendors {
			out[i] = v
		}
		return out
	}, fakeSpecLoader(t, "fake", fakeSpec))
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

func send(h http.Handler, method, path, body string, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://127.0.0.1"+path, strings.NewReader(body)) // a loopback Host, as /_sim wants
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestBuildBindsOperationsToHandlers(t *testing.T) {
	missing := fakeHandlers()
	delete(missing, "boom")
	extra := fakeHandlers()
	extra["orphan"] = func(*core.Request) core.Response { return core.Response{} }
	both := fakeHandlers()
	delete(both, "getItem")
	both["sendv2"] = func(*core.Request) core.Response { return core.Response{} }

	tests := []struct {
		name     string
		handlers map[string]core.Handler
		want     []string // each must appear in the error
	}{
		{"operation without a handler", missing, []string{`fake: operation "boom" (POST /fake/boom) has no handler`}},
		{"handler without an operation", extra, []string{`fake: handler "orphan" has no operation in openapi/fake.yaml`}},
		{"both at once are all reported", both, []string{
			`fake: operation "getItem" (GET /fake/items/{id}) has no handler`,
			`fake: handler "sendv2" has no operation in openapi/fake.yaml`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := &fakeVendor{name: "fake", handlers: tc.handlers}
			_, err := build(Options{NoFixtures: true}, func(*core.Env) []core.Vendor { return []core.Vendor{v} },
				fakeSpecLoader(t, "fake", fakeSpec))
			if err == nil {
				t.Fatal("build succeeded; want a start-up error")
			}
			if !strings.HasPrefix(err.Error(), "specs and handlers disagree:") {
				t.Errorf("error does not say what is wrong: %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}

	t.Run("a spec that fails to load stops start-up", func(t *testing.T) {
		v := &fakeVendor{name: "fake", handlers: fakeHandlers()}
		_, err := build(Options{NoFixtures: true}, func(*core.Env) []core.Vendor { return []core.Vendor{v} },
			func(string) (*openapi3.T, error) { return nil, errors.New("spec fake is invalid: nope") })
		if err == nil || !strings.Contains(err.Error(), "spec fake is invalid") {
			t.Errorf("err = %v", err)
		}
	})

	t.Run("every embedded spec matches its vendor", func(t *testing.T) {
		s, err := New(Options{NoFixtures: true})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		s.Close()
	})
}

func TestValidationProblems(t *testing.T) {
	s := newFakeSim(t, Options{})
	v := s.vendors[0].(*fakeVendor)
	const ct = "Content-Type"
	tests := []struct {
		name       string
		body       string
		headers    []string
		wantStatus int
		wantKind   string
		want       []core.Problem // compared on In, Field, Rule and Reason
	}{
		{
			name: "required top-level property names the field once", body: `{"kind":"TEXT"}`,
			wantStatus: 400, wantKind: core.RejectInvalid,
			want: []core.Problem{{In: "body", Field: "recipients", Rule: "required", Reason: "is required"}},
		},
		{
			name: "required nested property is a dotted path", body: `{"kind":"TEXT","recipients":{}}`,
			wantStatus: 400, wantKind: core.RejectInvalid,
			want: []core.Problem{{In: "body", Field: "recipients.contacts", Rule: "required", Reason: "is required"}},
		},
		{
			name: "type", body: `{"kind":"TEXT","recipients":{"contacts":"a"},"count":"three"}`,
			wantStatus: 400, wantKind: core.RejectInvalid,
			want: []core.Problem{{In: "body", Field: "count", Rule: "type", Reason: "must be an integer, got a string"}},
		},
		{
			name: "enum lists the values", body: `{"kind":"VIDEO","recipients":{"contacts":"a"}}`,
			wantStatus: 400, wantKind: core.RejectInvalid,
			want: []core.Problem{{In: "body", Field: "kind", Rule: "enum", Reason: `must be one of TEXT, IMAGE, CARD, got "VIDEO"`}},
		},
		{
			name: "enum names a null as JSON does", body: `{"kind":null,"recipients":{"contacts":"a"}}`,
			wantStatus: 400, wantKind: core.RejectInvalid,
			want: []core.Problem{{In: "body", Field: "kind", Rule: "enum", Reason: `must be one of TEXT, IMAGE, CARD, got null`}},
		},
		{
			name: "a null field must not be null", body: `{"kind":"TEXT","recipients":null}`,
			wantStatus: 400, wantKind: core.RejectInvalid,
			want: []core.Problem{{In: "body", Field: "recipients", Rule: "nullable", Reason: "must not be null"}},
		},
		{
			name: "a null body reads like a wrong type", body: `null`,
			wantStatus: 400, wantKind: core.RejectInvalid,
			want: []core.Problem{{In: "body", Rule: "nullable", Reason: "must be an object, got null"}},
		},
		{
			name: "anyOf uses the schema's description", body: `{"kind":"TEXT","recipients":{"contacts":7}}`,
			wantStatus: 400, wantKind: core.RejectInvalid,
			want: []core.Problem{{In: "body", Field: "recipients.contacts", Rule: "anyOf", Reason: "must be an array of ids or a comma-separated string"}},
		},
		{
			name: "allOf names the failing branch's rule", body: `{"kind":"TEXT","recipients":{"contacts":"a"},"theme":"PINK"}`,
			wantStatus: 400, wantKind: core.RejectInvalid,
			want: []core.Problem{{In: "body", Field: "theme", Rule: "enum", Reason: `must be one of PRIMARY, SECONDARY, got "PINK"`}},
		},
		{
			name: "several problems are all reported", body: `{"kind":"VIDEO"}`,
			wantStatus: 400, wantKind: core.RejectInvalid,
			want: []core.Problem{
				{In: "body", Field: "recipients", Rule: "required", Reason: "is required"},
				{In: "body", Field: "kind", Rule: "enum", Reason: `must be one of TEXT, IMAGE, CARD, got "VIDEO"`},
			},
		},
		{
			name: "a body that is not an object is in the body, with no field", body: `[1]`,
			wantStatus: 400, wantKind: core.RejectInvalid,
			want: []core.Problem{{In: "body", Field: "", Rule: "type", Reason: "must be an object, got an array"}},
		},
		{
			name: "missing body", body: "", headers: []string{ct, "application/json"},
			wantStatus: 400, wantKind: core.RejectInvalid,
			want: []core.Problem{{In: "body", Rule: "required", Reason: "request body is required"}},
		},
		{
			name: "unsupported Content-Type", body: "kind=TEXT", headers: []string{ct, "text/plain"},
			wantStatus: 415, wantKind: core.RejectMediaType,
			want: []core.Problem{{In: "header", Field: "Content-Type", Rule: "contentType", Reason: `unsupported Content-Type "text/plain"; send application/json`}},
		},
		{
			name: "malformed JSON", body: `{"kind":`,
			wantStatus: 400, wantKind: core.RejectMalformedJSON,
			want: []core.Problem{{In: "body", Rule: "json", Reason: "body is not valid JSON: unexpected end of JSON input (at byte 8)"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			headers := tc.headers
			if headers == nil {
				headers = []string{ct, "application/json"}
			}
			rec := send(s, "POST", "/fake/send", tc.body, headers...)
			if rec.Code != tc.wantStatus {
				t.Fatalf("status %d, want %d; body %s", rec.Code, tc.wantStatus, rec.Body)
			}
			rej := v.lastRejection(t)
			if rej.Kind != tc.wantKind || rej.Status != tc.wantStatus {
				t.Errorf("rejection kind %q status %d, want %q %d", rej.Kind, rej.Status, tc.wantKind, tc.wantStatus)
			}
			if !equalProblems(rej.Problems, tc.want) {
				t.Errorf("problems\n  %s\nwant\n  %s", showProblems(rej.Problems), showProblems(tc.want))
			}
			// The journal records the refusal with its problems.
			j := s.Journal().List(core.JournalFilter{Limit: 1})
			if len(j) != 1 || j[0].Status != tc.wantStatus || len(j[0].Problems) != len(tc.want) || j[0].Vendor != "fake" {
				t.Errorf("journal entry %+v", j)
			}
		})
	}

	paramTests := []struct {
		name    string
		path    string
		headers []string
		want    core.Problem
	}{
		{"query parameter type", "/fake/items/1?limit=many", nil,
			core.Problem{In: "query", Field: "limit", Rule: "type", Reason: `must be an integer, got "many"`}},
		{"query parameter minimum", "/fake/items/1?limit=0", nil,
			core.Problem{In: "query", Field: "limit", Rule: "minimum", Reason: "number must be at least 1"}},
		{"header parameter enum", "/fake/items/1", []string{"X-Mode", "warp"},
			core.Problem{In: "header", Field: "X-Mode", Rule: "enum", Reason: `must be one of fast, slow, got "warp"`}},
	}
	for _, tc := range paramTests {
		t.Run(tc.name, func(t *testing.T) {
			rec := send(s, "GET", tc.path, "", tc.headers...)
			if rec.Code != 400 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if rej := v.lastRejection(t); !equalProblems(rej.Problems, []core.Problem{tc.want}) {
				t.Errorf("problems\n  %s\nwant\n  %s", showProblems(rej.Problems), showProblems([]core.Problem{tc.want}))
			}
		})
	}

	t.Run("a valid request reaches the handler", func(t *testing.T) {
		rec := send(s, "POST", "/fake/send", `{"kind":"TEXT","recipients":{"contacts":["a","b"]},"count":2}`, ct, "application/json")
		if rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != `{"ok":true}` {
			t.Errorf("got %d %s", rec.Code, rec.Body)
		}
	})
}

func showProblems(ps []core.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "{In:%q Field:%q Rule:%q Reason:%q} ", p.In, p.Field, p.Rule, p.Reason)
	}
	return b.String()
}

func equalProblems(got, want []core.Problem) bool {
	if len(got) != len(want) {
		return false
	}
	// The order of kin-openapi's errors is not part of the contract.
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for i, g := range got {
			if !used[i] && g.In == w.In && g.Field == w.Field && g.Rule == w.Rule && g.Reason == w.Reason {
				used[i], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func TestBodyTooLarge(t *testing.T) {
	s := newFakeSim(t, Options{MaxBodyBytes: 64})
	v := s.vendors[0].(*fakeVendor)
	body := `{"kind":"TEXT","recipients":{"contacts":"` + strings.Repeat("x", 100) + `"}}`
	rec := send(s, "POST", "/fake/send", body, "Content-Type", "application/json")
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", rec.Code)
	}
	rej := v.lastRejection(t)
	if rej.Kind != core.RejectTooLarge || len(rej.Problems) != 1 || rej.Problems[0].Rule != "size" ||
		!strings.Contains(rej.Problems[0].Reason, "larger than 64 bytes") {
		t.Errorf("rejection %+v", rej)
	}
	// Exactly at the limit is accepted.
	ok := `{"kind":"TEXT","recipients":{"contacts":"` + strings.Repeat("x", 64-44) + `"}}`
	if len(ok) != 64 {
		t.Fatalf("test body is %d bytes", len(ok))
	}
	if rec := send(s, "POST", "/fake/send", ok, "Content-Type", "application/json"); rec.Code != 200 {
		t.Errorf("a body of exactly the limit: %d %s", rec.Code, rec.Body)
	}
}

func TestRoutingAndRequestID(t *testing.T) {
	s := newFakeSim(t, Options{})
	v := s.vendors[0].(*fakeVendor)

	t.Run("path parameters reach the handler", func(t *testing.T) {
		rec := send(s, "GET", "/fake/items/abc-1", "")
		if rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != `{"id":"abc-1"}` {
			t.Errorf("got %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("204 has no body and no Content-Type", func(t *testing.T) {
		rec := send(s, "DELETE", "/fake/items/abc-1", "")
		if rec.Code != 204 || rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "" {
			t.Errorf("got %d %q %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	})

	tests := []struct {
		name, method, path string
		wantStatus         int
		wantAllow          string
	}{
		{"method not allowed on a one-method path", "GET", "/fake/send", 405, "POST"},
		{"method not allowed lists every method", "PUT", "/fake/items/x", 405, "DELETE, GET"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := send(s, tc.method, tc.path, "")
			if rec.Code != tc.wantStatus || rec.Header().Get("Allow") != tc.wantAllow {
				t.Fatalf("got %d Allow %q, want %d %q", rec.Code, rec.Header().Get("Allow"), tc.wantStatus, tc.wantAllow)
			}
			rej := v.lastRejection(t)
			if rej.Kind != core.RejectMethodNotAllowed || !strings.Contains(rej.Problems[0].Reason, tc.method+" is not allowed") {
				t.Errorf("rejection %+v", rej)
			}
		})
	}

	t.Run("unknown route", func(t *testing.T) {
		rec := send(s, "POST", "/nowhere", `{}`)
		if rec.Code != 404 {
			t.Fatalf("status %d", rec.Code)
		}
		var body map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || !strings.Contains(body["error"], "no route POST /nowhere") {
			t.Errorf("body %s (%v)", rec.Body, err)
		}
		if j := s.Journal().List(core.JournalFilter{Limit: 1}); len(j) != 1 || j[0].Status != 404 || j[0].Path != "/nowhere" {
			t.Errorf("journal %+v", j)
		}
	})

	long := strings.Repeat("a", 129)
	idTests := []struct {
		name, sent string
		echoed     bool
	}{
		{"a given id is echoed", "my-trace-123", true},
		{"128 characters are kept", strings.Repeat("b", 128), true},
		{"none: one is generated", "", false},
		{"too long: replaced", long, false},
		{"a space: replaced", "has space", false},
		{"non-ASCII: replaced", "idé", false},
	}
	for _, tc := range idTests {
		t.Run("X-Request-Id: "+tc.name, func(t *testing.T) {
			var headers []string
			if tc.sent != "" {
				headers = []string{"X-Request-Id", tc.sent}
			}
			for _, path := range []string{"/fake/items/1", "/nowhere", "/fake/send"} { // handler, 404, 405
				method := "GET"
				rec := send(s, method, path, "", headers...)
				got := rec.Header().Get("X-Request-Id")
				if tc.echoed {
					if got != tc.sent {
						t.Errorf("%s: X-Request-Id %q, want %q", path, got, tc.sent)
					}
					continue
				}
				if _, err := uuid.Parse(got); err != nil || got == tc.sent {
					t.Errorf("%s: X-Request-Id %q is not a generated UUID", path, got)
				}
			}
			j := s.Journal().List(core.JournalFilter{Limit: 1})
			if len(j) != 1 || j[0].ID == "" || (tc.echoed && j[0].ID != tc.sent) {
				t.Errorf("journal id %+v", j)
			}
		})
	}
	t.Run("generated ids differ per request", func(t *testing.T) {
		a := send(s, "GET", "/fake/items/1", "").Header().Get("X-Request-Id")
		b := send(s, "GET", "/fake/items/1", "").Header().Get("X-Request-Id")
		if a == b {
			t.Errorf("two requests got the same id %q", a)
		}
	})
}

func TestStrictMode(t *testing.T) {
	valid := `{"kind":"TEXT","recipients":{"contacts":"a"}}`
	outOfSpec := `{"kind":"TEXT","recipients":{"contacts":"out-of-spec"}}`
	tests := []struct {
		name           string
		strict         bool
		body           string
		wantStatus     int
		wantViolations int
	}{
		{"strict, in spec", true, valid, 200, 0},
		{"strict, out of spec becomes 500", true, outOfSpec, 500, 1},
		{"strict, a refusal is checked too and passes", true, `{}`, 400, 0},
		{"not strict, out of spec goes out as is", false, outOfSpec, 200, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var violations []error
			s := newFakeSim(t, Options{Strict: tc.strict, OnSpecViolation: func(err error) {
				mu.Lock()
				violations = append(violations, err)
				mu.Unlock()
			}})
			rec := send(s, "POST", "/fake/send", tc.body, "Content-Type", "application/json")
			if rec.Code != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.wantStatus, rec.Body)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(violations) != tc.wantViolations {
				t.Fatalf("OnSpecViolation called %d times, want %d: %v", len(violations), tc.wantViolations, violations)
			}
			if tc.wantViolations > 0 {
				var body map[string]string
				if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
					t.Fatalf("500 body is not JSON: %s", rec.Body)
				}
				if !strings.Contains(body["simulatorError"], "response does not match the spec") || body["response"] != `{"ok":"yes"}` {
					t.Errorf("500 body %v", body)
				}
				if j := s.Journal().List(core.JournalFilter{Limit: 1}); len(j) != 1 || j[0].Status != 500 {
					t.Errorf("journal records %+v, want the 500", j)
				}
			}
		})
	}
}

func TestHandlerPanicIsA500(t *testing.T) {
	s := newFakeSim(t, Options{})
	rec := send(s, "POST", "/fake/boom", "", "X-Request-Id", "req-boom")
	if rec.Code != 500 {
		t.Fatalf("status %d, want 500", rec.Code)
	}
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil ||
		!strings.Contains(body["simulatorError"], "kaboom") || !strings.Contains(body["simulatorError"], "req-boom") {
		t.Errorf("body %s (%v)", rec.Body, err)
	}
	if rec.Header().Get("X-Request-Id") != "req-boom" {
		t.Errorf("X-Request-Id %q", rec.Header().Get("X-Request-Id"))
	}
	// The simulator keeps serving.
	if rec := send(s, "GET", "/fake/items/1", ""); rec.Code != 200 {
		t.Errorf("after a panic: %d", rec.Code)
	}
}

func TestLoadFixturesIsAtomic(t *testing.T) {
	a := &fakeVendor{name: "fake", handlers: fakeHandlers()}
	b := &fakeVendor{name: "other", handlers: map[string]core.Handler{}}
	s, err := build(Options{NoFixtures: true, StartTime: t0}, func(*core.Env) []core.Vendor { return []core.Vendor{a, b} },
		func(n string) (*openapi3.T, error) {
			switch n {
			case "fake":
				return fakeSpecLoader(t, "fake", fakeSpec)(n)
			case "other":
				return fakeSpecLoader(t, "other", "openapi: 3.0.3\ninfo: {title: other, version: \"1\"}\npaths: {}\n")(n)
			}
			return loadSpec(n)
		})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)

	if err := s.LoadFixtures([]byte("fake: {greeting: hello}\nother: {greeting: hi}\n")); err != nil {
		t.Fatalf("LoadFixtures: %v", err)
	}
	if a.current() != "hello" || b.current() != "hi" {
		t.Fatalf("state %q %q after a good load", a.current(), b.current())
	}
	s.Env().Deliver(nil, core.Message{Vendor: "fake"})
	send(s, "GET", "/fake/items/1", "")

	bad := []struct {
		name, data, wantErr string
	}{
		{"second vendor has a typo", "fake: {greeting: changed}\nother: {greting: x}\n", `line 2: other.greting: unknown field "greting"; known fields: greeting`},
		{"unknown API", "fake: {greeting: changed}\nnope: {}\nzzz: {}\n", "fixtures name unknown APIs [nope zzz]"},
		{"not a mapping", "[1, 2]", "must be a mapping"},
		{"not YAML", "fake: [", "not valid YAML or JSON"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			err := s.LoadFixtures([]byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			if a.current() != "hello" || b.current() != "hi" {
				t.Errorf("a failed load changed state to %q %q", a.current(), b.current())
			}
			if s.Env().Store.Len() != 1 || s.Journal().Total() != 1 {
				t.Errorf("a failed load cleared state: %d messages, %d requests", s.Env().Store.Len(), s.Journal().Total())
			}
		})
	}
}

func TestReset(t *testing.T) {
	a := &fakeVendor{name: "fake", handlers: fakeHandlers()}
	s, err := build(Options{Fixtures: []byte("fake: {greeting: hello}\n"), StartTime: t0}, func(*core.Env) []core.Vendor { return []core.Vendor{a} },
		fakeSpecLoader(t, "fake", fakeSpec))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if a.current() != "hello" {
		t.Fatalf("fixtures not loaded: %q", a.current())
	}
	env := s.Env()
	sub := env.Bus.Subscribe(16, func(e core.Event) bool { return e.Type == core.EventStateReset })
	defer sub.Close()

	// Record some state.
	a.mu.Lock()
	a.state = "changed by a request"
	a.mu.Unlock()
	env.Deliver(nil, core.Message{Vendor: "fake"})
	env.Schedule(nil, t0.Add(time.Hour), core.Message{Vendor: "fake"})
	env.Troubleshoot.Add(core.TroubleshootEntry{Vendor: "fake"})
	send(s, "GET", "/fake/items/1", "")
	s.Advance(time.Minute)
	if env.Store.Len() != 2 || s.Journal().Total() != 1 || env.Clock.Pending() != 1 {
		t.Fatalf("setup: %d messages, %d requests, %d timers", env.Store.Len(), s.Journal().Total(), env.Clock.Pending())
	}

	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"vendor state back to the dataset", a.current() == "hello"},
		{"messages cleared", env.Store.Len() == 0},
		{"journal cleared", s.Journal().Total() == 0},
		{"troubleshoot cleared", len(env.Troubleshoot.List("", "", 0)) == 0},
		{"timers dropped", env.Clock.Pending() == 0},
		{"clock back at StartTime, frozen", env.Clock.Now().Equal(t0) && env.Clock.Frozen()},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("after Reset: %s: no", c.name)
		}
	}
	select {
	case e := <-sub.C:
		if e.Type != core.EventStateReset {
			t.Errorf("event %+v", e)
		}
	case <-time.After(5 * time.Second): // events reach C on their own goroutine; this only bounds a hang
		t.Error("Reset published no state.reset event")
	}
	// The dropped schedule never delivers.
	s.Advance(2 * time.Hour)
	if env.Store.Len() != 0 {
		t.Errorf("a timer from before Reset delivered: %d messages", env.Store.Len())
	}
}

func TestJournalRecordsRequest(t *testing.T) {
	s := newFakeSim(t, Options{})
	body := `{"kind":"TEXT","recipients":{"contacts":"a"}}`
	send(s, "POST", "/fake/send?x=1", body, "Content-Type", "application/json", "X-Request-Id", "rid", "X-Custom", "v")
	j := s.Journal().List(core.JournalFilter{})
	if len(j) != 1 {
		t.Fatalf("journal has %d entries", len(j))
	}
	e := j[0]
	want := core.JournalEntry{ID: "rid", Vendor: "fake", Operation: "send", Method: "POST", Path: "/fake/send", Query: "x=1",
		Body: body, Status: 200, Response: `{"ok":true}`}
	got := core.JournalEntry{ID: e.ID, Vendor: e.Vendor, Operation: e.Operation, Method: e.Method, Path: e.Path, Query: e.Query,
		Body: e.Body, Status: e.Status, Response: e.Response}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entry\n  %+v\nwant\n  %+v", got, want)
	}
	if e.Headers["X-Custom"] != "v" {
		t.Errorf("headers %v", e.Headers)
	}
	// Admin requests are not journaled.
	send(s, "GET", "/_sim/health", "")
	if s.Journal().Total() != 1 {
		t.Errorf("an admin request was journaled")
	}

	// Headers are kept within bounds: net/http admits a megabyte of them.
	headers := []string{"Content-Type", "application/json", "X-Huge", strings.Repeat("h", 100_000)}
	for i := range 300 {
		headers = append(headers, fmt.Sprintf("X-Many-%03d", i), "v")
	}
	send(s, "POST", "/fake/send", body, headers...)
	e = s.Journal().List(core.JournalFilter{Limit: 1})[0]
	if len(e.Headers) > flow.JournalHeaders+1 || e.Headers["…"] == "" {
		t.Errorf("journal kept %d headers, want at most %d and a count of the rest", len(e.Headers), flow.JournalHeaders)
	}
	if h := e.Headers["X-Huge"]; len(h) > flow.JournalHeaderBytes+64 {
		t.Errorf("journal kept a %d-byte header value", len(h))
	}
}

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func TestCloseDropsPendingTimers(t *testing.T) {
	s := newFakeSim(t, Options{})
	ran := make(chan struct{}, 1)
	s.Clock().AfterFunc(10*time.Millisecond, func() { ran <- struct{}{} })
	s.Close()
	if n := s.Clock().Pending(); n != 0 {
		t.Errorf("%d timers pending after Close", n)
	}
	select {
	case <-ran:
		t.Error("a timer ran after Close")
	case <-time.After(50 * time.Millisecond):
	}
}
