// Package simulator is notifysim as a Go library: New builds a simulator that serves the four
// vendor APIs and the /_sim admin API as an http.Handler, and RunT starts one for a test.
package simulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/gorilla/mux"

	"github.com/notifysim/notifysim/openapi"
	"github.com/notifysim/notifysim/simulator/admin"
	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/fixtures"
)

// DefaultMaxBodyBytes is the largest request body a vendor route accepts (1 MiB).
const DefaultMaxBodyBytes = 1 << 20

// Options configure a Simulator. The zero value is a simulator with the demo dataset.
type Options struct {
	// Fixtures is a dataset in YAML or JSON. Nil loads the embedded demo dataset unless
	// NoFixtures is set.
	Fixtures   []byte
	NoFixtures bool
	// Strict checks every response against the spec; a response outside it becomes a 500 that
	// says why, and OnSpecViolation is called. Tests should always set it.
	Strict          bool
	OnSpecViolation func(error)
	// Seed makes every generated id reproducible; 0 picks a random seed.
	Seed uint64
	// JournalCap bounds the request journal (default 10,000 entries).
	JournalCap int
	// MaxBodyBytes bounds request bodies (default 1 MiB).
	MaxBodyBytes int64
	// StartTime, when set, starts the clock frozen at that time.
	StartTime time.Time
	// Logger receives one line per request; nil discards.
	Logger *slog.Logger
	// Version is reported by /_sim/health.
	Version string
}

// Simulator serves the simulated vendor APIs and the admin API.
type Simulator struct {
	opts    Options
	env     *core.Env
	journal *core.Journal
	vendors []core.Vendor
	byName  map[string]core.Vendor
	specs   map[string]*openapi3.T
	router  *mux.Router
	started time.Time

	mu      sync.Mutex
	dataset fixtures.Dataset

	ctx    context.Context
	cancel context.CancelFunc
	srv    *httptest.Server // set by RunT
}

// New builds a simulator: it loads and validates every embedded spec, binds each operation to
// its handler by operationId (failing on a mismatch either way) and loads the dataset.
func New(opts Options) (*Simulator, error) { return build(opts, vendorsFor, loadSpec) }

// build is New with the vendors and their specs supplied, so a test can bind a fake vendor to a
// small spec and check the server around it.
func build(opts Options, vendors func(*core.Env) []core.Vendor, spec func(name string) (*openapi3.T, error)) (*Simulator, error) {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Version == "" {
		opts.Version = "dev"
	}
	clock := core.NewClock()
	if !opts.StartTime.IsZero() {
		clock.Freeze()
		clock.Set(opts.StartTime)
	}
	bus := core.NewBus()
	ids := core.NewIDs(opts.Seed)
	env := &core.Env{
		Store:        core.NewMemStore(),
		Bus:          bus,
		Clock:        clock,
		IDs:          ids,
		Troubleshoot: core.NewTroubleshoot(opts.JournalCap),
		Callbacks:    core.NewCallbacks(bus, clock, ids),
		Log:          opts.Logger,
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Simulator{
		opts:    opts,
		env:     env,
		journal: core.NewJournal(opts.JournalCap),
		byName:  map[string]core.Vendor{},
		specs:   map[string]*openapi3.T{},
		started: time.Now(),
		ctx:     ctx,
		cancel:  cancel,
	}
	s.vendors = append(vendors(env), admin.New(s.control()))
	for _, v := range s.vendors {
		s.byName[v.Name()] = v
	}
	if err := s.buildRouter(spec); err != nil {
		cancel()
		return nil, err
	}
	ds := fixtures.Dataset{}
	switch {
	case opts.Fixtures != nil:
		parsed, err := fixtures.Parse(opts.Fixtures)
		if err != nil {
			cancel()
			return nil, err
		}
		ds = parsed
	case !opts.NoFixtures:
		demo, err := fixtures.Demo()
		if err != nil {
			cancel()
			return nil, fmt.Errorf("demo dataset: %w", err)
		}
		ds = demo
	}
	if err := s.load(ds); err != nil {
		cancel()
		return nil, err
	}
	return s, nil
}

// loadSpec reads, parses and validates one embedded document and detaches it from its servers so
// routes match on whatever host and port the simulator runs on.
func loadSpec(name string) (*openapi3.T, error) {
	data, err := openapi.Spec(name)
	if err != nil {
		return nil, fmt.Errorf("spec %s: %w", name, err)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("spec %s: %w", name, err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("spec %s is invalid: %w", name, err)
	}
	doc.Servers = nil
	return doc, nil
}

func (s *Simulator) buildRouter(spec func(name string) (*openapi3.T, error)) error {
	// No path cleaning: gorilla/mux would answer "/a/./b" or "//a" with a 301, and a client that
	// follows it turns its POST into a GET. Such paths get the JSON 404 instead.
	r := mux.NewRouter().SkipClean(true)
	r.NotFoundHandler = http.HandlerFunc(s.notFound)
	var problems []string
	for _, v := range s.vendors {
		doc, err := spec(v.Name())
		if err != nil {
			return err
		}
		s.specs[v.Name()] = doc
		problems = append(problems, s.bind(r, v, doc)...)
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return errors.New("specs and handlers disagree:\n  " + strings.Join(problems, "\n  "))
	}
	s.router = r
	return nil
}

// bind registers every operation of doc on r, served by v's handler of the same operationId, and
// returns each operation without a handler and each handler without an operation.
func (s *Simulator) bind(r *mux.Router, v core.Vendor, doc *openapi3.T) (problems []string) {
	handlers := v.Handlers()
	bound := map[string]bool{}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		ops := item.Operations()
		methods := make([]string, 0, len(ops))
		for m := range ops {
			methods = append(methods, m)
		}
		sort.Strings(methods)
		for _, method := range methods {
			op := ops[method]
			h, ok := handlers[op.OperationID]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: operation %q (%s %s) has no handler", v.Name(), op.OperationID, method, path))
				continue
			}
			bound[op.OperationID] = true
			route := &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}
			r.Methods(method).Path(path).Handler(s.operation(v, route, h))
		}
		r.Path(path).Handler(s.methodNotAllowed(v, path, methods))
	}
	for id := range handlers {
		if !bound[id] {
			problems = append(problems, fmt.Sprintf("%s: handler %q has no operation in openapi/%s.yaml", v.Name(), id, v.Name()))
		}
	}
	return problems
}

