package core

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// CallbackAttempt is one try at POSTing a callback.
type CallbackAttempt struct {
	Attempt    int       `json:"attempt"`
	Time       time.Time `json:"time"`
	Status     int       `json:"status,omitempty"` // HTTP status, 0 when no answer
	Error      string    `json:"error,omitempty"`
	DurationMS float64   `json:"durationMs"`
}

// Callback is a result the simulator sends to a URL the client gave, with every attempt.
type Callback struct {
	ID        string            `json:"id"`
	Vendor    string            `json:"vendor"`
	RequestID string            `json:"requestId,omitempty"`
	URL       string            `json:"url"`
	Body      json.RawMessage   `json:"body"`
	State     string            `json:"state"` // pending, delivered, failed
	Attempts  []CallbackAttempt `json:"attempts"`
	Created   time.Time         `json:"created"`
	// Due is when a delayed callback is sent (simulated time); absent when sent at once.
	Due *time.Time `json:"due,omitempty"`
}

// Callback states.
const (
	CallbackPending   = "pending"
	CallbackDelivered = "delivered"
	CallbackFailed    = "failed"
)

// maxCallbacks is how many callback records List keeps, oldest dropped first, so a long-running
// sandbox that calls back on every request does not grow without bound.
const maxCallbacks = 10000

// Callbacks POSTs JSON results to client URLs in the background with a timeout and a bounded
// number of retries, and remembers every attempt. A slow or dead target only ties up its own
// goroutine.
type Callbacks struct {
	Client   *http.Client
	Attempts int           // tries per callback (default 3)
	Backoff  time.Duration // wall time between tries, doubled each time (default 200ms)

	bus   *Bus
	clock *Clock
	ids   *IDs

	mu   sync.RWMutex
	list []*Callback
	// gen is cancelled by Reset and Close: callbacks sent before then stop retrying and record
	// nothing more, so none of them outlives the state it belonged to.
	gen     context.Context
	cancel  context.CancelFunc
	closed  bool
	wg      sync.WaitGroup
	durable Durable
}

// NewCallbacks returns a sender with a 5 s timeout, 3 attempts and 200 ms initial backoff.
func NewCallbacks(bus *Bus, clock *Clock, ids *IDs) *Callbacks {
	gen, cancel := context.WithCancel(context.Background())
	return &Callbacks{
		Client:   &http.Client{Timeout: 5 * time.Second},
		Attempts: 3,
		Backoff:  200 * time.Millisecond,
		bus:      bus, clock: clock, ids: ids, gen: gen, cancel: cancel,
	}
}

// Send queues body for url and returns the callback record at once.
func (c *Callbacks) Send(vendor, requestID, url string, body any) Callback {
	return c.send(nil, vendor, requestID, url, body)
}

// SendAt queues body for url once the simulated clock reaches at, after whatever else falls due
// then and was set up before, and returns the callback record at once. It is pending until then,
// and survives a restart with --data like every other callback.
func (c *Callbacks) SendAt(at time.Time, vendor, requestID, url string, body any) Callback {
	return c.send(&at, vendor, requestID, url, body)
}

func (c *Callbacks) send(due *time.Time, vendor, requestID, url string, body any) Callback {
	raw, err := json.Marshal(body)
	if err != nil {
		raw = []byte(`null`)
	}
	cb := &Callback{ID: c.ids.UUID(), Vendor: vendor, RequestID: requestID, URL: url, Body: raw,
		State: CallbackPending, Created: c.clock.Now(), Attempts: []CallbackAttempt{}, Due: due}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		cb.State = CallbackFailed
		return c.copyLocked(cb)
	}
	c.list = append(c.list, cb)
	if over := len(c.list) - maxCallbacks; over > 0 {
		for _, old := range c.list[:over] {
			record(c.durable, Change{Table: TableCallbacks, Op: OpDelete, Key: old.ID})
		}
		c.list = append(c.list[:0:0], c.list[over:]...)
	}
	c.saveLocked(cb)
	c.startLocked(cb)
	return c.copyLocked(cb)
}

// startLocked sends cb now, or arms a clock timer for its due time. Called with c.mu held.
func (c *Callbacks) startLocked(cb *Callback) {
	gen := c.gen
	if cb.Due != nil && len(cb.Attempts) == 0 {
		c.clock.AfterFunc(max(cb.Due.Sub(c.clock.Now()), 0), func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			if gen.Err() != nil || c.closed {
				return
			}
			c.wg.Add(1)
			go c.deliver(gen, cb)
		})
		return
	}
	// Added under the lock Close takes before it waits, so no goroutine starts after Wait.
	c.wg.Add(1)
	go c.deliver(gen, cb)
}

// saveLocked records cb's current content for a durable store.
func (c *Callbacks) saveLocked(cb *Callback) {
	if c.durable == nil {
		return
	}
	c.durable.Record(Change{Table: TableCallbacks, Op: OpPut, Key: cb.ID, Value: Snapshot(func() any {
		c.mu.RLock()
		defer c.mu.RUnlock()
		return c.copyLocked(cb)
	})})
}

