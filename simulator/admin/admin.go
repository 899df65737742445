// Package admin serves the sandbox's own API under /_sim: inspection of messages, inboxes, the
// request journal and the troubleshoot log, the live event stream, and control of the dataset and
// the clock. It reads core and knows no vendor.
package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/notifysim/notifysim/openapi"
	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/fault"
)

// Control is what the admin API needs from the simulator.
type Control struct {
	Env          *core.Env
	Journal      *core.Journal
	Reset        func() error
	LoadFixtures func([]byte) error
	Dataset      func() any
	Snapshot     func(vendor string) (any, bool)
	Vendors      func() []string
	Faults       *fault.Set
	// NormalizeRecipient rewrites a recipient filter to the form the vendor stores (a phone
	// number written as Luminous stores destinations); nil or "" leaves it as given.
	NormalizeRecipient func(vendor, recipient string) string
	// Directory lists the recipient groups of every vendor that has them (nil: none).
	Directory func() []core.DirectoryGroup
	// Metrics renders the Prometheus text exposition for GET /metrics.
	Metrics func() ([]byte, error)
	Version string
	Started time.Time
	// Done closes when the simulator shuts down; event streams end then.
	Done <-chan struct{}
	// EventWriteTimeout bounds one write to an event stream (default DefaultEventWriteTimeout).
	EventWriteTimeout time.Duration
}

// API serves openapi/admin.yaml. It is mounted beside the vendors, not as one: it has no
// authentication, fixtures, state or faults of its own.
type API struct{ c Control }

// New returns the admin API over c.
func New(c Control) *API { return &API{c: c} }

// Name is the name of its spec, openapi/admin.yaml.
func (a *API) Name() string { return "admin" }

// Reject answers in the admin API's own error shape.
func (a *API) Reject(_ *core.Request, rej core.Rejection) core.Response {
	msg := "request refused"
	if len(rej.Problems) > 0 {
		msg = rej.Problems[0].String()
	}
	return core.Response{Status: rej.Status, Body: errorBody{Error: msg, Problems: rej.Problems}, Problems: rej.Problems}
}

type errorBody struct {
	Error    string         `json:"error"`
	Problems []core.Problem `json:"problems,omitempty"`
}

func fail(status int, format string, args ...any) core.Response {
	return core.JSON(status, errorBody{Error: fmt.Sprintf(format, args...)})
}

func (a *API) Handlers() map[string]core.Handler {
	return map[string]core.Handler{
		"health":           a.health,
		"listMessages":     a.listMessages,
		"latestMessage":    a.latestMessage,
		"getMessage":       a.getMessage,
		"listInboxes":      a.listInboxes,
		"listRequests":     a.listRequests,
		"listTroubleshoot": a.listTroubleshoot,
		"listCallbacks":    a.listCallbacks,
		"getState":         a.getState,
		"streamEvents":     a.streamEvents,
		"reset":            a.reset,
		"getFixtures":      a.getFixtures,
		"putFixtures":      a.putFixtures,
		"getClock":         a.getClock,
		"setClock":         a.setClock,
		"getSpec":          a.getSpec,
		"listFaults":       a.listFaults,
		"addFault":         a.addFault,
		"clearFaults":      a.clearFaults,
		"deleteFault":      a.deleteFault,
		"listGroups":       a.listGroups,
		"markMessagesRead": a.markMessagesRead,
		"metrics":          a.metrics,
	}
}

func (a *API) health(*core.Request) core.Response {
	return core.JSON(http.StatusOK, map[string]any{
		"status":        "ok",
		"version":       a.c.Version,
		"time":          a.c.Env.Clock.Now(),
		"uptimeSeconds": time.Since(a.c.Started).Seconds(),
		"vendors":       a.c.Vendors(),
		"messages":      a.c.Env.Store.Len(),
		"requests":      a.c.Journal.Total(),
		"subscribers":   a.c.Env.Bus.Subscribers(),
	})
}

