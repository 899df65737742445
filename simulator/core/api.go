package core

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// Problem is one reason a request was refused, in terms a user can act on.
type Problem struct {
	// In is where the problem is: "body", "header", "path", "query" or "" when not tied to a place.
	In string `json:"in,omitempty"`
	// Field names the offending value: a dotted JSON path in the body ("recipients.contacts",
	// "identities.3"), or a header, path or query parameter name.
	Field string `json:"field,omitempty"`
	// Rule is the check that failed, as the spec names it: "required", "type", "enum",
	// "minLength", "maxItems", "pattern", "json", "size", "contentType"…
	Rule string `json:"rule,omitempty"`
	// Reason is a human sentence: "value must be one of TEXT, IMAGE, CARD".
	Reason string `json:"reason"`
}

func (p Problem) String() string {
	if p.Field == "" {
		return p.Reason
	}
	return p.Field + ": " + p.Reason
}

// Rejection kinds: why the server refused a request before its handler ran.
const (
	RejectInvalid          = "invalid"            // failed the spec's validation
	RejectMalformedJSON    = "malformed-json"     // body is not JSON
	RejectTooLarge         = "too-large"          // body over the limit
	RejectMediaType        = "media-type"         // Content-Type the operation does not accept
	RejectMethodNotAllowed = "method-not-allowed" // path exists, method does not
)

// JacksonReader is implemented by a vendor whose service reads JSON bodies with Jackson's default
// coercions ("5" for a number, "true" for a boolean, 5 for a string): the server applies them,
// guided by the operation's schema, before the spec's validation.
type JacksonReader interface {
	ReadsJSONLikeJackson()
}

// Rejection is handed to a vendor's Reject so the vendor can answer in its own error body.
type Rejection struct {
	Kind     string
	Status   int // the status the server suggests; the vendor may answer another
	Problems []Problem
}

// Request is what a handler gets: the HTTP request, its body already read and checked against
// the spec, the path parameters, and the journal entry it may annotate.
type Request struct {
	HTTP      *http.Request
	Operation string
	// Body is the body as the vendor reads it; Sent is the body as the client sent it, set only
	// when the two differ (JacksonReader's coercions). The journal shows Sent.
	Body []byte
	Sent []byte
	// Decoded is Body as the spec's validation decoded it (objects as map[string]any, numbers as
	// json.Number), set when a JSON body passed validation; nil otherwise. A vendor may read it
	// instead of decoding Body again, and must not change it.
	Decoded    any
	PathParams map[string]string
	ID         string    // request id, echoed as X-Request-Id
	Received   time.Time // simulated time of arrival
	// Auth is who the vendor's Authenticate let through, as that vendor's own concrete type (a
	// Luma tenant, a myKaarma service subscriber, a Kore app calling a bot); nil before then.
	Auth Principal

	mu      sync.Mutex
	notes   []string
	created []createdRun
	faults  []string
}

// createdRun is messages a request created, in order: ids, or a fan-out whose ids are made only
// when asked for (a journal entry keeps the first 100 of 100,000).
type createdRun struct {
	ids []string
	fan *FanOut
}

func (c createdRun) len() int {
	if c.fan != nil {
		return c.fan.Len()
	}
	return len(c.ids)
}

// Note records something the handler chose to ignore or default, for the request journal.
func (r *Request) Note(format string, args ...any) {
	r.mu.Lock()
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

// Notes returns what handlers recorded with Note.
func (r *Request) Notes() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.notes...)
}

// Created records ids of messages this request produced.
func (r *Request) Created(ids ...string) {
	r.mu.Lock()
	if n := len(r.created); n > 0 && r.created[n-1].fan == nil {
		r.created[n-1].ids = append(r.created[n-1].ids, ids...)
	} else {
		r.created = append(r.created, createdRun{ids: append([]string(nil), ids...)})
	}
	r.mu.Unlock()
}

