package core

// DefaultMaxMessages is how many messages a store keeps when no cap is given.
const DefaultMaxMessages = 100_000

// inboxKey names one recipient's inbox.
type inboxKey struct{ vendor, tenant, id string }

func keyOf(m *Message) inboxKey { return inboxKey{m.Vendor, m.Tenant, m.Recipient.ID} }

// bound is what a MemStore needs to stay under its cap: the cap, how many messages each inbox
// still holds and has lost, and where evictions are recorded. Guarded by the store's lock.
type bound struct {
	max     int // 0 means DefaultMaxMessages
	total   int64
	live    map[inboxKey]int
	evicted map[inboxKey]int
	durable Durable
}

func (b *bound) limit() int {
	if b.max <= 0 {
		return DefaultMaxMessages
	}
	return b.max
}

func (b *bound) added(m *Message) {
	if b.live == nil {
		b.live, b.evicted = map[inboxKey]int{}, map[inboxKey]int{}
	}
	b.live[keyOf(m)]++
}

// dropped counts an evicted message. An inbox whose last message goes is forgotten with its
// eviction count, so the counts cost memory only for inboxes that still list something.
func (b *bound) dropped(m *Message) {
	k := keyOf(m)
	b.total++
	if b.live[k] <= 1 {
		delete(b.live, k)
		delete(b.evicted, k)
		return
	}
	b.live[k]--
	b.evicted[k]++
}

func (b *bound) evictedFrom(m *Message) int { return b.evicted[keyOf(m)] }

func (b *bound) reset() {
	b.total = 0
	b.live, b.evicted = nil, nil
}

// NewBoundedMemStore returns an empty in-memory store that keeps at most max messages (≤ 0 means
// DefaultMaxMessages), evicting the oldest first.
func NewBoundedMemStore(max int) *MemStore {
	s := NewMemStore()
	s.cap.max = max
	return s
}

// SetDurable makes the store record every added, changed and evicted message.
func (s *MemStore) SetDurable(d Durable) {
	s.mu.Lock()
	s.cap.durable = d
	s.mu.Unlock()
}

// Cap is the most messages the store keeps.
func (s *MemStore) Cap() int { return s.cap.limit() }

// Evicted is how many messages were dropped to stay under the cap since the last reset.
func (s *MemStore) Evicted() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.cap.total
}

// evictLocked drops the oldest messages until the store is under its cap. The survivors move to
// a fresh slice once the dropped prefix outgrows them, so the evicted messages are freed.
func (s *MemStore) evictLocked() {
	over := len(s.msgs) - s.cap.limit()
	if over <= 0 {
		return
	}
	for _, m := range s.msgs[:over] {
		delete(s.byID, m.ID)
		s.idx.drop(m)
		s.cap.dropped(m)
		record(s.cap.durable, Change{Table: TableMessages, Op: OpDelete, Key: m.ID, Seq: m.Seq})
	}
	clear(s.msgs[:over])
	s.msgs = s.msgs[over:]
	if cap(s.msgs) > 2*len(s.msgs)+1024 {
		s.msgs = append(make([]*Message, 0, len(s.msgs)+len(s.msgs)/4), s.msgs...)
	}
}

// Restore puts back messages a previous run stored, oldest first, keeping their Seq. It is meant
// for start-up, before any Add; messages over the cap are evicted (and the eviction recorded).
func (s *MemStore) Restore(msgs []Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	batch := make([]Message, len(msgs))
	copy(batch, msgs)
	for i := range batch {
		m := &batch[i]
		if m.Seq <= s.seq {
			s.seq++
			m.Seq = s.seq
		}
		s.seq = m.Seq
		s.msgs = append(s.msgs, m)
		s.byID[m.ID] = m
		s.cap.added(m)
		s.idx.add(m)
	}
	s.evictLocked()
}