// normalizeRecipient rewrites one recipient id the way its vendor stores it, when it can.
func (a *API) normalizeRecipient(vendor, id string) string {
	if id == "" || a.c.NormalizeRecipient == nil {
		return id
	}
	if n := a.c.NormalizeRecipient(vendor, id); n != "" {
		return n
	}
	return id
}

// filter reads the message filter from the query. The spec has already checked the types.
func (a *API) filter(r *http.Request) core.Filter {
	q := r.URL.Query()
	f := core.Filter{
		Vendor: q.Get("vendor"), Tenant: q.Get("tenant"), Role: q.Get("role"),
		Channel: q.Get("channel"), Status: q.Get("status"), Text: q.Get("q"),
	}
	f.Recipient, f.Recipients = recipients(q.Get("recipient"))
	f.Recipient = a.normalizeRecipient(f.Vendor, f.Recipient)
	for i, id := range f.Recipients {
		f.Recipients[i] = a.normalizeRecipient(f.Vendor, id)
	}
	if s := q.Get("since"); s != "" {
		f.Since, _ = time.Parse(time.RFC3339Nano, s)
	}
	if l := q.Get("limit"); l != "" {
		f.Limit, _ = strconv.Atoi(l)
	}
	return f
}

const maxWait = 60 * time.Second

func waitParam(r *http.Request) (time.Duration, *core.Response) {
	w := r.URL.Query().Get("wait")
	if w == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(w)
	if err != nil || d < 0 {
		resp := fail(http.StatusBadRequest, "wait: %q is not a duration such as 5s or 500ms", w)
		return 0, &resp
	}
	return min(d, maxWait), nil
}

// await returns the messages matching f (up to its Limit) once at least n match, or what there
// is when wait runs out, and then timedOut is true. It subscribes before the first count so a
// message arriving in between is not missed.
func (a *API) await(ctx context.Context, f core.Filter, n int, wait time.Duration) (msgs []core.Message, timedOut bool) {
	store := a.c.Env.Store
	if wait > 0 && store.Count(f) < n {
		sub := a.c.Env.Bus.Subscribe(64, func(e core.Event) bool {
			return e.Type == core.EventMessageDelivered || e.Type == core.EventMessageStatus || e.Type == core.EventMessageSent
		})
		defer sub.Close()
		timer := time.NewTimer(wait)
		defer timer.Stop()
	loop:
		for store.Count(f) < n {
			select {
			case <-sub.C:
			case <-timer.C:
				break loop
			case <-ctx.Done():
				break loop
			case <-a.c.Done:
				break loop
			}
		}
		timedOut = store.Count(f) < n
	}
	return store.Query(f), timedOut
}

// defaultLimit bounds /_sim/messages when no limit is given, so a fan-out to a large tenant
// doesn't answer megabytes by accident; total still says how many match.
const defaultLimit = 1000

func (a *API) listMessages(req *core.Request) core.Response {
	wait, bad := waitParam(req.HTTP)
	if bad != nil {
		return *bad
	}
	n := 1
	if c := req.HTTP.URL.Query().Get("count"); c != "" {
		n, _ = strconv.Atoi(c)
	}
	f := a.filter(req.HTTP)
	if f.Limit == 0 {
		f.Limit = defaultLimit
	}
	before, bad := cursorParam(req.HTTP)
	if bad != nil {
		return *bad
	}
	if before == 0 {
		before = beforeParam(req.HTTP)
	}
	// One more than the page tells whether an older page exists without counting.
	limit := f.Limit
	f.Limit, f.Before = limit+1, before
	msgs, timedOut := a.await(req.HTTP.Context(), f, n, wait)
	// A long-poll that ran out still answers 200 with what there is; timedOut tells it apart
	// from one that got its count.
	out := map[string]any{"timedOut": timedOut}
	if len(msgs) > limit {
		msgs = msgs[:limit]
		out["nextCursor"] = encodeCursor(msgs[limit-1].Seq)
	}
	f.Before = 0 // total counts every match, whichever page this is
	out["count"], out["total"], out["messages"] = len(msgs), a.c.Env.Store.Count(f), msgs
	return core.JSON(http.StatusOK, out)
}