func (r *Request) createdFanOut(f *FanOut) {
	r.mu.Lock()
	r.created = append(r.created, createdRun{fan: f})
	r.mu.Unlock()
}

// CreatedIDs returns the ids of every message the request produced (Created, DeliverFanOut).
func (r *Request) CreatedIDs() []string {
	return r.FirstCreated(-1)
}

// CreatedCount is how many messages the request produced.
func (r *Request) CreatedCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.created {
		n += c.len()
	}
	return n
}

// FirstCreated returns the ids of the first n messages the request produced (all when n < 0).
func (r *Request) FirstCreated(n int) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, c := range r.created {
		for i := range c.len() {
			if n >= 0 && len(out) >= n {
				return out
			}
			if c.fan != nil {
				out = append(out, c.fan.ID(i))
			} else {
				out = append(out, c.ids[i])
			}
		}
	}
	return out
}

// Response is what a handler returns; the server writes it. Body is JSON-encoded unless it is a
// RawBody.
type Response struct {
	Status int
	Header http.Header
	Body   any
	// Problems are recorded in the journal (not written): why a vendor refused the request.
	Problems []Problem
}

// RawBody is written as is, with its content type.
type RawBody struct {
	ContentType string
	Data        []byte
}

// JSON is a convenience for a JSON response.
func JSON(status int, body any) Response { return Response{Status: status, Body: body} }

// Handler serves one spec operation.
type Handler func(*Request) Response

// Vendor is one simulated API. Name is also its spec (openapi/<name>.yaml) and its fixtures
// section. Every operationId in the spec must have a handler and every handler an operation.
type Vendor interface {
	Name() string
	Handlers() map[string]Handler
	// Authenticate runs before body validation, in the vendor's own scheme. It returns nil to let
	// the request through (setting req.Auth to its principal) or the vendor's refusal.
	Authenticate(op string, req *Request) *Response
	// Reject renders a refusal decided by the server (validation, size, media type, method).
	Reject(req *Request, rej Rejection) Response
	// Load parses the vendor's fixtures section (nil: no section, empty state) and returns a
	// commit that swaps it in. Nothing changes until commit runs, so a dataset that fails in one
	// vendor leaves every vendor as it was.
	Load(section json.RawMessage) (commit func(), err error)
	// Snapshot is the vendor's state for GET /_sim/state/{vendor}.
	Snapshot() any
}

// RecipientNormalizer is a Vendor whose recipient ids have one canonical spelling among many a
// user may type (a phone number with or without +, spaces or a country code). The admin API
// rewrites a recipient filter with it, so a search finds what the vendor stored.
type RecipientNormalizer interface {
	// NormalizeRecipient returns the stored form of id, and false when id is not one of the
	// vendor's spellings (it is then left as given).
	NormalizeRecipient(id string) (string, bool)
}

// Env is what the simulator shares with every vendor.
type Env struct {
	Store        Store
	Bus          *Bus
	Clock        *Clock
	IDs          *IDs
	Troubleshoot *Troubleshoot
	Callbacks    *Callbacks
	Log          *slog.Logger
	// Faults fails deliveries that fault rules name; nil fails none.
	Faults DeliveryFaults
	// Durable records state changes on disk (serve --data); nil keeps everything in memory.
	Durable Durable
}

// Deliver stores messages as delivered now and publishes one message.delivered event each. The
// messages may share their Data map and Payload; nothing may change them afterwards.
func (e *Env) Deliver(req *Request, msgs ...Message) []Message {
	now := e.Clock.Now()
	at := &now // shared: status changes replace the pointer, never write through it
	history := []StatusChange{{Status: StatusDelivered, At: now}}
	e.prepare(req, msgs, now, func(m *Message) { delivered(m, now, at, history) })
	e.Store.Add(msgs)
	e.publish(req, msgs, "", now)
	return msgs
}

