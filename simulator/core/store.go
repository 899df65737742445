package core

import (
	"maps"
	"reflect"
	"strings"
	"sync"
	"time"
)

// Filter selects messages. Zero fields match everything.
type Filter struct {
	Vendor    string
	Tenant    string
	Recipient string // recipient id, case-insensitive
	// Recipients, when not empty, matches any of these recipient ids (case-insensitive).
	Recipients []string
	Role       string // role code ("-3") or role name ("Analyst"), case-insensitive
	Channel    string
	Status     string
	Text       string // substring of body or title, case-insensitive
	Since      time.Time
	// Before, when not 0, matches only messages with a Seq below it: the cursor of a page.
	Before int64
	Limit  int // 0 means no limit
}

// Match reports whether m passes the filter (Limit is ignored).
func (f Filter) Match(m *Message) bool {
	if f.Vendor != "" && !strings.EqualFold(f.Vendor, m.Vendor) {
		return false
	}
	if f.Tenant != "" && !strings.EqualFold(f.Tenant, m.Tenant) {
		return false
	}
	if f.Recipient != "" && !strings.EqualFold(f.Recipient, m.Recipient.ID) {
		return false
	}
	if len(f.Recipients) > 0 && !containsFold(f.Recipients, m.Recipient.ID) {
		return false
	}
	if f.Before != 0 && m.Seq >= f.Before {
		return false
	}
	if f.Role != "" && !strings.EqualFold(f.Role, m.Recipient.Role) && !strings.EqualFold(f.Role, m.Recipient.RoleName) {
		return false
	}
	if f.Channel != "" && !strings.EqualFold(f.Channel, m.Channel) {
		return false
	}
	if f.Status != "" && !strings.EqualFold(f.Status, m.Status) {
		return false
	}
	if !f.Since.IsZero() && m.CreatedAt.Before(f.Since) {
		return false
	}
	if f.Text != "" && !containsText(m.Body, f.Text) && !containsText(m.Title, f.Text) {
		return false
	}
	return true
}

// containsText is a case-insensitive substring test that allocates nothing for ASCII text, the
// common case, since a text search may look at hundreds of thousands of messages.
func containsText(s, q string) bool { return containsLowered(s, strings.ToLower(q)) }

// containsLowered is containsText with q already lower-cased.
func containsLowered(s, lq string) bool {
	if isASCII(lq) && isASCII(s) {
		return containsFoldASCII(s, lq)
	}
	return strings.Contains(strings.ToLower(s), lq)
}

// Inbox summarises the messages of one recipient.
type Inbox struct {
	Vendor    string    `json:"vendor"`
	Tenant    string    `json:"tenant"`
	Recipient Recipient `json:"recipient"`
	Count     int       `json:"count"`
	Unread    int       `json:"unread"`
	Channels  []string  `json:"channels"`
	Last      *Message  `json:"last,omitempty"`
	// Evicted is how many of this recipient's messages were dropped to keep the store under its
	// cap (--max-messages); Count is what is left.
	Evicted int `json:"evicted,omitempty"`
}

// Store keeps messages. Implementations must be safe for concurrent use and must return copies.
type Store interface {
	// Add stores messages in order, setting Seq on each. The store takes ownership: callers must
	// not change the messages (or maps and slices they share) afterwards.
	Add(msgs []Message)
	// Update applies fn to the stored message with that id and returns the result. fn must
	// replace maps and slices it changes rather than modify them: they may be shared.
	Update(id string, fn func(*Message)) (Message, bool)
	Get(id string) (Message, bool)
	// Query returns matching messages, newest first.
	Query(f Filter) []Message
	// Inboxes groups matching messages by vendor, tenant and recipient, most recent activity first.
	Inboxes(f Filter) []Inbox
	// Count is how many messages match f, ignoring its Limit.
	Count(f Filter) int
	Len() int
	Reset()
}

// MemStore is the in-memory Store. Messages are kept in arrival order as records the garbage
// collector doesn't scan (see record.go), with an index per filter field (vendor, tenant,
// recipient, role code and name, channel) and a running summary per inbox, so a query costs the
// size of its smallest matching list, not of the store. Indexes refer to a message by its
// position: how many messages were added before it since the last reset.
type MemStore struct {
	mu     sync.RWMutex
	ring   ring // oldest first; the i-th is at position base+i
	base   int64
	byID   map[string]int64 // ids that are not canonical UUIDs
	uids   uidIndex         // canonical UUIDs, kept as 16 bytes in the records: no string per message
	seq    int64
	dict   dict
	recent recentCodes // the last codes interned, for the next message of a fan-out
	locs   locations
	enc    encoder
	cap    bound
	idx    index
}

