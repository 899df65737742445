package core

import (
	"sync"
	"sync/atomic"
	"time"
)

// Event types published on the Bus.
const (
	EventMessageDelivered = "message.delivered"
	EventMessageStatus    = "message.status"
	EventJobProgress      = "job.progress"
	EventRequestRejected  = "request.rejected"
	EventCallback         = "callback.attempt"
	EventStateReset       = "state.reset"
)

// Event is one thing that happened in the simulator.
type Event struct {
	ID     int64     `json:"id"`
	Type   string    `json:"type"`
	Time   time.Time `json:"time"`
	Vendor string    `json:"vendor,omitempty"`
	Data   any       `json:"data,omitempty"`
}

// Bus fans events out to subscribers. Publishing never blocks: a subscriber whose buffer is full
// misses the event and its Dropped count grows, so a slow SSE client can't stall delivery.
type Bus struct {
	mu      sync.RWMutex
	subs    map[*Subscription]struct{}
	seq     atomic.Int64
	dropped atomic.Int64 // summed over every subscription, closed ones included
}

// Subscription receives events on C until Close.
type Subscription struct {
	C       <-chan Event
	c       chan Event
	bus     *Bus
	once    sync.Once
	dropped atomic.Int64
	filter  func(Event) bool
}

// Dropped is the number of events this subscriber missed because it was too slow.
func (s *Subscription) Dropped() int64 { return s.dropped.Load() }

// Close stops the subscription and closes C.
func (s *Subscription) Close() {
	s.once.Do(func() {
		s.bus.mu.Lock()
		delete(s.bus.subs, s)
		close(s.c)
		s.bus.mu.Unlock()
	})
}

// NewBus returns a bus with no subscribers.
func NewBus() *Bus { return &Bus{subs: map[*Subscription]struct{}{}} }

// Subscribe returns a subscription with a buffer of size buf (at least 1). filter may be nil.
func (b *Bus) Subscribe(buf int, filter func(Event) bool) *Subscription {
	if buf < 1 {
		buf = 1
	}
	c := make(chan Event, buf)
	s := &Subscription{C: c, c: c, bus: b, filter: filter}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	return s
}

// Publish stamps e with the next id and sends it to every subscriber that has room.
func (b *Bus) Publish(e Event) Event {
	e.ID = b.seq.Add(1)
	b.mu.RLock()
	defer b.mu.RUnlock()
	for s := range b.subs {
		if s.filter != nil && !s.filter(e) {
			continue
		}
		select {
		case s.c <- e:
		default:
			s.dropped.Add(1)
			b.dropped.Add(1)
		}
	}
	return e
}

// Dropped is how many events subscribers have missed in all, for the events_dropped metric.
func (b *Bus) Dropped() int64 { return b.dropped.Load() }

// Subscribers is the number of open subscriptions.
func (b *Bus) Subscribers() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.subs)
}