// Schedule stores messages as scheduled and delivers them when the clock reaches at. The
// returned messages carry their ids.
func (e *Env) Schedule(req *Request, at time.Time, msgs ...Message) []Message {
	now := e.Clock.Now()
	deliverAt := &at
	e.prepare(req, msgs, now, func(m *Message) {
		m.DeliverAt = deliverAt
		m.Status = StatusScheduled
		m.History = append(m.History, StatusChange{Status: StatusScheduled, At: now})
	})
	e.Store.Add(msgs)
	e.publish(req, msgs, EventMessageStatus, now)
	ids := make([]string, len(msgs))
	for i := range msgs {
		ids[i] = msgs[i].ID
	}
	e.Clock.AfterFunc(at.Sub(now), func() {
		for _, id := range ids {
			e.ChangeStatus(id, StatusDelivered, "")
		}
	})
	return msgs
}

func (e *Env) prepare(req *Request, msgs []Message, now time.Time, set func(*Message)) {
	for i := range msgs {
		m := &msgs[i]
		if m.ID == "" {
			m.ID = e.IDs.UUID()
		}
		if m.CreatedAt.IsZero() {
			m.CreatedAt = now
		}
		if req != nil {
			m.RequestID = req.ID
		}
		set(m)
	}
}

// eventFor names the event a message in status announces when it is stored or changes.
func eventFor(status string) string {
	switch status {
	case StatusDelivered:
		return EventMessageDelivered
	case "sent":
		return EventMessageSent
	}
	return EventMessageStatus
}

// publish announces stored messages: typ for every one, or when empty the event of each one's
// own status.
func (e *Env) publish(req *Request, msgs []Message, typ string, now time.Time) {
	if req != nil {
		ids := make([]string, len(msgs))
		for i := range msgs {
			ids[i] = msgs[i].ID
		}
		req.Created(ids...)
	}
	// Published even with nobody subscribed: the history serves clients that resume later. An
	// event holds a plain copy of the message, shared by every subscriber and the history: the
	// store keeps its own encoding, nothing changes a delivered message's Data, Payload or
	// History afterwards (see Store.Add), and subscribers only read them, so a deep copy per
	// message (four allocations, a fifth of a 1,000-identity Kore job) would protect nothing.
	e.Bus.PublishBatch(len(msgs), func(i int) Event {
		m := msgs[i]
		t := typ
		if t == "" {
			t = eventFor(m.Status)
		}
		return Event{Type: t, Time: now, Vendor: m.Vendor, Data: m}
	})
}

// SetStatus moves a stored message to status and publishes the change (message.delivered when it
// becomes delivered, message.sent when sent, message.status otherwise).
func (e *Env) SetStatus(id, status, reason string) (Message, bool) {
	return e.changeStatus(id, status, reason, true)
}

// ChangeStatus is SetStatus for a caller that doesn't read the changed message: the change, its
// event and what --data records are the same, but the message is read back only if a subscriber
// (or a client resuming the event stream) reads the event.
func (e *Env) ChangeStatus(id, status, reason string) bool {
	_, ok := e.changeStatus(id, status, reason, false)
	return ok
}

func (e *Env) changeStatus(id, status, reason string, read bool) (Message, bool) {
	now := e.Clock.Now()
	if st, ok := e.Store.(statusStore); ok {
		v, ok := st.setStatus(id, status, reason, now)
		if !ok {
			return Message{}, false
		}
		e.Bus.Publish(Event{Type: eventFor(status), Time: now, Vendor: v.strs.vendor, deferred: v})
		if !read {
			return Message{}, true
		}
		return v.Message(), true
	}
	m, ok := e.Store.Update(id, statusChange(status, reason, now))
	if !ok {
		return m, false
	}
	e.Bus.Publish(Event{Type: eventFor(status), Time: now, Vendor: m.Vendor, Data: m})
	return m, true
}

// Stream is a response body written by the server's caller over time (Server-Sent Events). The
// function returns when the client goes away or the simulator closes.
type Stream func(w http.ResponseWriter, r *http.Request)