// NewMemStore returns an empty in-memory store.
func NewMemStore() *MemStore {
	s := &MemStore{}
	s.clear()
	return s
}

func (s *MemStore) clear() {
	s.ring, s.base, s.seq = ring{}, 0, 0
	s.byID, s.uids = map[string]int64{}, newUIDIndex()
	s.dict = newDict() // locations and the encoder's cache stay: blobs being written may use them
	s.recent = recentCodes{}
	s.idx = newIndex()
}

// at is the record at position pos, or nil when it was evicted or never added.
func (s *MemStore) at(pos int64) *rec {
	if i := pos - s.base; i >= 0 && i < int64(s.ring.n) {
		return s.ring.rec(int(i))
	}
	return nil
}

func (s *MemStore) blobAt(pos int64) []byte { return s.ring.blob(int(pos - s.base)) }

func (s *MemStore) message(pos int64) Message { return s.decode(s.at(pos), s.blobAt(pos)) }

func (s *MemStore) find(id string) (int64, bool) {
	if u, ok := parseUUID(id); ok {
		return s.uids.find(u, s.uidAt)
	}
	pos, found := s.byID[id]
	return pos, found
}

// uidAt is the UUID of the message at pos, which is stored.
func (s *MemStore) uidAt(pos int64) [16]byte { return s.at(pos).uid }

// setID indexes a stored message's id: a UUID by the 16 bytes its record holds.
func (s *MemStore) setID(r *rec, blob []byte, pos int64) {
	if r.uuid {
		s.uids.set(r.uid, pos, s.uidAt)
		return
	}
	s.byID[idOf(r, blob)] = pos
}

func (s *MemStore) deleteID(id string, pos int64) {
	if u, ok := parseUUID(id); ok {
		s.uids.delete(u, pos)
		return
	}
	if s.byID[id] == pos {
		delete(s.byID, id)
	}
}

// appendLocked stores m (its Seq already set) and its blob at the next position.
func (s *MemStore) appendLocked(m *Message, blob []byte) {
	r := s.encodeRec(m)
	pos := s.base + int64(s.ring.n)
	stored := s.ring.push(r, blob)
	s.setID(stored, blob, pos)
	s.idx.add(&s.dict, stored, pos)
}

func (s *MemStore) Add(msgs []Message) {
	// The blobs are written before the lock: other requests wait only for the bookkeeping.
	blobs := make([][]byte, len(msgs))
	for i := range msgs {
		blobs[i] = s.encodeBlob(&msgs[i])
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	first := s.base + int64(s.ring.n)
	s.ring.reserve(len(msgs))
	s.reserveMaps(len(msgs), 3*len(msgs))
	for i := range msgs {
		s.seq++
		msgs[i].Seq = s.seq
		s.appendLocked(&msgs[i], blobs[i])
	}
	s.evictLocked()
	for i := range msgs {
		if first+int64(i) < s.base { // already evicted: the batch alone is over the cap
			continue
		}
		record(s.cap.durable, Change{Table: TableMessages, Op: OpPut, Key: msgs[i].ID, Seq: msgs[i].Seq, Value: msgs[i]})
	}
}

// reserveMaps sizes the maps a batch of n adds to, when n is large and they are small: a fan-out
// to 100,000 users new to the store otherwise grows them step by step, rehashing as it goes (a
// sixth of storing it). Each is copied once into a map with room for the batch. strs is how many
// strings new to the dictionary the batch may bring (its recipients' ids, names and addresses).
func (s *MemStore) reserveMaps(n, strs int) {
	s.dict.reserve(strs)
	if n >= 4096 {
		s.uids.reserve(s.uids.n + n)
	}
	if n >= 4096 {
		s.idx.reserve(len(s.dict.names)+strs, n)
	}
}

// withRoom returns m, or a copy of it with room for extra more entries when extra is large and
// more than m holds (so the copying costs no more than the batch).
func withRoom[K comparable, V any](m map[K]V, extra int) map[K]V {
	if extra < 4096 || extra < len(m) {
		return m
	}
	out := make(map[K]V, len(m)+extra)
	maps.Copy(out, m)
	return out
}

func (s *MemStore) Update(id string, fn func(*Message)) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pos, ok := s.find(id)
	if !ok {
		return Message{}, false
	}
	r := s.at(pos)
	m, tail := s.decodeHead(r, s.blobAt(pos))
	m.Data = decodeData(tail)
	data := m.Data
	fn(&m)
	m.Seq, m.ID = r.seq, id // the store's own: fn can't move a message or rename it
	slot := s.ring.slot(int(pos - s.base))
	old := *r
	// A status change leaves Data as it was (fn replaces a map it changes, never edits it): its
	// JSON is copied from the old blob rather than encoded again.
	same := sameMap(m.Data, data)
	if same {
		s.ring.blobs[slot] = s.encodeBlobWith(&m, tail)
	} else {
		s.ring.blobs[slot] = s.encodeBlob(&m)
	}
	*r = s.encodeRec(&m)
	s.releaseCodes(&old)
	record(s.cap.durable, Change{Table: TableMessages, Op: OpPut, Key: m.ID, Seq: m.Seq, Value: m})
	if r.f != old.f || r.sec != old.sec || r.nsec != old.nsec {
		// fn moved the message to another vendor, recipient, role or channel, or another time:
		// no caller does, but the indexes must not lie if one ever does.
		s.reindexLocked()
	} else {
		s.idx.seenChanged(&old, r.seen)
	}
	if same {
		// m's Data was read from the store's bytes for this call and is shared with nothing: the
		// answer takes it rather than reading the same bytes once more.
		out, _ := s.decodeHead(r, s.blobAt(pos))
		out.Data = data
		return out, true
	}
	return s.decode(r, s.blobAt(pos)), true
}

