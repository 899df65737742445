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
	// EventMessageSent announces a message accepted but not yet delivered (Luminous "sent",
	// before its delivery receipt).
	EventMessageSent     = "message.sent"
	EventJobProgress     = "job.progress"
	EventRequestRejected = "request.rejected"
	EventCallback        = "callback.attempt"
	EventStateReset      = "state.reset"
	// EventGap tells a subscriber which events it missed; its Data is a Gap and its ID is 0
	// (it is not an event of the bus, so it must not move a Last-Event-ID).
	EventGap = "gap"
)

// Event is one thing that happened in the simulator. Its Data is shared by every subscriber and
// the bus's history: read it, don't change it.
type Event struct {
	ID     int64     `json:"id"`
	Type   string    `json:"type"`
	Time   time.Time `json:"time"`
	Vendor string    `json:"vendor,omitempty"`
	Data   any       `json:"data,omitempty"`
	// deferred, when set, makes Data: the bus calls it only when a subscriber (a filter first)
	// or a resume is about to read the event. A subscriber never sees it set.
	deferred deferredData
}

// deferredData is an event's Data made when it is first read.
type deferredData interface{ value() any }

// made is e with its Data made.
func (e Event) made() Event {
	if e.deferred != nil {
		e.Data, e.deferred = e.deferred.value(), nil
	}
	return e
}

// Gap names the events a subscriber missed: every event with an id from First to Last that its
// filter would have let through. Missed counts them: exactly for a subscriber that fell behind;
// for a resume that asked for events the history no longer holds, it counts every id from First
// to Last, since the bus no longer knows which of them the filter would have let through.
type Gap struct {
	First  int64 `json:"first"`
	Last   int64 `json:"last"`
	Missed int64 `json:"missed,omitempty"`
}

// DefaultHistory is how many events a bus keeps for subscribers that resume (Last-Event-ID).
const DefaultHistory = 4096

// Bus fans events out to subscribers in id order. Publishing never blocks: a subscriber whose
// buffer is full misses its oldest undelivered events, which one gap event takes the place of,
// so a slow client learns what it lost instead of losing it silently, and still gets the newest
// events once it reads again.
type Bus struct {
	mu      sync.Mutex
	subs    map[*Subscription]struct{}
	seq     int64
	history []Event // ring of the last cap(history) events; start is the oldest
	start   int
	// epoch is the id of the event Reset published (0 before the first): the events before it
	// describe state a reset forgot, and no resume replays them or reports them as missed.
	epoch int64
	// lostAt is the time of the newest event of this epoch the history no longer holds (lostID):
	// the time of a resume's gap, as a live gap has the time of the last event it names.
	lostAt  time.Time
	lostID  int64
	closed  bool
	dropped atomic.Int64 // events subscribers missed (each told by a gap), closed ones included
}

// Subscription receives events on C, in id order, until Close (or the bus closes), when C is
// closed.
type Subscription struct {
	C       <-chan Event
	c       chan Event
	bus     *Bus
	filter  func(Event) bool
	dropped atomic.Int64
	once    sync.Once
	done    chan struct{}
	wake    chan struct{}

	mu sync.Mutex
	// q holds what is not yet taken from C, in order: bus events and the gap events that stand
	// for those dropped. q[0] is being handed over while inHand.
	q       []Event
	inHand  bool
	waiting int // bus events in q, not counting one being handed over; at most max
	max     int
}

// Dropped is the number of events this subscriber missed because it was too slow.
func (s *Subscription) Dropped() int64 { return s.dropped.Load() }

// Close stops the subscription and (soon after) closes C.
func (s *Subscription) Close() {
	s.once.Do(func() {
		s.bus.mu.Lock()
		delete(s.bus.subs, s)
		s.bus.mu.Unlock()
		close(s.done)
	})
}

// NewBus returns a bus with no subscribers that keeps the last DefaultHistory events.
func NewBus() *Bus { return NewBusWithHistory(DefaultHistory) }

