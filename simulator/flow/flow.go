// Package flow is the way every request takes through the simulator, as named stages in their
// real order:
//
//	request id → body limit → faults → authenticate → validate → handler → response check → journal
//
// The specs decide the routes: New binds each operation of each mounted spec to its handler by
// operationId. A vendor's request runs every stage; the admin API's skips faults, authenticate
// and journal (it is the sandbox's own, not a vendor's).
package flow

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/gorilla/mux"

	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/fault"
)

// API is the owner of one spec: a vendor (a core.Vendor) or the admin API. Reject renders the
// refusals the pipeline decides (size, syntax, validation, method, faults) in its own body.
type API interface {
	Name() string
	Handlers() map[string]core.Handler
	Reject(req *core.Request, rej core.Rejection) core.Response
}

// TenantNamer is implemented by vendors that can tell, before authentication, which tenant a
// request is for (Luma tenant, Luminous project, myKaarma department, Kore bot), so fault rules
// can match on it.
type TenantNamer interface {
	TenantOf(req *core.Request) string
}

// Mount is one spec and the API that serves it.
type Mount struct {
	API API
	Doc *openapi3.T
}

// Config is what the stages need from the simulator.
type Config struct {
	Env          *core.Env
	Journal      *core.Journal
	Faults       *fault.Set
	MaxBodyBytes int64
	// Strict checks every response against the spec (the response check stage).
	Strict          bool
	OnSpecViolation func(error)
	// Done ends event streams, hangs and delays when the simulator closes.
	Done context.Context
	Log  *slog.Logger
	// Observe, when set, is told of every answer written: the API's name ("" for a path no spec
	// routes), the operationId, the status and the time since the request arrived.
	Observe func(api, operation string, status int, d time.Duration)
}

// Pipeline routes requests to operations and runs each through the stages.
type Pipeline struct {
	cfg    Config
	router *mux.Router
	mounts []Mount
	// validation is what the validate stage asks of kin-openapi, the same for every request, so
	// one value (never changed after New) serves them all; parameters is the same without the
	// body, for requests whose JSON body the stage reads itself.
	validation, parameters openapi3filter.Options
}

// Stages names the stages in the order every vendor request runs them.
func Stages() []string {
	var p Pipeline
	var names []string
	for _, s := range p.inbound() {
		names = append(names, s.name)
	}
	return append(names, "response check", "journal")
}

// New binds every operation of every mount to its handler by operationId; it fails listing each
// operation without a handler and each handler without an operation.
func New(cfg Config, mounts []Mount) (*Pipeline, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Done == nil {
		cfg.Done = context.Background()
	}
	p := &Pipeline{cfg: cfg, mounts: mounts, validation: openapi3filter.Options{
		MultiError:          true,
		AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
		SkipSettingDefaults: true,
		KeepValidatedValue:  true,
	}}
	p.parameters = p.validation
	p.parameters.ExcludeRequestBody = true
	// No path cleaning: gorilla/mux would answer "/a/./b" or "//a" with a 301, and a client that
	// follows it turns its POST into a GET. Such paths get the JSON 404 instead.
	r := mux.NewRouter().SkipClean(true)
	r.NotFoundHandler = http.HandlerFunc(p.notFound)
	var problems []string
	for _, m := range mounts {
		bases, err := BasePaths(m.Doc)
		if err != nil {
			return nil, fmt.Errorf("spec %s: %w", m.API.Name(), err)
		}
		// Detached from its servers, the document matches requests on whatever host and port the
		// simulator runs on; the servers' paths are kept as route prefixes instead.
		m.Doc.Servers = nil
		problems = append(problems, p.bind(r, m, bases)...)
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, errors.New("specs and handlers disagree:\n  " + strings.Join(problems, "\n  "))
	}
	p.router = r
	return p, nil
}

