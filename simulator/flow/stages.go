package flow

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/gorilla/mux"

	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/fault"
	"github.com/notifysim/notifysim/simulator/jackson"
)

// requestID starts the request: its id (the client's X-Request-Id when it is a sane token, else
// a fresh one), its simulated arrival time and its path parameters. It never answers.
func (p *Pipeline) requestID(x *exchange) bool {
	id := x.r.Header.Get("X-Request-Id")
	if id == "" || len(id) > 128 || strings.ContainsFunc(id, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
		id = p.cfg.Env.IDs.UUID()
	}
	op := ""
	if x.route != nil {
		op = x.route.Operation.OperationID
	}
	x.req = &core.Request{HTTP: x.r, Operation: op, PathParams: mux.Vars(x.r), ID: id, Received: p.cfg.Env.Clock.Now()}
	if x.in != nil {
		x.in.PathParams = x.req.PathParams
	}
	return false
}

// bodyLimit reads the body of an operation that takes one, refusing it past MaxBodyBytes. An
// operation whose spec takes no body ignores one sent anyway (a GET with a body, a bare POST
// /_sim/reset), as most servers do: refusing it would answer a status the spec can't list.
func (p *Pipeline) bodyLimit(x *exchange) bool {
	var body []byte
	if x.route.Operation.RequestBody != nil {
		var err error
		body, err = readBody(x.r, p.cfg.MaxBodyBytes)
		if err != nil {
			x.resp = x.api.Reject(x.req, core.Rejection{Kind: core.RejectMalformedJSON, Status: http.StatusBadRequest,
				Problems: []core.Problem{{In: "body", Rule: "read", Reason: "could not read the request body: " + err.Error()}}})
			return true
		}
		if int64(len(body)) > p.cfg.MaxBodyBytes {
			x.resp = x.api.Reject(x.req, core.Rejection{Kind: core.RejectTooLarge, Status: http.StatusRequestEntityTooLarge,
				Problems: []core.Problem{{In: "body", Rule: "size", Reason: fmt.Sprintf("request body is larger than %d bytes", p.cfg.MaxBodyBytes)}}})
			return true
		}
	}
	x.req.Body = body
	x.resetBody(body)
	return false
}

// readBody reads at most limit+1 bytes of r's body (one more than allowed, to tell a body that
// is too large). A declared Content-Length within the limit gets a buffer of exactly that size,
// read in one go, instead of io.ReadAll's growing copies.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	if n := r.ContentLength; n > 0 && n <= limit {
		body := make([]byte, n)
		if _, err := io.ReadFull(r.Body, body); err != nil {
			return nil, err
		}
		return body, nil
	}
	return io.ReadAll(io.LimitReader(r.Body, limit+1))
}

// faults applies the request-level fault rules of a vendor request: delays add up, then a
// respond answers in the vendor's own body, a drop closes the connection, a hang waits for the
// client to give up.
func (p *Pipeline) faults(x *exchange) bool {
	if x.vendor == nil || p.cfg.Faults == nil || !p.cfg.Faults.Active() {
		return false
	}
	tenant := ""
	if tn, ok := x.vendor.(TenantNamer); ok {
		tenant = tn.TenantOf(x.req)
	}
	out := p.cfg.Faults.Request(fault.Match{Vendor: x.vendor.Name(), Operation: x.req.Operation, Tenant: tenant, Request: x.req})
	if out.Delay > 0 && !p.wait(x, out.Delay) {
		x.req.Note("the client gave up (or the simulator closed) during a fault delay of %s", out.Delay)
		x.unanswered = true
		p.abort(x)
		return true
	}
	switch out.Action {
	case fault.Respond:
		x.resp = fault.Answer(out.Rule, x.req, x.vendor.Reject)
		x.faulted = true
		return true
	case fault.Drop:
		x.req.Note("fault %s: connection dropped without an answer", out.Rule.ID)
		x.unanswered = true
		p.abort(x)
		return true
	case fault.Hang:
		p.wait(x, -1)
		x.req.Note("fault %s: hung until the client gave up", out.Rule.ID)
		x.unanswered = true
		p.abort(x)
		return true
	}
	return false
}

// wait sleeps d on the wall clock (latency is real time, whatever the simulated clock does), or
// until the client or the simulator goes away; d < 0 waits for those alone. It reports whether
// the whole d passed.
func (p *Pipeline) wait(x *exchange, d time.Duration) bool {
	var timer <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-timer:
		return true
	case <-x.r.Context().Done():
	case <-p.cfg.Done.Done():
	}
	return false
}

