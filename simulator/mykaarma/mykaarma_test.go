package mykaarma

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/fixtures"
)

func load(t *testing.T, yaml string) error {
	t.Helper()
	ds, err := fixtures.Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(&core.Env{}).Load(ds["mykaarma"])
	return err
}

func TestLoadRejectsInconsistentFixtures(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"ok", `mykaarma: {departments: [{uuid: d, defaultUser: u, users: [{uuid: u}], internalSubscribers: [u]}], subscribers: [{username: s, password: p, scopes: {d: [x]}}]}`, ""},
		{"department without uuid", `mykaarma: {departments: [{name: x}]}`, "uuid is required"},
		{"department twice", `mykaarma: {departments: [{uuid: d}, {uuid: D}]}`, "defined twice"},
		{"user in two departments", `mykaarma: {departments: [{uuid: a, users: [{uuid: u}]}, {uuid: b, users: [{uuid: u}]}]}`, "already defined in department a"},
		{"DEFAULT as a user uuid", `mykaarma: {departments: [{uuid: a, users: [{uuid: default}]}]}`, "not a usable user UUID"},
		{"default user from elsewhere", `mykaarma: {departments: [{uuid: a, defaultUser: u}]}`, "defaultUser"},
		{"internal subscriber from elsewhere", `mykaarma: {departments: [{uuid: a, internalSubscribers: [u]}]}`, "internalSubscribers"},
		{"unknown external subscriber", `mykaarma: {departments: [{uuid: a, externalSubscribers: [u]}]}`, "not a user of any department"},
		{"subscriber without password", `mykaarma: {subscribers: [{username: s}]}`, "password are required"},
		{"username with a colon", `mykaarma: {subscribers: [{username: "a:b", password: p}]}`, "colon"},
		{"subscriber twice", `mykaarma: {subscribers: [{username: s, password: p}, {username: s, password: q}]}`, "defined twice"},
		{"scope on an unknown department", `mykaarma: {subscribers: [{username: s, password: p, scopes: {nope: [x]}}]}`, "not defined"},
		{"empty scope name", `mykaarma: {departments: [{uuid: d}], subscribers: [{username: s, password: p, scopes: {d: [""]}}]}`, "empty scope"},
		{"a typo in a field", `mykaarma: {departments: [{uuid: d, defaultUsr: u}]}`, "unknown field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := load(t, tc.yaml)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestNotificationMessageUUIDIs43URLSafeCharacters(t *testing.T) {
	ids := core.NewIDs(7)
	re := regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)
	seen := map[string]bool{}
	for range 100 {
		id := notificationMessageUUID(ids)
		if !re.MatchString(id) || seen[id] {
			t.Fatalf("%q is not a fresh 43-character URL-safe base64 id", id)
		}
		seen[id] = true
	}
}

func TestRewordShortensLongEnumLists(t *testing.T) {
	long := core.Problem{Field: "messageAttributes.purpose", Rule: "enum",
		Reason: "must be one of " + strings.Repeat("X, ", 20) + "Y, got \"Z\""}
	if got := reword(long).Reason; !strings.Contains(got, "21 values") || !strings.HasSuffix(got, `got "Z"`) {
		t.Fatalf("long enum reworded as %q", got)
	}
	short := core.Problem{Field: "messageAttributes.tags.0", Rule: "enum", Reason: `must be one of TRASH, got "A"`}
	if got := reword(short).Reason; got != short.Reason {
		t.Fatalf("short enum changed to %q", got)
	}
	// A JSON null ("got null", "must not be null") is worded by the server for every vendor
	// (simulator/problems.go); reword leaves that wording as it is.
	null := core.Problem{Field: "messageAttributes.tags.0", Rule: "enum", Reason: "must be one of TRASH, got null"}
	if got := reword(null).Reason; got != "must be one of TRASH, got null" {
		t.Fatalf("null enum reworded as %q", got)
	}
	if got := reword(core.Problem{Field: "messageAttributes.attachments.0", Rule: "nullable", Reason: "must not be null"}).Reason; got != "must not be null" {
		t.Fatalf("nullable reworded as %q", got)
	}
	if got := reword(core.Problem{Rule: "type", Reason: "must be an object"}).Field; got != "request body" {
		t.Fatalf("root problem named %q", got)
	}
}

func TestRejectSortsSpringFromVendorRefusals(t *testing.T) {
	clock := core.NewClock()
	clock.Freeze()
	clock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	v := New(&core.Env{Clock: clock})
	const path = "/communications/department/d/user/DEFAULT/notify"
	tests := []struct {
		name    string
		method  string
		body    string
		rej     core.Rejection
		status  int
		spring  string // the Spring message, or "" for the vendor's shape
		errCode string
	}{
		{"wrong method", "GET", ``, core.Rejection{Kind: core.RejectMethodNotAllowed}, 405, "Request method 'GET' not supported", ""},
		{"wrong content type", "POST", `x`, core.Rejection{Kind: core.RejectMediaType}, 415, "Content type 'text/plain' not supported", ""},
		{"malformed JSON", "POST", `{`, core.Rejection{Kind: core.RejectMalformedJSON, Problems: []core.Problem{{Reason: "unexpected end"}}}, 400, "JSON parse error: unexpected end", ""},
		{"first unreadable field only", "POST", `{}`, core.Rejection{Kind: core.RejectInvalid, Problems: []core.Problem{
			{Field: "messageAttributes.type", Rule: "enum", Reason: "must be one of NOTE, got \"MEMO\""},
			{Field: "messageAttributes.isManual", Rule: "type", Reason: "must be a boolean"},
		}}, 400, "JSON parse error: messageAttributes.type: must be one of NOTE, got \"MEMO\"", ""},
		{"missing attributes keep the vendor's shape", "POST", `{}`, core.Rejection{Kind: core.RejectInvalid, Problems: []core.Problem{
			{Field: "messageAttributes", Rule: "required", Reason: "required"},
		}}, 400, "", CodeMissingMessageAttributes},
		{"too large keeps the vendor's shape", "POST", `{}`, core.Rejection{Kind: core.RejectTooLarge, Problems: []core.Problem{{Reason: "too big"}}}, 400, "", CodeInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, path, strings.NewReader(tt.body))
			r.Header.Set("Content-Type", "text/plain")
			resp := v.Reject(&core.Request{HTTP: r, Body: []byte(tt.body), ID: "req-1"}, tt.rej)
			if resp.Status != tt.status {
				t.Fatalf("status %d, want %d", resp.Status, tt.status)
			}
			switch body := resp.Body.(type) {
			case SpringError:
				want := SpringError{Timestamp: "2026-03-02T09:00:00.000+0000", Status: tt.status, Error: http.StatusText(tt.status), Message: tt.spring, Path: path}
				if tt.spring == "" || body != want {
					t.Fatalf("Spring body %+v, want %+v", body, want)
				}
			case Response:
				if tt.spring != "" || len(body.Errors) != 1 || body.Errors[0].ErrorCode != tt.errCode || body.RequestUUID != "req-1" {
					t.Fatalf("vendor body %+v, want errorCode %s", body, tt.errCode)
				}
			default:
				t.Fatalf("unexpected body %T", resp.Body)
			}
		})
	}
}