// Operations lists each mounted vendor's operationIds, for fault rules to name.
func Operations(mounts []Mount) map[string][]string {
	out := map[string][]string{}
	for _, m := range mounts {
		if _, ok := m.API.(core.Vendor); !ok {
			continue
		}
		ops := []string{}
		for _, path := range m.Doc.Paths.InMatchingOrder() {
			for _, op := range m.Doc.Paths.Value(path).Operations() {
				ops = append(ops, op.OperationID)
			}
		}
		sort.Strings(ops)
		out[m.API.Name()] = ops
	}
	return out
}

// BasePaths lists the distinct paths of doc's servers ("/vsa" for
// https://luma2.serviceaide.com/vsa, "" for a server at the root), so that a client generated
// from the spec, which calls server URL + path, reaches a route. A spec without servers is served
// at the root.
func BasePaths(doc *openapi3.T) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, srv := range doc.Servers {
		base, err := srv.BasePath()
		if err != nil {
			return nil, fmt.Errorf("server %q: %w", srv.URL, err)
		}
		base = strings.TrimSuffix(base, "/")
		if !seen[base] {
			seen[base] = true
			out = append(out, base)
		}
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out, nil
}

// bind registers every operation of m under each base path, served by the handler of the same
// operationId, and returns each operation without a handler and each handler without an
// operation.
func (p *Pipeline) bind(r *mux.Router, m Mount, bases []string) (problems []string) {
	api, doc := m.API, m.Doc
	handlers := api.Handlers()
	bound := map[string]bool{}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		ops := item.Operations()
		methods := make([]string, 0, len(ops))
		for method := range ops {
			methods = append(methods, method)
		}
		sort.Strings(methods)
		for _, method := range methods {
			op := ops[method]
			h, ok := handlers[op.OperationID]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: operation %q (%s %s) has no handler", api.Name(), op.OperationID, method, path))
				continue
			}
			bound[op.OperationID] = true
			route := &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}
			for _, base := range bases {
				r.Methods(method).Path(base + path).Handler(p.operation(api, route, h))
			}
		}
		for _, base := range bases {
			r.Path(base + path).Handler(p.methodNotAllowed(api, base+path, methods))
		}
	}
	for id := range handlers {
		if !bound[id] {
			problems = append(problems, fmt.Sprintf("%s: handler %q has no operation in openapi/%s.yaml", api.Name(), id, api.Name()))
		}
	}
	return problems
}

// ServeHTTP routes the request to its operation's pipeline.
func (p *Pipeline) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.router.ServeHTTP(w, r) }

// exchange is one request on its way through the stages.
type exchange struct {
	w       http.ResponseWriter
	r       *http.Request
	api     API
	vendor  core.Vendor // nil for the admin API and unrouted paths
	route   *routers.Route
	handler core.Handler
	start   time.Time

	req *core.Request
	in  *openapi3filter.RequestValidationInput
	// bodyOptions are the schema options for a JSON body the validate stage reads itself.
	bodyOptions []openapi3.SchemaValidationOption
	keys        map[string]string // the body schema's property names
	// body is the request's body as the stages hand it on, read from memory; input is what in
	// points to.
	body      bodyReader
	bodyBytes []byte
	input     openapi3filter.RequestValidationInput
	resp      core.Response
	data      []byte // the encoded response body
	// faulted: a fault rule wrote this answer, so the spec check doesn't apply to it.
	faulted bool
	// unanswered: the connection was dropped or hung up; nothing was written.
	unanswered bool
	journaled  bool
}

// bodyReader is a body read again from memory.
type bodyReader struct{ bytes.Reader }

func (*bodyReader) Close() error { return nil }

// stage is one named step before the response is written; it returns true when it has decided
// the response (x.resp), and the stages after it don't run.
type stage struct {
	name string
	run  func(*exchange) bool
}

// inbound are the stages up to and including the handler, in order.
func (p *Pipeline) inbound() []stage {
	return []stage{
		{"request id", p.requestID},
		{"body limit", p.bodyLimit},
		{"faults", p.faults},
		{"authenticate", p.authenticate},
		{"validate", p.validate},
		{"handler", p.handle},
	}
}

