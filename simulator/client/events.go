package client

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Event types the sandbox publishes on /_sim/events.
const (
	EventMessageDelivered = "message.delivered"
	EventMessageStatus    = "message.status"
	// EventMessageSent: a message accepted but not yet delivered (a Luminous message before its
	// delivery receipt); message.delivered follows when it is.
	EventMessageSent     = "message.sent"
	EventJobProgress     = "job.progress"
	EventRequestRejected = "request.rejected"
	EventCallback        = "callback.attempt"
	EventStateReset      = "state.reset"
)

// Event types the client itself adds to the stream so a reader can show the connection state.
const (
	// EventConnected: the stream is (again) open. Anything may have happened while it was not:
	// reload what you show.
	EventConnected = "stream.connected"
	// EventDisconnected: the stream broke or could not open; Err says why. The client retries
	// with backoff until the context ends.
	EventDisconnected = "stream.disconnected"
)

// Event is one thing that happened in the sandbox, or a change of the stream's own state
// (EventConnected, EventDisconnected).
type Event struct {
	ID     int64           `json:"id"`
	Type   string          `json:"type"`
	Time   time.Time       `json:"time"`
	Vendor string          `json:"vendor,omitempty"`
	Data   json.RawMessage `json:"data,omitempty"`
	// Err is why the stream disconnected (EventDisconnected only).
	Err error `json:"-"`
	// Retry is how long the client waits before it reconnects (EventDisconnected only).
	Retry time.Duration `json:"-"`
}

// Message decodes the message of a message.delivered, message.sent or message.status event.
func (e Event) Message() (Message, error) {
	var m Message
	return m, e.decode(&m, EventMessageDelivered, EventMessageSent, EventMessageStatus)
}

// Job decodes the Kore.ai job summary of a job.progress event.
func (e Event) Job() (Job, error) {
	var j Job
	return j, e.decode(&j, EventJobProgress)
}

// Request decodes the journal entry of a request.rejected event.
func (e Event) Request() (JournalEntry, error) {
	var r JournalEntry
	return r, e.decode(&r, EventRequestRejected)
}

// Callback decodes the callback of a callback.attempt event.
func (e Event) Callback() (Callback, error) {
	var c Callback
	return c, e.decode(&c, EventCallback)
}

func (e Event) decode(v any, types ...string) error {
	ok := false
	for _, t := range types {
		ok = ok || e.Type == t
	}
	if !ok {
		return fmt.Errorf("a %s event carries no %s", e.Type, strings.Join(types, " or "))
	}
	if err := json.Unmarshal(e.Data, v); err != nil {
		return fmt.Errorf("%s event %d: %w", e.Type, e.ID, err)
	}
	return nil
}

// EventFilter selects events; zero fields match everything.
type EventFilter struct {
	Vendor string
	Types  []string
}

// maxEventBytes bounds one SSE line: a message event carries its payload (at most the 1 MiB a
// vendor request may hold, plus its JSON escaping).
const maxEventBytes = 16 << 20

// Events streams /_sim/events until ctx ends, then closes the channel. It reconnects on its own
// (with backoff, sending Last-Event-ID) and reports each change of connection with an
// EventConnected or EventDisconnected event, so a reader never has to dial again. A reader that
// stops reading holds the stream back; it loses nothing.
func (c *Client) Events(ctx context.Context, f EventFilter) <-chan Event {
	out := make(chan Event, 64)
	go c.stream(ctx, f, out)
	return out
}

func (c *Client) stream(ctx context.Context, f EventFilter, out chan<- Event) {
	defer close(out)
	q := url.Values{}
	if f.Vendor != "" {
		q.Set("vendor", f.Vendor)
	}
	if len(f.Types) > 0 {
		q.Set("types", strings.Join(f.Types, ","))
	}
	send := func(e Event) bool {
		select {
		case out <- e:
			return true
		case <-ctx.Done():
			return false
		}
	}
	var last int64
	backoff := c.minBackoff
	for ctx.Err() == nil {
		connected, err := c.streamOnce(ctx, q, &last, send)
		if ctx.Err() != nil {
			return
		}
		if connected {
			backoff = c.minBackoff
		}
		if err == nil {
			err = errors.New("the server closed the event stream")
		}
		if !send(Event{Type: EventDisconnected, Time: time.Now(), Err: err, Retry: backoff}) {
			return
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(backoff*2, c.maxBackoff)
	}
}

// streamOnce opens the stream once and reads it until it breaks. connected says whether it was
// open at some point (so the backoff starts over).
func (c *Client) streamOnce(ctx context.Context, q url.Values, last *int64, send func(Event) bool) (connected bool, err error) {
	req, err := c.newRequest(ctx, http.MethodGet, "/_sim/events", q, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", "text/event-stream")
	if *last > 0 {
		req.Header.Set("Last-Event-ID", strconv.FormatInt(*last, 10))
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		e := &Error{Status: resp.StatusCode, Message: strings.TrimSpace(string(data))}
		var body struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(data, &body) == nil && body.Error != "" {
			e.Message = body.Error
		}
		return false, e
	}
	if !send(Event{Type: EventConnected, Time: time.Now()}) {
		return true, ctx.Err()
	}
	err = readSSE(resp.Body, func(id, typ string, data []byte) bool {
		var e Event
		if err := json.Unmarshal(data, &e); err != nil {
			// A frame the client cannot read is skipped, not fatal: the next one may be fine.
			return true
		}
		if e.Type == "" {
			e.Type = typ
		}
		if n, err := strconv.ParseInt(id, 10, 64); err == nil {
			e.ID = n
		}
		if e.ID > 0 {
			*last = e.ID
		}
		return send(e)
	})
	return true, err
}

// readSSE reads Server-Sent Events frames from r and calls fn for each complete one until fn
// returns false or r ends. Comments and unknown fields are ignored, as the SSE spec says.
func readSSE(r io.Reader, fn func(id, typ string, data []byte) bool) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxEventBytes)
	var id, typ string
	var data []byte
	hasData := false
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" {
			if hasData {
				if !fn(id, typ, data) {
					return nil
				}
			}
			typ, data, hasData = "", data[:0], false
			continue
		}
		if line[0] == ':' {
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "id":
			id = value
		case "event":
			typ = value
		case "data":
			if hasData {
				data = append(data, '\n')
			}
			data = append(data, value...)
			hasData = true
		}
	}
	return sc.Err()
}