// NewBusWithHistory returns a bus that keeps the last n events (at least 1) for resumes.
func NewBusWithHistory(n int) *Bus {
	return &Bus{subs: map[*Subscription]struct{}{}, history: make([]Event, 0, max(n, 1))}
}

// Subscribe returns a subscription with a buffer of size buf (at least 1) that receives what is
// published from now on. filter may be nil.
func (b *Bus) Subscribe(buf int, filter func(Event) bool) *Subscription {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.subscribeLocked(buf, filter, nil, nil)
}

// SubscribeAfter is Subscribe for a client that already saw every event up to id after (its
// Last-Event-ID): the kept events newer than that come first, preceded by a gap event when some
// of them are no longer kept. An id the bus never issued (a client of an earlier run) replays the
// whole history. An id from before the last Reset resumes at the event Reset published: what
// came before it belongs to state the reset forgot, so it is neither replayed nor missed.
func (b *Bus) SubscribeAfter(after int64, buf int, filter func(Event) bool) *Subscription {
	b.mu.Lock()
	defer b.mu.Unlock()
	if after > b.seq || after < 0 {
		after = 0
	}
	after = max(after, b.epoch-1)
	var replay []Event
	var lost *Gap
	n := len(b.history)
	if n > 0 {
		if oldest := b.history[b.start].ID; oldest > after+1 {
			lost = &Gap{First: after + 1, Last: oldest - 1, Missed: oldest - 1 - after}
		}
	} else if b.seq > after {
		lost = &Gap{First: after + 1, Last: b.seq, Missed: b.seq - after}
	}
	for i := range n {
		h := &b.history[(b.start+i)%n]
		if h.ID <= after {
			continue
		}
		*h = h.made() // once, for every later resume too
		if filter == nil || filter(*h) {
			replay = append(replay, *h)
		}
	}
	return b.subscribeLocked(buf, filter, lost, replay)
}

func (b *Bus) subscribeLocked(buf int, filter func(Event) bool, lost *Gap, replay []Event) *Subscription {
	buf = max(buf, 1)
	c := make(chan Event)
	s := &Subscription{C: c, c: c, bus: b, filter: filter, done: make(chan struct{}), wake: make(chan struct{}, 1)}
	if lost != nil {
		s.q = append(s.q, gapEvent(*lost, b.lostAt))
	}
	s.q = append(s.q, replay...)
	s.waiting = len(replay)
	s.max = len(replay) + buf
	if b.closed {
		close(s.done)
	} else {
		b.subs[s] = struct{}{}
	}
	go s.pump()
	return s
}

// Close ends every subscription and refuses new ones: the simulator is shutting down.
func (b *Bus) Close() {
	b.mu.Lock()
	b.closed = true
	subs := make([]*Subscription, 0, len(b.subs))
	for s := range b.subs {
		subs = append(subs, s)
	}
	b.mu.Unlock()
	for _, s := range subs {
		s.Close()
	}
}

// Publish stamps e with the next id, keeps it in the history and hands it to every subscriber.
// The bus lock is held throughout, so ids reach every subscriber in increasing order.
func (b *Bus) Publish(e Event) Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.publishLocked(e)
}

// Reset begins a new epoch with e (state.reset): the history forgets every event before it,
// which described state the reset forgot, and e is published as the first event of the epoch.
// Ids go on counting, so they never repeat and a client tells the epochs apart by them.
func (b *Bus) Reset(e Event) Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	clear(b.history)
	b.history, b.start, b.lostAt, b.lostID = b.history[:0], 0, time.Time{}, 0
	e = b.publishLocked(e)
	b.epoch = e.ID
	return e
}

func (b *Bus) publishLocked(e Event) Event {
	b.seq++
	e.ID = b.seq
	if len(b.subs) > 0 {
		e = e.made()
	}
	if len(b.history) < cap(b.history) {
		b.history = append(b.history, e)
	} else {
		b.lose(b.history[b.start].ID, b.history[b.start].Time)
		b.history[b.start] = e
		b.start = (b.start + 1) % len(b.history)
	}
	for s := range b.subs {
		if s.filter == nil || s.filter(e) {
			s.offer(e)
		}
	}
	return e
}