func (a *API) latestMessage(req *core.Request) core.Response {
	wait, bad := waitParam(req.HTTP)
	if bad != nil {
		return *bad
	}
	f := a.filter(req.HTTP)
	f.Limit = 1
	msgs, _ := a.await(req.HTTP.Context(), f, 1, wait)
	if len(msgs) == 0 {
		if wait > 0 {
			return fail(http.StatusNotFound, "no message matches within %s", wait)
		}
		return fail(http.StatusNotFound, "no message matches")
	}
	return core.JSON(http.StatusOK, msgs[0])
}

func (a *API) getMessage(req *core.Request) core.Response {
	id := req.PathParams["id"]
	m, ok := a.c.Env.Store.Update(id, func(m *core.Message) { m.Seen = true })
	if !ok {
		return fail(http.StatusNotFound, "no message with id %q", id)
	}
	return core.JSON(http.StatusOK, m)
}

type roleGroup struct {
	Vendor     string   `json:"vendor"`
	Tenant     string   `json:"tenant"`
	Role       string   `json:"role"`
	RoleName   string   `json:"roleName,omitempty"`
	Recipients []string `json:"recipients"`
	Count      int      `json:"count"`
	Unread     int      `json:"unread"`
}

func (a *API) listInboxes(req *core.Request) core.Response {
	f := a.filter(req.HTTP)
	limit := f.Limit
	f.Limit = 0
	inboxes := a.c.Env.Store.Inboxes(f)
	type key struct{ vendor, tenant, role string }
	groups := map[key]*roleGroup{}
	var order []key
	for _, in := range inboxes {
		if in.Recipient.Role == "" {
			continue
		}
		k := key{in.Vendor, in.Tenant, in.Recipient.Role}
		g, ok := groups[k]
		if !ok {
			g = &roleGroup{Vendor: in.Vendor, Tenant: in.Tenant, Role: in.Recipient.Role, RoleName: in.Recipient.RoleName, Recipients: []string{}}
			groups[k] = g
			order = append(order, k)
		}
		g.Recipients = append(g.Recipients, in.Recipient.ID)
		g.Count += in.Count
		g.Unread += in.Unread
	}
	sort.Slice(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if a.vendor != b.vendor {
			return a.vendor < b.vendor
		}
		if a.tenant != b.tenant {
			return a.tenant < b.tenant
		}
		return a.role < b.role
	})
	roles := make([]roleGroup, 0, len(order))
	for _, k := range order {
		sort.Strings(groups[k].Recipients)
		roles = append(roles, *groups[k])
	}
	if limit > 0 && len(inboxes) > limit {
		inboxes = inboxes[:limit]
	}
	return core.JSON(http.StatusOK, map[string]any{"inboxes": inboxes, "roles": roles, "evicted": evicted(a.c.Env.Store)})
}

func (a *API) listRequests(req *core.Request) core.Response {
	q := req.HTTP.URL.Query()
	f := core.JournalFilter{Vendor: q.Get("vendor")}
	f.Status, _ = strconv.Atoi(q.Get("status"))
	f.Failed, _ = strconv.ParseBool(q.Get("failed"))
	limit := limitParam(q.Get("limit"))
	before, bad := cursorParam(req.HTTP)
	if bad != nil {
		return *bad
	}
	f.Limit, f.Before = limit+1, before
	entries := a.c.Journal.List(f)
	// total counts the entries kept that match, as /_sim/messages does: what paging through
	// this filter would reach.
	out := map[string]any{"total": a.c.Journal.Count(f)}
	if len(entries) > limit {
		entries = entries[:limit]
		out["nextCursor"] = encodeCursor(entries[limit-1].Seq)
	}
	out["requests"] = entries
	return core.JSON(http.StatusOK, out)
}

func (a *API) listTroubleshoot(req *core.Request) core.Response {
	q := req.HTTP.URL.Query()
	return core.JSON(http.StatusOK, map[string]any{"entries": a.c.Env.Troubleshoot.List(q.Get("vendor"), q.Get("tenant"), limitParam(q.Get("limit")))})
}