// sameMap reports whether a and b are the same map (both nil included).
func sameMap(a, b map[string]any) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

func (s *MemStore) reindexLocked() {
	evicted := map[inboxKey]int32{}
	s.idx.eachInbox(func(in *inboxAgg) { evicted[in.key] = in.evicted })
	defer s.idx.eachInbox(func(in *inboxAgg) { in.evicted = evicted[in.key] })
	s.idx = newIndex()
	for i := range s.ring.n {
		s.idx.add(&s.dict, s.ring.rec(i), s.base+int64(i))
	}
}

func (s *MemStore) Get(id string) (Message, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	pos, ok := s.find(id)
	if !ok {
		return Message{}, false
	}
	return s.message(pos), true
}

func (s *MemStore) Query(f Filter) []Message {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []Message{}
	q, ok := s.compile(f)
	if !ok {
		return out
	}
	s.scan(s.candidates(q), q, func(pos int64) bool {
		out = append(out, s.message(pos))
		return f.Limit <= 0 || len(out) < f.Limit
	})
	return out
}

func (s *MemStore) Inboxes(f Filter) []Inbox {
	s.mu.RLock()
	defer s.mu.RUnlock()
	q, ok := s.compile(f)
	if !ok {
		return []Inbox{}
	}
	var rows []*inboxAgg
	o := &s.idx.overflow
	if onlyInboxKeys(f) {
		rows = s.inboxRows(q)
	} else {
		rows, o = s.inboxesByScan(q)
	}
	n := len(rows)
	if f.Limit > 0 && n > f.Limit {
		n = f.Limit
	}
	out := make([]Inbox, 0, n)
	for _, in := range rows[:n] {
		last := s.message(in.last)
		out = append(out, Inbox{Vendor: last.Vendor, Tenant: last.Tenant, Recipient: last.Recipient,
			Count: int(in.count), Unread: int(in.unread), Channels: in.channelNames(&s.dict, o), Last: &last, Evicted: s.idx.evicted(in.key)})
	}
	return out
}

// inboxesByScan summarises the messages matching a filter the inbox aggregates can't answer
// (role, channel, status, text, time), most recent activity first.
func (s *MemStore) inboxesByScan(q query) ([]*inboxAgg, *overflow) {
	o := &overflow{}
	idx := map[inboxKey]*inboxAgg{}
	var order []*inboxAgg
	all := q
	all.limit = 0 // Limit counts inboxes, not messages
	s.scan(s.candidates(q), all, func(pos int64) bool {
		r := s.at(pos)
		k := keyOf(r)
		in, ok := idx[k]
		if !ok {
			in = &inboxAgg{key: k, last: pos}
			idx[k] = in
			order = append(order, in)
		}
		in.count++
		if !r.seen {
			in.unread++
		}
		in.addChannel(r.f[fieldChannel], o)
		return true
	})
	return order, o
}

func (s *MemStore) Count(f Filter) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	q, ok := s.compile(f)
	if !ok {
		return 0
	}
	list := s.candidates(q)
	if onlyInboxKeys(f) && f.Role == "" {
		switch {
		case f.Vendor == "" && f.Tenant == "" && f.Recipient == "":
			return s.ring.n
		case list.indexed && singleField(f):
			return list.len()
		}
	}
	n := 0
	s.scan(list, q, func(int64) bool { n++; return true })
	return n
}

// singleField reports whether exactly one of vendor, tenant and recipient is set, so the size of
// that field's list is the count.
func singleField(f Filter) bool {
	n := 0
	for _, v := range []string{f.Vendor, f.Tenant, f.Recipient} {
		if v != "" {
			n++
		}
	}
	return n == 1
}

func (s *MemStore) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.ring.n
}

func (s *MemStore) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clear()
	s.cap.reset()
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}