// abort closes the client's connection without a response: taken over from net/http when it
// allows, otherwise by the panic net/http treats as "abort this response". The request is
// journaled first, so a client that saw the connection close finds it in /_sim/requests.
func (p *Pipeline) abort(x *exchange) {
	p.journal(x)
	x.journaled = true
	conn, _, err := http.NewResponseController(x.w).Hijack()
	if err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
}

// authenticate runs the vendor's own scheme before the body is looked at, as the real services
// answer 401 first.
func (p *Pipeline) authenticate(x *exchange) bool {
	if x.vendor == nil {
		return false
	}
	// A path parameter that smuggles a slash or a dot segment is refused first, as the real
	// services' routers would before any credential is looked at.
	if rej := checkPathParams(x.req.PathParams, x.route.Operation); rej != nil {
		x.resp = x.api.Reject(x.req, *rej)
		return true
	}
	if refused := x.vendor.Authenticate(x.req.Operation, x.req); refused != nil {
		x.resp = *refused
		return true
	}
	return false
}

// validate checks JSON syntax, then the request against the spec; the API renders what fails.
func (p *Pipeline) validate(x *exchange) bool {
	body := x.req.Body
	if x.vendor != nil {
		if rej := checkEncoding(x.r, body); rej != nil {
			x.resp = x.api.Reject(x.req, *rej)
			return true
		}
	}
	if len(bytes.TrimSpace(body)) > 0 && isJSON(x.r) {
		if err := jsonError(body); err != nil {
			x.resp = x.api.Reject(x.req, core.Rejection{Kind: core.RejectMalformedJSON, Status: http.StatusBadRequest,
				Problems: []core.Problem{jsonProblem(body, err)}})
			return true
		}
		if _, ok := x.api.(core.JacksonReader); ok {
			if coerced, changes := jackson.Coerce(jsonSchema(x.route.Operation), body); len(changes) > 0 {
				x.req.Sent, x.req.Body, body = body, coerced, coerced
				x.resetBody(body)
				for _, c := range changes {
					x.req.Note("%s", c)
				}
			}
		}
	}
	decoded, err := p.check(x, body)
	if err != nil {
		problems, media := problemsFrom(err)
		kind, status := core.RejectInvalid, http.StatusBadRequest
		if media {
			kind, status = core.RejectMediaType, http.StatusUnsupportedMediaType
		}
		x.resp = x.api.Reject(x.req, core.Rejection{Kind: kind, Status: status, Problems: problems})
		return true
	}
	// The value decoded to validate the body is handed on, so the handler need not decode the
	// same bytes again; only a JSON body's, whose shape the handler expects.
	if decoded != nil && isJSON(x.r) {
		x.req.Decoded = decoded
	}
	x.resetBody(body)
	return false
}

// check validates the request against its operation, as openapi3filter.ValidateRequest does, and
// returns the decoded body. A JSON body with a schema is read here, in one pass (DecodeJSON),
// and checked with the schema's own validator; kin-openapi checks the parameters. Any other body
// — none, another media type, one the fast reading refuses — takes kin-openapi's whole path, so
// its refusals keep kin-openapi's words.
func (p *Pipeline) check(x *exchange, body []byte) (any, error) {
	rb := x.route.Operation.RequestBody
	if rb != nil && rb.Value != nil && len(body) > 0 {
		header := x.r.Header.Get("Content-Type")
		if media, _, err := mime.ParseMediaType(header); err == nil && media == "application/json" {
			if mt := rb.Value.Content.Get(header); mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
				if value, err := core.DecodeJSONKeys(body, x.keys); err == nil {
					return value, p.checkParamsAndBody(x, rb.Value, mt.Schema, value)
				}
			}
		}
	}
	if err := openapi3filter.ValidateRequest(x.r.Context(), x.in); err != nil {
		return nil, err
	}
	if v, ok := x.r.Body.(interface{ ValidatedValue() any }); ok {
		return v.ValidatedValue(), nil
	}
	return nil, nil
}