// SetDurable makes the sender record every callback and attempt.
func (c *Callbacks) SetDurable(d Durable) {
	c.mu.Lock()
	c.durable = d
	c.mu.Unlock()
}

// Restore puts back callbacks a previous run recorded, oldest first. Those still pending are
// sent again: at their due time when it has not come yet, else at once, their attempts
// numbered on from the ones already made.
func (c *Callbacks) Restore(list []Callback) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range list {
		cb := list[i]
		if cb.Attempts == nil {
			cb.Attempts = []CallbackAttempt{}
		}
		p := &cb
		c.list = append(c.list, p)
		if cb.State != CallbackPending || c.closed {
			continue
		}
		c.startLocked(p)
	}
	if over := len(c.list) - maxCallbacks; over > 0 {
		c.list = append(c.list[:0:0], c.list[over:]...)
	}
}

func (c *Callbacks) deliver(gen context.Context, cb *Callback) {
	defer c.wg.Done()
	backoff := c.Backoff
	c.mu.RLock()
	first := len(cb.Attempts) + 1
	c.mu.RUnlock()
	if first > c.Attempts { // restored after its last attempt, before its state was recorded
		c.mu.Lock()
		if gen.Err() == nil {
			cb.State = CallbackFailed
			c.saveLocked(cb)
		}
		c.mu.Unlock()
		return
	}
	for attempt := first; attempt <= c.Attempts; attempt++ {
		a, retry := c.try(gen, cb, attempt)
		ok := a.Status >= 200 && a.Status < 300
		last := !retry || attempt == c.Attempts
		c.mu.Lock()
		// A reset (or Close) forgot this callback: record and announce nothing more. The event
		// is published under the lock so it can't trail the reset's state.reset event.
		if gen.Err() != nil {
			cb.State = CallbackFailed
			c.mu.Unlock()
			return
		}
		cb.Attempts = append(cb.Attempts, a)
		switch {
		case ok:
			cb.State = CallbackDelivered
		case last:
			cb.State = CallbackFailed
		}
		c.bus.Publish(Event{Type: EventCallback, Time: c.clock.Now(), Vendor: cb.Vendor, Data: c.copyLocked(cb)})
		c.saveLocked(cb)
		c.mu.Unlock()
		if ok || last {
			return
		}
		select {
		case <-time.After(backoff):
		case <-gen.Done():
			c.mu.Lock()
			cb.State = CallbackFailed
			c.mu.Unlock()
			return
		}
		backoff *= 2
	}
}

// try makes one attempt and says whether another could go differently: a URL that is not an
// absolute http(s) URL never will, and neither will a 4xx other than 408 or 429 (the target
// understood the request and refused it); network errors, timeouts and 5xx are retried.
func (c *Callbacks) try(ctx context.Context, cb *Callback, attempt int) (a CallbackAttempt, retry bool) {
	a = CallbackAttempt{Attempt: attempt, Time: c.clock.Now()}
	start := time.Now()
	defer func() { a.DurationMS = float64(time.Since(start).Microseconds()) / 1000 }()
	if u, err := url.Parse(cb.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		a.Error = "callback URL is not an absolute http(s) URL: " + cb.URL
		return a, false
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cb.URL, bytes.NewReader(cb.Body))
	if err != nil {
		a.Error = err.Error()
		return a, false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "notifysim-callback")
	resp, err := c.Client.Do(req)
	if err != nil {
		a.Error = err.Error()
		return a, true
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	a.Status = resp.StatusCode
	if a.Status < 200 || a.Status >= 300 {
		a.Error = "target answered " + resp.Status
	}
	retry = a.Status >= 500 || a.Status == http.StatusRequestTimeout || a.Status == http.StatusTooManyRequests
	return a, retry
}

func (c *Callbacks) copyLocked(cb *Callback) Callback {
	cp := *cb
	cp.Attempts = append([]CallbackAttempt{}, cb.Attempts...)
	return cp
}

// List returns callbacks for vendor ("" = all), newest first.
func (c *Callbacks) List(vendor string) []Callback {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := []Callback{}
	for i := len(c.list) - 1; i >= 0; i-- {
		if vendor != "" && !strings.EqualFold(vendor, c.list[i].Vendor) {
			continue
		}
		out = append(out, c.copyLocked(c.list[i]))
	}
	return out
}

// Reset forgets every callback and stops those still pending: they make no further attempt and
// publish no further event.
func (c *Callbacks) Reset() {
	c.mu.Lock()
	c.cancel()
	c.gen, c.cancel = context.WithCancel(context.Background())
	c.list = nil
	c.mu.Unlock()
}

// Close cancels callbacks in flight and waits for their goroutines; later sends fail at once.
func (c *Callbacks) Close() {
	c.mu.Lock()
	c.closed = true
	c.cancel()
	c.mu.Unlock()
	c.wg.Wait()
}