// ServeHTTP serves every vendor route and the admin API.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

// Close stops background work: callbacks in flight, open event streams and long-polls, and the
// clock's pending timers (a scheduled delivery would otherwise still run on the wall clock).
func (s *Simulator) Close() {
	s.cancel()
	s.env.Callbacks.Close()
	s.env.Clock.Reset(time.Time{})
}

func (s *Simulator) operation(v core.Vendor, route *routers.Route, h core.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		req := s.newRequest(r, route.Operation.OperationID)
		in := &openapi3filter.RequestValidationInput{
			Request:    r,
			PathParams: req.PathParams,
			Route:      route,
			Options: &openapi3filter.Options{
				MultiError:          true,
				AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
				SkipSettingDefaults: true,
			},
		}
		resp := s.serve(v, h, req, in)
		s.finish(w, r, v, req, in, resp, start)
	})
}

func (s *Simulator) newRequest(r *http.Request, op string) *core.Request {
	id := r.Header.Get("X-Request-Id")
	if id == "" || len(id) > 128 || strings.ContainsFunc(id, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
		id = s.env.IDs.UUID()
	}
	return &core.Request{HTTP: r, Operation: op, PathParams: mux.Vars(r), ID: id, Received: s.env.Clock.Now()}
}

// serve runs the request flow: size limit, the vendor's authentication, JSON syntax, the spec's
// validation, then the handler. A panic anywhere is a simulator bug: it is logged and answered
// with a 500 that says so, and the simulator keeps serving.
func (s *Simulator) serve(v core.Vendor, h core.Handler, req *core.Request, in *openapi3filter.RequestValidationInput) (resp core.Response) {
	defer func() {
		if p := recover(); p != nil {
			s.env.Log.Error("handler panic", "vendor", v.Name(), "operation", req.Operation, "panic", p)
			resp = core.JSON(http.StatusInternalServerError, map[string]any{
				"simulatorError": fmt.Sprintf("notifysim bug: %v (request %s); please report it", p, req.ID)})
		}
	}()
	r := req.HTTP
	var body []byte
	if in.Route.Operation.RequestBody != nil {
		var err error
		body, err = io.ReadAll(io.LimitReader(r.Body, s.opts.MaxBodyBytes+1))
		if err != nil {
			return v.Reject(req, core.Rejection{Kind: core.RejectMalformedJSON, Status: http.StatusBadRequest,
				Problems: []core.Problem{{In: "body", Rule: "read", Reason: "could not read the request body: " + err.Error()}}})
		}
		if int64(len(body)) > s.opts.MaxBodyBytes {
			return v.Reject(req, core.Rejection{Kind: core.RejectTooLarge, Status: http.StatusRequestEntityTooLarge,
				Problems: []core.Problem{{In: "body", Rule: "size", Reason: fmt.Sprintf("request body is larger than %d bytes", s.opts.MaxBodyBytes)}}})
		}
	}
	// An operation whose spec takes no body ignores one sent anyway (a GET with a body, a bare
	// POST /_sim/reset), as most servers do: refusing it would answer a status the spec can't list.
	req.Body = body
	resetBody(r, body)
	if refused := v.Authenticate(req.Operation, req); refused != nil {
		return *refused
	}
	if len(bytes.TrimSpace(body)) > 0 && strings.Contains(strings.ToLower(r.Header.Get("Content-Type")), "json") {
		var probe any
		if err := json.Unmarshal(body, &probe); err != nil {
			return v.Reject(req, core.Rejection{Kind: core.RejectMalformedJSON, Status: http.StatusBadRequest,
				Problems: []core.Problem{jsonProblem(body, err)}})
		}
	}
	if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
		problems, media := problemsFrom(err)
		kind, status := core.RejectInvalid, http.StatusBadRequest
		if media {
			kind, status = core.RejectMediaType, http.StatusUnsupportedMediaType
		}
		return v.Reject(req, core.Rejection{Kind: kind, Status: status, Problems: problems})
	}
	resetBody(r, body)
	return h(req)
}