// limitParam reads a list's limit, defaulting to defaultLimit: each journal entry may carry a
// 64 KiB body, and a full journal answered whole would be hundreds of megabytes.
func limitParam(v string) int {
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return n
	}
	return defaultLimit
}

func (a *API) listCallbacks(req *core.Request) core.Response {
	return core.JSON(http.StatusOK, map[string]any{"callbacks": a.c.Env.Callbacks.List(req.HTTP.URL.Query().Get("vendor"))})
}

func (a *API) getState(req *core.Request) core.Response {
	name := req.PathParams["vendor"]
	snap, ok := a.c.Snapshot(name)
	if !ok {
		return fail(http.StatusNotFound, "no API named %q", name)
	}
	return core.JSON(http.StatusOK, snap)
}

func (a *API) reset(*core.Request) core.Response {
	if err := a.c.Reset(); err != nil {
		return fail(http.StatusBadRequest, "reset failed: %v", err)
	}
	return core.JSON(http.StatusOK, map[string]any{"status": "reset", "vendors": a.c.Vendors()})
}

func (a *API) getFixtures(*core.Request) core.Response {
	return core.JSON(http.StatusOK, a.c.Dataset())
}

func (a *API) putFixtures(req *core.Request) core.Response {
	if err := a.c.LoadFixtures(req.Body); err != nil {
		return fail(http.StatusBadRequest, "%v", err)
	}
	return core.JSON(http.StatusOK, loadedReport(a.c.Dataset(), a.c.Vendors()))
}

// loadedReport says what a dataset put in place: the APIs with a section (and how many of each
// top-level list it holds, such as luma's tenants), and the APIs left with no state, which is
// what a dataset that omits them means.
func loadedReport(dataset any, apis []string) map[string]any {
	raw, _ := json.Marshal(dataset)
	var sections map[string]json.RawMessage
	_ = json.Unmarshal(raw, &sections)
	loaded, empty := []string{}, []string{}
	counts := map[string]map[string]int{}
	for _, api := range apis {
		sec, ok := sections[api]
		if !ok || string(sec) == "null" {
			empty = append(empty, api)
			continue
		}
		loaded = append(loaded, api)
		var fields map[string]json.RawMessage
		_ = json.Unmarshal(sec, &fields)
		counts[api] = map[string]int{}
		for k, v := range fields {
			var list []json.RawMessage
			if json.Unmarshal(v, &list) == nil {
				counts[api][k] = len(list)
			}
		}
	}
	return map[string]any{"status": "loaded", "vendors": loaded, "empty": empty, "counts": counts}
}

func (a *API) clockState() core.Response {
	c := a.c.Env.Clock
	return core.JSON(http.StatusOK, map[string]any{"now": c.Now(), "frozen": c.Frozen(), "pendingTimers": c.Pending()})
}

func (a *API) getClock(*core.Request) core.Response { return a.clockState() }

func (a *API) setClock(req *core.Request) core.Response {
	var body struct {
		Action   string `json:"action"`
		Time     string `json:"time"`
		Duration string `json:"duration"`
	}
	if err := json.Unmarshal(req.Body, &body); err != nil {
		return fail(http.StatusBadRequest, "body: %v", err)
	}
	c := a.c.Env.Clock
	switch body.Action {
	case "freeze":
		c.Freeze()
	case "resume":
		c.Resume()
	case "set":
		t, err := time.Parse(time.RFC3339Nano, body.Time)
		if err != nil {
			return fail(http.StatusBadRequest, "time: %q is not an RFC 3339 time such as 2026-01-01T09:00:00Z", body.Time)
		}
		if t.Before(core.MinTime) || !t.Before(core.MaxTime) {
			return fail(http.StatusBadRequest, "time: %s is outside the years 1 to 9998 the clock can keep", body.Time)
		}
		c.Set(t)
	case "advance":
		d, err := time.ParseDuration(body.Duration)
		if err != nil || d < 0 {
			return fail(http.StatusBadRequest, "duration: %q is not a positive duration such as 90s or 1h30m", body.Duration)
		}
		if !c.Now().Add(d).Before(core.MaxTime) {
			return fail(http.StatusBadRequest, "duration: advancing by %s would take the clock past the year 9998", body.Duration)
		}
		c.Advance(d)
	}
	return a.clockState()
}