// PublishBatch publishes n events in order, as n calls of Publish would, and returns the id of
// the last. event(i) builds the i-th; with nobody subscribed it is called only for the events the
// history keeps, so a fan-out to 100,000 users doesn't build 95,000 events nobody can ever read
// (a client resuming from before them is told of the gap, as for any event the history lost).
func (b *Bus) PublishBatch(n int, event func(i int) Event) int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	first := 0
	if len(b.subs) == 0 && n > cap(b.history) {
		first = n - cap(b.history)
		b.seq += int64(first)
	}
	skipped := b.seq
	for i := first; i < n; i++ {
		e := b.publishLocked(event(i))
		if i == first && first > 0 {
			// The events never built were of the same batch, published at its time.
			b.lose(skipped, e.Time)
		}
	}
	return b.seq
}

// lose records that the event id, published at, is no longer kept; the caller holds b.mu.
func (b *Bus) lose(id int64, at time.Time) {
	if id > b.lostID {
		b.lostID, b.lostAt = id, at
	}
}

// Dropped is how many events subscribers have missed in all (each announced to its subscriber by
// a gap event), for the events_dropped metric.
func (b *Bus) Dropped() int64 { return b.dropped.Load() }

// LastID is the id of the newest event (0 before the first).
func (b *Bus) LastID() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.seq
}

// Subscribers is the number of open subscriptions.
func (b *Bus) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// offer queues e. A full buffer drops its oldest event not being handed over, and a gap event
// takes its place (or, right behind one, grows to name it too): the reader, stalled for a while
// in a socket buffer, then gets the gap as soon as it takes the event it holds, and after it the
// newest events, instead of a backlog from before its pause and a gap for what matters now.
func (s *Subscription) offer(e Event) {
	s.mu.Lock()
	if s.waiting >= s.max {
		s.dropOldest()
	}
	s.q = append(s.q, e)
	s.waiting++
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// dropOldest drops the oldest bus event the reader has not been handed (there is one: waiting
// is at least max, at least 1). The caller holds s.mu.
func (s *Subscription) dropOldest() {
	first := 0
	if s.inHand {
		first = 1
	}
	i := first
	for isGap(s.q[i]) {
		i++
	}
	victim := s.q[i]
	s.waiting--
	s.dropped.Add(1)
	s.bus.dropped.Add(1)
	if i > first && isGap(s.q[i-1]) {
		s.q[i-1] = widen(s.q[i-1], victim)
		s.q = append(s.q[:i], s.q[i+1:]...)
		return
	}
	s.q[i] = gapEvent(Gap{First: victim.ID, Last: victim.ID, Missed: 1}, victim.Time)
}

// isGap reports whether a queued event is a gap standing for dropped ones.
func isGap(e Event) bool { return e.ID == 0 && e.Type == EventGap }

// widen adds the dropped event e, the next one after the gap g names, to g.
func widen(g, e Event) Event {
	gap := g.Data.(Gap)
	gap.Last = e.ID
	gap.Missed++
	return gapEvent(gap, e.Time)
}

func gapEvent(g Gap, at time.Time) Event {
	return Event{Type: EventGap, Time: at, Data: g}
}

// pump hands queued events to C one at a time. An event stays in the queue (and counts against
// the buffer) until the reader takes it.
func (s *Subscription) pump() {
	defer close(s.c)
	for {
		s.mu.Lock()
		if len(s.q) == 0 {
			s.mu.Unlock()
			select {
			case <-s.wake:
				continue
			case <-s.done:
				return
			}
		}
		e := s.q[0]
		s.inHand = true
		if !isGap(e) {
			s.waiting--
		}
		s.mu.Unlock()
		select {
		case s.c <- e:
		case <-s.done:
			return
		}
		s.mu.Lock()
		s.q[0] = Event{}
		s.q = s.q[1:]
		s.inHand = false
		s.mu.Unlock()
	}
}
