package core

// DefaultMaxMessages is how many messages a store keeps when no cap is given.
const DefaultMaxMessages = 100_000

// inboxKey names one recipient's inbox: the dictionary codes of its vendor, tenant and recipient
// id, exact spellings. A code lives as long as a message uses it, and so does the inbox.
type inboxKey [3]uint32

func keyOf(r *rec) inboxKey { return inboxKey{r.f[fieldVendor], r.f[fieldTenant], r.f[fieldRecipient]} }

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

func (b *bound) added(r rec) {
	if b.live == nil {
		b.live, b.evicted = map[inboxKey]int{}, map[inboxKey]int{}
	}
	b.live[keyOf(&r)]++
}

// dropped counts an evicted message. An inbox whose last message goes is forgotten with its
// eviction count, so the counts cost memory only for inboxes that still list something.
func (b *bound) dropped(r *rec) {
	k := keyOf(r)
	b.total++
	if b.live[k] <= 1 {
		delete(b.live, k)
		delete(b.evicted, k)
		return
	}
	b.live[k]--
	b.evicted[k]++
}

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
// a fresh array once the dropped prefix outgrows them, so what the evicted held is freed.
func (s *MemStore) evictLocked() {
	if over := len(s.recs) - s.cap.limit(); over > 0 {
		s.evictFirst(over)
	}
}

// evictFirst drops the n oldest messages.
func (s *MemStore) evictFirst(over int) {
	for i := range over {
		r, blob, pos := &s.recs[i], s.blobs[i], s.base+int64(i)
		id := idOf(blob)
		s.deleteID(id, pos)
		s.idx.drop(&s.dict, r, pos)
		s.cap.dropped(r)
		s.releaseCodes(r, blob)
		record(s.cap.durable, Change{Table: TableMessages, Op: OpDelete, Key: id, Seq: r.seq})
	}
	clear(s.blobs[:over])
	s.recs, s.blobs, s.base = s.recs[over:], s.blobs[over:], s.base+int64(over)
	if cap(s.recs) > 2*len(s.recs)+1024 {
		s.recs = append(make([]rec, 0, len(s.recs)+len(s.recs)/4), s.recs...)
		s.blobs = append(make([][]byte, 0, len(s.blobs)+len(s.blobs)/4), s.blobs...)
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
		s.appendLocked(&m)
	}
	s.evictLocked()
}