func (a *API) getSpec(req *core.Request) core.Response {
	data, err := openapi.Spec(req.PathParams["name"])
	if err != nil {
		return fail(http.StatusNotFound, "no spec named %q", req.PathParams["name"])
	}
	return core.Response{Status: http.StatusOK, Body: core.RawBody{ContentType: "application/yaml", Data: data}}
}

// metricsContentType is the Prometheus text format (kept here so admin needs no Prometheus import).
const metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

func (a *API) metrics(*core.Request) core.Response {
	data, err := a.c.Metrics()
	if err != nil {
		return fail(http.StatusInternalServerError, "metrics could not be gathered: %v", err)
	}
	return core.Response{Status: http.StatusOK, Body: core.RawBody{ContentType: metricsContentType, Data: data}}
}

func (a *API) streamEvents(req *core.Request) core.Response {
	q := req.HTTP.URL.Query()
	vendor := q.Get("vendor")
	types := map[string]bool{}
	for _, t := range strings.Split(q.Get("types"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			types[t] = true
		}
	}
	match := func(e core.Event) bool {
		if vendor != "" && e.Vendor != "" && !strings.EqualFold(vendor, e.Vendor) {
			return false
		}
		return len(types) == 0 || types[e.Type]
	}
	after, resume := int64(0), false
	if v := strings.TrimSpace(req.HTTP.Header.Get("Last-Event-ID")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return fail(http.StatusBadRequest, "Last-Event-ID: %q is not an event id; send the id: of the last event received (a whole number)", v)
		}
		after, resume = n, true
	}
	wait := a.c.EventWriteTimeout
	if wait <= 0 {
		wait = DefaultEventWriteTimeout
	}
	return core.Response{Status: http.StatusOK, Body: core.Stream(func(w http.ResponseWriter, r *http.Request) {
		var sub *core.Subscription
		if resume {
			sub = a.c.Env.Bus.SubscribeAfter(after, eventBuffer, match)
		} else {
			sub = a.c.Env.Bus.Subscribe(eventBuffer, match)
		}
		defer sub.Close()
		serveSSE(w, r, sub, wait)
	})}
}

// eventBuffer is how many events a stream may fall behind before it is sent a gap.
const eventBuffer = 1024

// DefaultEventWriteTimeout is how long one write to an event stream may block (a client that
// stopped reading) before the stream is dropped.
const DefaultEventWriteTimeout = 10 * time.Second

const keepAlive = 15 * time.Second

// serveSSE writes the subscription as Server-Sent Events until the client goes, the simulator
// closes, or a write stays blocked for writeWait. Bus events carry their id (a reconnecting
// EventSource sends it back as Last-Event-ID); a gap event carries none, so a client that
// reconnects after it asks again for what the gap names.
func serveSSE(w http.ResponseWriter, r *http.Request, sub *core.Subscription, writeWait time.Duration) {
	rc := http.NewResponseController(w)
	// The server's read timeout bounds reading a request; a stream reads nothing more, and the
	// deadline passing would cancel its context.
	_ = rc.SetReadDeadline(time.Time{})
	write := func(format string, args ...any) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(writeWait))
		if _, err := fmt.Fprintf(w, format, args...); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("Connection", "keep-alive")
	h.Set("X-Accel-Buffering", "no")
	_ = rc.SetWriteDeadline(time.Now().Add(writeWait))
	w.WriteHeader(http.StatusOK)
	if !write(": notifysim event stream\nretry: 1000\n\n") {
		return
	}
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			if !write(": keep-alive\n\n") {
				return
			}
		case e, ok := <-sub.C:
			if !ok {
				return
			}
			data, err := json.Marshal(e)
			if err != nil {
				continue
			}
			var sent bool
			if e.ID == 0 {
				sent = write("event: %s\ndata: %s\n\n", e.Type, data)
			} else {
				sent = write("id: %d\nevent: %s\ndata: %s\n\n", e.ID, e.Type, data)
			}
			if !sent {
				return
			}
		}
	}
}