func (p *Pipeline) operation(api API, route *routers.Route, h core.Handler) http.Handler {
	vendor, _ := api.(core.Vendor)
	checked := withoutSecurity(route)
	stages := p.inbound()
	opts, keys := bodyOptions(route), propertyNames(jsonSchema(route.Operation))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		x := &exchange{w: w, r: r, api: api, vendor: vendor, route: route, handler: h, start: time.Now(), bodyOptions: opts, keys: keys}
		x.input = openapi3filter.RequestValidationInput{Request: r, Route: checked, Options: &p.validation}
		x.in = &x.input
		p.run(x, stages)
	})
}

// withoutSecurity is the route the validate stage hands kin-openapi: the authenticate stage has
// already applied the vendor's own scheme, and kin-openapi's security check, given a no-op
// authenticator, would only read and copy the body once more per request.
func withoutSecurity(route *routers.Route) *routers.Route {
	op := *route.Operation
	op.Security = &openapi3.SecurityRequirements{}
	checked := *route
	checked.Operation = &op
	return &checked
}

// run takes x through the inbound stages, then writes the answer (checking it against the spec
// in strict mode) and records it. A panic in a stage is a simulator bug: it is logged and
// answered with a 500 that says so, and the simulator keeps serving.
func (p *Pipeline) run(x *exchange, stages []stage) {
	func() {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler { //nolint:errorlint // net/http compares it this way too
					panic(v)
				}
				op := ""
				if x.req != nil {
					op = x.req.Operation
				}
				p.cfg.Log.Error("handler panic", "api", x.api.Name(), "operation", op, "panic", v)
				x.resp = core.JSON(http.StatusInternalServerError, map[string]any{
					"simulatorError": fmt.Sprintf("notifysim bug: %v (request %s); please report it", v, x.req.ID)})
			}
		}()
		for _, s := range stages {
			if s.run(x) {
				return
			}
		}
	}()
	if x.unanswered {
		if !x.journaled {
			p.journal(x)
		}
		return
	}
	if !p.respond(x) {
		return // an event stream: it wrote itself and is not journaled
	}
	if p.cfg.Observe != nil {
		p.cfg.Observe(x.api.Name(), x.req.Operation, x.resp.Status, time.Since(x.start))
	}
	p.journal(x)
}

func (p *Pipeline) methodNotAllowed(api API, path string, methods []string) http.Handler {
	vendor, _ := api.(core.Vendor)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		x := &exchange{w: w, r: r, api: api, vendor: vendor, start: time.Now()}
		p.run(x, []stage{{"request id", p.requestID}, {"method", func(x *exchange) bool {
			x.resp = api.Reject(x.req, core.Rejection{Kind: core.RejectMethodNotAllowed, Status: http.StatusMethodNotAllowed,
				Problems: []core.Problem{{Rule: "method", Reason: fmt.Sprintf("%s is not allowed on %s; use %s", r.Method, path, strings.Join(methods, ", "))}}})
			if x.resp.Header == nil {
				x.resp.Header = http.Header{}
			}
			x.resp.Header.Set("Allow", strings.Join(methods, ", "))
			return true
		}}})
	})
}

func (p *Pipeline) notFound(w http.ResponseWriter, r *http.Request) {
	if p.rejectHostilePath(w, r) {
		return
	}
	x := &exchange{w: w, r: r, api: nobody{}, start: time.Now()}
	p.run(x, []stage{{"request id", p.requestID}, {"not found", func(x *exchange) bool {
		x.resp = core.JSON(http.StatusNotFound, map[string]any{
			"error": fmt.Sprintf("notifysim has no route %s %s", r.Method, r.URL.Path),
			"hint":  "the routes are the ones in the specs: GET /openapi/{luma,luminous,mykaarma,kore,admin}.yaml",
		})
		return true
	}}})
}

// nobody owns a path no spec lists: its requests are journaled without a vendor.
type nobody struct{}

func (nobody) Name() string                      { return "" }
func (nobody) Handlers() map[string]core.Handler { return nil }
func (nobody) Reject(_ *core.Request, rej core.Rejection) core.Response {
	return core.JSON(rej.Status, map[string]any{"error": http.StatusText(rej.Status)})
}
