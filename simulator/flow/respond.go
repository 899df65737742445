package flow

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/notifysim/notifysim/simulator/core"
)

// respond is the one place responses are written: it encodes the body, runs the response check,
// and writes it. An event stream writes itself instead; respond then returns false.
func (p *Pipeline) respond(x *exchange) bool {
	resp := &x.resp
	if resp.Status == 0 {
		resp.Status = http.StatusOK
	}
	h := x.w.Header()
	for k, vals := range resp.Header {
		h[k] = vals
	}
	h.Set("X-Request-Id", x.req.ID)
	if stream, ok := resp.Body.(core.Stream); ok {
		stream(x.w, x.r.WithContext(mergeDone(x.r.Context(), p.cfg.Done)))
		return false
	}
	contentType := "application/json"
	switch b := resp.Body.(type) {
	case nil:
	case core.RawBody:
		x.data, contentType = b.Data, b.ContentType
	default:
		// Room for a typical answer up front, instead of growing through 64, 128 and 256 bytes.
		buf := bytes.NewBuffer(make([]byte, 0, 512))
		enc := json.NewEncoder(buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(b); err == nil {
			x.data = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		} else {
			resp.Status = http.StatusInternalServerError
			x.data, _ = json.Marshal(map[string]string{"simulatorError": "notifysim bug: response not encodable: " + err.Error()})
		}
	}
	if resp.Status == http.StatusNoContent {
		x.data = nil
	}
	contentType = p.responseCheck(x, contentType)
	if err := durable(p.cfg.Env); err != nil {
		resp.Status, contentType = http.StatusServiceUnavailable, "application/json"
		x.data, _ = json.Marshal(map[string]string{"simulatorError": err.Error() + "; the change may be lost, so it is not acknowledged"})
	}
	if len(x.data) > 0 {
		h.Set("Content-Type", contentType)
	}
	x.w.WriteHeader(resp.Status)
	_, _ = x.w.Write(x.data)
	return true
}

// responseCheck is strict mode: a response outside the spec becomes a 500 that says why, and
// OnSpecViolation hears of it. An answer a fault rule ordered is the user's choice of status and
// body, not the simulator's behaviour, and is not checked.
func (p *Pipeline) responseCheck(x *exchange, contentType string) string {
	if !p.cfg.Strict || x.route == nil || x.faulted {
		return contentType
	}
	header := http.Header{}
	if len(x.data) > 0 {
		header.Set("Content-Type", contentType)
	}
	err := openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: x.in,
		Status:                 x.resp.Status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(x.data)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	})
	if err == nil {
		return contentType
	}
	if p.cfg.OnSpecViolation != nil {
		p.cfg.OnSpecViolation(err)
	}
	p.cfg.Log.Error("response outside the spec", "api", x.api.Name(), "operation", x.req.Operation, "error", err)
	x.resp.Status = http.StatusInternalServerError
	x.data, _ = json.Marshal(map[string]string{"simulatorError": "response does not match the spec: " + err.Error(), "response": string(x.data)})
	return "application/json"
}

// mergeDone returns a context that ends when either a or b ends.
func mergeDone(a, b context.Context) context.Context {
	ctx, cancel := context.WithCancel(a)
	stop := context.AfterFunc(b, cancel)
	context.AfterFunc(ctx, func() { stop() })
	return ctx
}

// durable waits until what the request changed is committed to the data file (serve --data), so
// an answer never acknowledges a change a crash could still lose. Without a data file it is
// nothing.
func durable(env *core.Env) error {
	if env.Durable == nil {
		return nil
	}
	return env.Durable.Sync()
}
