package core

// DefaultMaxMessages is how many messages a store keeps when no cap is given.
const DefaultMaxMessages = 100_000

// inboxKey names one recipient's inbox: the dictionary codes of its vendor, tenant and recipient
// id, exact spellings. A code lives as long as a message uses it, and so does the inbox.
type inboxKey [3]uint32

func keyOf(r *rec) inboxKey { return inboxKey{r.f[fieldVendor], r.f[fieldTenant], r.f[fieldRecipient]} }

// bound is what a MemStore needs to stay under its cap: the cap, how many messages it evicted and
// where evictions are recorded. How many each inbox lost is kept with the inbox's summary in the
// index. Guarded by the store's lock.
type bound struct {
	max     int // 0 means DefaultMaxMessages
	total   int64
	durable Durable
}

func (b *bound) limit() int {
	if b.max <= 0 {
		return DefaultMaxMessages
	}
	return b.max
}

func (b *bound) reset() { b.total = 0 }

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

// evictLocked drops the oldest messages until the store is under its cap; their slots in the
// ring are reused by the next messages.
func (s *MemStore) evictLocked() {
	if over := s.ring.n - s.cap.limit(); over > 0 {
		s.evictFirst(over)
	}
}

// evictFirst drops the n oldest messages.
func (s *MemStore) evictFirst(n int) {
	for range n {
		r, blob, pos := s.ring.rec(0), s.ring.blob(0), s.base
		if r.uuid {
			s.uids.delete(r.uid, pos)
		} else {
			s.deleteID(idOf(r, blob), pos)
		}
		s.idx.drop(&s.dict, r, pos)
		s.cap.total++
		s.releaseCodes(r)
		if s.cap.durable != nil {
			record(s.cap.durable, Change{Table: TableMessages, Op: OpDelete, Key: idOf(r, blob), Seq: r.seq})
		}
		s.ring.popFront()
		s.base++
	}
}

// Restore puts back messages a previous run stored, oldest first, keeping their Seq. It is meant
// for start-up, before any Add; messages over the cap are evicted (and the eviction recorded).
func (s *MemStore) Restore(msgs []Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range msgs {
		if m.Seq <= s.seq {
			s.seq++
			m.Seq = s.seq
		}
		s.seq = m.Seq
		s.appendLocked(&m, s.encodeBlob(&m))
	}
	s.evictLocked()
}
