package flow

import (
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/notifysim/notifysim/simulator/core"
)

const (
	journalBodyLimit  = 64 << 10
	journalMessageIDs = 100
)

// Header limits of a journal entry: net/http admits up to 1 MiB of headers per request, which
// 10,000 entries must not keep whole.
const (
	JournalHeaders     = 100
	JournalHeaderBytes = 4 << 10
)

// journal records a vendor request (and one no spec routes) with its answer, the principal, the
// fault rules applied, and publishes a refusal as request.rejected. The admin API's own requests
// are not recorded: reading the journal must not fill it.
func (p *Pipeline) journal(x *exchange) {
	if _, admin := x.api.(nobody); !admin && x.vendor == nil {
		return
	}
	vendor := x.api.Name()
	r, req := x.r, x.req
	// The body as the client sent it, also when the vendor read it coerced (Sent).
	sent := req.Body
	if req.Sent != nil {
		sent = req.Sent
	}
	entry := core.JournalEntry{
		ID: req.ID, Time: req.Received, Vendor: vendor, Operation: req.Operation,
		Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Headers: flatHeaders(r.Header),
		Body: Truncate(sent, journalBodyLimit), Response: Truncate(x.data, journalBodyLimit),
		Problems: x.resp.Problems, Notes: req.Notes(), Faults: req.Faults(),
		DurationMS: float64(time.Since(x.start).Microseconds()) / 1000,
	}
	if !x.unanswered {
		entry.Status = x.resp.Status
	}
	if req.Auth != nil {
		entry.Principal = req.Auth.PrincipalName()
	}
	// A fan-out to every user of a large tenant creates many messages; the journal keeps the
	// count and the first ids so 10,000 entries can't hold millions of ids.
	entry.MessageCount = req.CreatedCount()
	entry.Messages = req.FirstCreated(journalMessageIDs)
	entry = p.cfg.Journal.Add(entry)
	if entry.Status >= 400 {
		p.cfg.Env.Bus.Publish(core.Event{Type: core.EventRequestRejected, Time: req.Received, Vendor: vendor, Data: entry})
	}
	// Asked first: the arguments, boxed to be passed, were six allocations a request at any level.
	if p.cfg.Log.Enabled(r.Context(), slog.LevelInfo) {
		p.cfg.Log.Info("request", "vendor", vendor, "method", r.Method, "path", r.URL.Path, "status", entry.Status,
			"request_id", req.ID, "duration_ms", entry.DurationMS)
	}
}

// flatHeaders joins each header's values. The map is built without sorting: only when there are
// more headers than an entry keeps do the names need an order, to say which were left out.
func flatHeaders(h http.Header) map[string]string {
	out := make(map[string]string, min(len(h), JournalHeaders+1))
	if len(h) <= JournalHeaders {
		for k, v := range h {
			out[k] = joinHeader(v)
		}
		return out
	}
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	out["…"] = fmt.Sprintf("%d more headers", len(names)-JournalHeaders)
	for _, k := range names[:JournalHeaders] {
		out[k] = joinHeader(h[k])
	}
	return out
}

func joinHeader(v []string) string {
	if len(v) == 1 {
		return Truncate(v[0], JournalHeaderBytes)
	}
	return Truncate(strings.Join(v, ", "), JournalHeaderBytes)
}

// Truncate cuts b (a body or a header value) to n bytes, saying how many it left out.
func Truncate[T ~string | ~[]byte](b T, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + fmt.Sprintf("… (%d bytes more)", len(b)-n)
}