// checkParamsAndBody is ValidateRequest's answer for a body already decoded: the parameters'
// errors, then the body's, in one MultiError, the body's wrapped as ValidateRequestBody wraps it.
func (p *Pipeline) checkParamsAndBody(x *exchange, rb *openapi3.RequestBody, schema *openapi3.SchemaRef, value any) error {
	in := *x.in
	in.Options = &p.parameters
	var me openapi3.MultiError
	if err := openapi3filter.ValidateRequest(x.r.Context(), &in); err != nil {
		if multi, ok := err.(openapi3.MultiError); ok { //nolint:errorlint // ValidateRequest returns it bare
			me = append(me, multi...)
		} else {
			me = append(me, err)
		}
	}
	if err := schema.Value.VisitJSON(value, x.bodyOptions...); err != nil {
		id := strings.TrimSpace(schema.Ref)
		if id == "" {
			id = strings.TrimSpace(schema.Value.Title)
		}
		if id != "" {
			id = " " + id
		}
		me = append(me, &openapi3filter.RequestError{Input: x.in, RequestBody: rb, Reason: "doesn't match schema" + id, Err: err})
	}
	if len(me) > 0 {
		return me
	}
	return nil
}

// bodyOptions are what ValidateRequestBody asks of a schema for route's documents, worked out
// once per operation when the routes are bound.
func bodyOptions(route *routers.Route) []openapi3.SchemaValidationOption {
	opts := []openapi3.SchemaValidationOption{openapi3.MultiErrors()}
	// As a request, kin-openapi also sorts the schema's property names on every object to look
	// for readOnly ones (and copies a value for each oneOf or anyOf branch, to set defaults, which
	// this stage doesn't ask for): for a body whose schemas mark nothing readOnly or writeOnly
	// that changes no answer, and was a fifth of validating a Luminous send.
	if s := jsonSchema(route.Operation); s == nil || marksReadOrWriteOnly(s, map[*openapi3.Schema]bool{}) {
		opts = append(opts, openapi3.VisitAsRequest())
	}
	if route.Spec.IsOpenAPI31OrLater() {
		opts = append(opts, openapi3.EnableJSONSchema2020())
	}
	return opts
}

// marksReadOrWriteOnly reports whether s, or a schema it holds, marks a property readOnly or
// writeOnly.
func marksReadOrWriteOnly(s *openapi3.Schema, seen map[*openapi3.Schema]bool) bool {
	marks := false
	walkSchemas(s, seen, func(s *openapi3.Schema) bool {
		marks = s.ReadOnly || s.WriteOnly
		return !marks
	})
	return marks
}

// propertyNames maps every property name of s and the schemas it holds to itself: the keys the
// validate stage's reading of a body shares rather than allocates. Nil without a schema.
func propertyNames(s *openapi3.Schema) map[string]string {
	if s == nil {
		return nil
	}
	names := map[string]string{}
	walkSchemas(s, map[*openapi3.Schema]bool{}, func(s *openapi3.Schema) bool {
		for name := range s.Properties {
			names[name] = name
		}
		return true
	})
	return names
}

// walkSchemas calls fn with s and every schema it holds, each once, until fn returns false.
func walkSchemas(s *openapi3.Schema, seen map[*openapi3.Schema]bool, fn func(*openapi3.Schema) bool) bool {
	if s == nil || seen[s] {
		return true
	}
	seen[s] = true
	if !fn(s) {
		return false
	}
	refs := []*openapi3.SchemaRef{s.Items, s.AdditionalProperties.Schema, s.Not, s.Contains, s.PropertyNames,
		s.UnevaluatedItems.Schema, s.UnevaluatedProperties.Schema, s.If, s.Then, s.Else}
	for _, list := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf, s.AllOf, s.PrefixItems} {
		refs = append(refs, list...)
	}
	for _, m := range []openapi3.Schemas{s.Properties, s.PatternProperties, s.DependentSchemas, s.Defs} {
		for _, r := range m {
			refs = append(refs, r)
		}
	}
	for _, r := range refs {
		if r != nil && !walkSchemas(r.Value, seen, fn) {
			return false
		}
	}
	return true
}

// isJSON reports whether the request says its body is JSON (application/json and its +json kin).
func isJSON(r *http.Request) bool {
	return strings.Contains(strings.ToLower(r.Header.Get("Content-Type")), "json")
}

// handle runs the operation's handler.
func (p *Pipeline) handle(x *exchange) bool {
	x.resp = x.handler(x.req)
	return true
}

// jsonSchema is the schema of op's application/json request body, or nil.
func jsonSchema(op *openapi3.Operation) *openapi3.Schema {
	if op == nil || op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	mt := op.RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return nil
	}
	return mt.Schema.Value
}

// resetBody makes the request's body body again, to be read from its start, with the reader
// the exchange keeps (a reader, a closer and a function for each reset were six allocations a
// request).
func (x *exchange) resetBody(body []byte) {
	r := x.r
	x.body.Reset(body)
	x.bodyBytes = body
	r.Body = &x.body
	if r.GetBody == nil {
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(x.bodyBytes)), nil }
	}
	r.ContentLength = int64(len(body))
}