func resetBody(r *http.Request, body []byte) {
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r.ContentLength = int64(len(body))
}

// jsonProblem says why a body is not usable JSON: where the syntax breaks, or which value is a
// number too large to hold (valid JSON syntax, but no JSON parser can use 1e999).
func jsonProblem(body []byte, err error) core.Problem {
	p := core.Problem{In: "body", Rule: "json"}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		p.Reason = fmt.Sprintf("body is not valid JSON: %s (at byte %d)", syn.Error(), syn.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		p.Reason = "body is not valid JSON: unexpected end of input"
	case errors.As(err, &typ) && strings.HasPrefix(typ.Value, "number"):
		p.Field = pathAt(body, strings.TrimPrefix(typ.Value, "number "), typ.Offset)
		where := "in the body"
		if p.Field != "" {
			where = "at " + p.Field
		}
		p.Reason = fmt.Sprintf("body is not usable JSON: the %s %s is out of range", typ.Value, where)
	default:
		p.Reason = "body is not valid JSON: " + err.Error()
	}
	return p
}

// pathAt names, as a dotted path ("recipients.contacts.2"), the number literal that the JSON
// decoder stopped at: the last one written as literal that ends by byte offset end (the decoder
// reports the offset just past what it read). "" when it is the whole body or is not found.
func pathAt(body []byte, literal string, end int64) string {
	type frame struct {
		array bool
		index int
		key   string
		onKey bool // in an object, the next string token is a key
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var stack []*frame
	path := func() string {
		parts := make([]string, len(stack))
		for i, f := range stack {
			if f.array {
				parts[i] = fmt.Sprint(f.index)
			} else {
				parts[i] = f.key
			}
		}
		return strings.Join(parts, ".")
	}
	// valueDone moves the enclosing container past one value.
	valueDone := func() {
		if n := len(stack); n > 0 {
			if f := stack[n-1]; f.array {
				f.index++
			} else {
				f.onKey = true
			}
		}
	}
	found := ""
	for {
		tok, err := dec.Token()
		if err != nil || dec.InputOffset() > end {
			return found
		}
		top := (*frame)(nil)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, &frame{array: t == '[', onKey: t == '{'})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			if top != nil && !top.array && top.onKey {
				top.key, top.onKey = t, false
				continue
			}
			valueDone()
		default:
			if n, ok := t.(json.Number); ok && n.String() == literal {
				found = path()
			}
			valueDone()
		}
	}
}

func (s *Simulator) methodNotAllowed(v core.Vendor, path string, methods []string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		req := s.newRequest(r, "")
		resp := v.Reject(req, core.Rejection{Kind: core.RejectMethodNotAllowed, Status: http.StatusMethodNotAllowed,
			Problems: []core.Problem{{Rule: "method", Reason: fmt.Sprintf("%s is not allowed on %s; use %s", r.Method, path, strings.Join(methods, ", "))}}})
		if resp.Header == nil {
			resp.Header = http.Header{}
		}
		resp.Header.Set("Allow", strings.Join(methods, ", "))
		s.finish(w, r, v, req, nil, resp, start)
	})
}

func (s *Simulator) notFound(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	req := s.newRequest(r, "")
	resp := core.JSON(http.StatusNotFound, map[string]any{
		"error": fmt.Sprintf("notifysim has no route %s %s", r.Method, r.URL.Path),
		"hint":  "the routes are the ones in the specs: GET /openapi/{luma,luminous,mykaarma,kore,admin}.yaml",
	})
	s.finish(w, r, nil, req, nil, resp, start)
}

const (
	journalBodyLimit  = 64 << 10
	journalMessageIDs = 100
)

// finish is the one place responses are written: it encodes the body, checks it against the spec
// in strict mode, writes it, and records the request in the journal.
func (s *Simulator) finish(w http.ResponseWriter, r *http.Request, v core.Vendor, req *core.Request, in *openapi3filter.RequestValidationInput, resp core.Response, start time.Time) {
	if resp.Status == 0 {
		resp.Status = http.StatusOK
	}
	h := w.Header()
	for k, vals := range resp.Header {
		h[k] = vals
	}
	h.Set("X-Request-Id", req.ID)
	vendor := ""
	if v != nil {
		vendor = v.Name()
	}
	if stream, ok := resp.Body.(core.Stream); ok {
		stream(w, r.WithContext(mergeDone(r.Context(), s.ctx)))
		return
	}
	var data []byte
	contentType := "application/json"
	switch b := resp.Body.(type) {
	case nil:
	case core.RawBody:
		data, contentType = b.Data, b.ContentType
	default:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(b); err == nil {
			data = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		} else {
			resp.Status = http.StatusInternalServerError
			data, _ = json.Marshal(map[string]string{"simulatorError": "notifysim bug: response not encodable: " + err.Error()})
		}
	}
	if resp.Status == http.StatusNoContent {
		data = nil
	}
	if s.opts.Strict && in != nil {
		if err := s.checkResponse(in, resp, contentType, data); err != nil {
			if s.opts.OnSpecViolation != nil {
				s.opts.OnSpecViolation(err)
			}
			s.env.Log.Error("response outside the spec", "vendor", vendor, "operation", req.Operation, "error", err)
			resp.Status = http.StatusInternalServerError
			contentType = "application/json"
			data, _ = json.Marshal(map[string]string{"simulatorError": "response does not match the spec: " + err.Error(), "response": string(data)})
		}
	}
	if len(data) > 0 {
		h.Set("Content-Type", contentType)
	}
	w.WriteHeader(resp.Status)
	_, _ = w.Write(data)

	entry := core.JournalEntry{
		ID: req.ID, Time: req.Received, Vendor: vendor, Operation: req.Operation,
		Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Headers: flatHeaders(r.Header),
		Body: truncate(req.Body, journalBodyLimit), Status: resp.Status, Response: truncate(data, journalBodyLimit),
		Problems: resp.Problems, Notes: req.Notes(),
		DurationMS: float64(time.Since(start).Microseconds()) / 1000,
	}
	// A fan-out to every user of a large tenant creates many messages; the journal keeps the
	// count and the first ids so 10,000 entries can't hold millions of ids.
	ids := req.CreatedIDs()
	entry.MessageCount = len(ids)
	if len(ids) > journalMessageIDs {
		ids = ids[:journalMessageIDs]
	}
	entry.Messages = ids
	if vendor != "admin" {
		s.journal.Add(entry)
		if resp.Status >= 400 {
			s.env.Bus.Publish(core.Event{Type: core.EventRequestRejected, Time: req.Received, Vendor: vendor, Data: entry})
		}
		s.env.Log.Info("request", "vendor", vendor, "method", r.Method, "path", r.URL.Path, "status", resp.Status,
			"request_id", req.ID, "duration_ms", entry.DurationMS)
	}
}

func (s *Simulator) checkResponse(in *openapi3filter.RequestValidationInput, resp core.Response, contentType string, data []byte) error {
	header := http.Header{}
	if len(data) > 0 {
		header.Set("Content-Type", contentType)
	}
	return openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 resp.Status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(data)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	})
}

// Header limits for the journal: net/http admits up to 1 MiB of headers per request, which
// 10,000 entries must not keep whole.
const (
	journalHeaders     = 100
	journalHeaderBytes = 4 << 10
)

func flatHeaders(h http.Header) map[string]string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make(map[string]string, min(len(names), journalHeaders+1))
	for i, k := range names {
		if i == journalHeaders {
			out["…"] = fmt.Sprintf("%d more headers", len(names)-i)
			break
		}
		out[k] = truncate([]byte(strings.Join(h[k], ", ")), journalHeaderBytes)
	}
	return out
}

func truncate(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + fmt.Sprintf("… (%d bytes more)", len(b)-n)
}

// mergeDone returns a context that ends when either a or b ends.
func mergeDone(a, b context.Context) context.Context {
	ctx, cancel := context.WithCancel(a)
	stop := context.AfterFunc(b, cancel)
	context.AfterFunc(ctx, func() { stop() })
	return ctx
}
