package core

import (
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
func containsText(s, q string) bool {
	lq := strings.ToLower(q)
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

// MemStore is the in-memory Store. Besides the messages in arrival order it keeps an index per
// filter field (vendor, tenant, recipient, role code and name, channel) and a running summary
// per inbox, so a query costs the size of its smallest matching list, not of the store.
type MemStore struct {
	mu   sync.RWMutex
	msgs []*Message
	byID map[string]*Message
	seq  int64
	cap  bound
	idx  index
}

// NewMemStore returns an empty in-memory store.
func NewMemStore() *MemStore {
	return &MemStore{byID: map[string]*Message{}, idx: newIndex()}
}

func (s *MemStore) Add(msgs []Message) {
	// One backing array for the whole batch: a fan-out to 100,000 users is one allocation here,
	// made before the lock so other writers don't wait on the allocator (or on a GC assist).
	batch := make([]Message, len(msgs))
	copy(batch, msgs)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range batch {
		s.seq++
		batch[i].Seq = s.seq
		msgs[i].Seq = s.seq
		s.msgs = append(s.msgs, &batch[i])
		s.byID[batch[i].ID] = &batch[i]
		s.cap.added(&batch[i])
		s.idx.add(&batch[i])
	}
	s.evictLocked()
	for i := range batch {
		if s.byID[batch[i].ID] != &batch[i] { // already evicted: the batch alone is over the cap
			continue
		}
		record(s.cap.durable, Change{Table: TableMessages, Op: OpPut, Key: batch[i].ID, Seq: batch[i].Seq, Value: batch[i]})
	}
}

func (s *MemStore) Update(id string, fn func(*Message)) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.byID[id]
	if !ok {
		return Message{}, false
	}
	before := fieldValues(m)
	wasSeen := m.Seen
	fn(m)
	record(s.cap.durable, Change{Table: TableMessages, Op: OpPut, Key: m.ID, Seq: m.Seq, Value: *m})
	if fieldValues(m) != before {
		// fn moved the message to another vendor, recipient, role or channel: no caller does,
		// but the indexes must not lie if one ever does.
		s.reindexLocked()
	} else {
		s.idx.seenChanged(m, wasSeen)
	}
	return m.Clone(), true
}

func (s *MemStore) reindexLocked() {
	s.idx = newIndex()
	for _, m := range s.msgs {
		s.idx.add(m)
	}
}

func (s *MemStore) Get(id string) (Message, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.byID[id]
	if !ok {
		return Message{}, false
	}
	return m.Clone(), true
}

func (s *MemStore) Query(f Filter) []Message {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []Message{}
	list, _ := s.idx.candidates(f, s.msgs)
	s.idx.scan(list, f, func(m *Message) bool {
		out = append(out, m.Clone())
		return f.Limit <= 0 || len(out) < f.Limit
	})
	return out
}

func (s *MemStore) Inboxes(f Filter) []Inbox {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var rows []*inboxAgg
	if onlyInboxKeys(f) {
		rows = s.idx.inboxRows(f)
	} else {
		rows = s.inboxesByScan(f)
	}
	n := len(rows)
	if f.Limit > 0 && n > f.Limit {
		n = f.Limit
	}
	out := make([]Inbox, 0, n)
	for _, in := range rows[:n] {
		last := in.last.Clone()
		out = append(out, Inbox{Vendor: in.key.vendor, Tenant: in.key.tenant, Recipient: in.last.Recipient,
			Count: in.count, Unread: in.unread, Channels: in.channelNames(), Last: &last, Evicted: s.cap.evictedFrom(in.last)})
	}
	return out
}

// inboxesByScan summarises the messages matching a filter the inbox aggregates can't answer
// (role, channel, status, text, time), most recent activity first.
func (s *MemStore) inboxesByScan(f Filter) []*inboxAgg {
	idx := map[inboxKeyIdx]*inboxAgg{}
	var order []*inboxAgg
	list, _ := s.idx.candidates(f, s.msgs)
	all := f
	all.Limit = 0 // Limit counts inboxes, not messages
	s.idx.scan(list, all, func(m *Message) bool {
		k := inboxKeyIdx{m.Vendor, m.Tenant, m.Recipient.ID}
		in, ok := idx[k]
		if !ok {
			in = &inboxAgg{key: k, last: m}
			idx[k] = in
			order = append(order, in)
		}
		in.count++
		if !m.Seen {
			in.unread++
		}
		in.addChannel(m.Channel)
		return true
	})
	return order
}

func (s *MemStore) Count(f Filter) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	list, indexed := s.idx.candidates(f, s.msgs)
	if onlyInboxKeys(f) && f.Role == "" {
		switch {
		case f.Vendor == "" && f.Tenant == "" && f.Recipient == "":
			return len(s.msgs)
		case indexed && singleField(f):
			return len(list)
		}
	}
	n := 0
	s.idx.scan(list, f, func(*Message) bool { n++; return true })
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
	return len(s.msgs)
}

func (s *MemStore) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs, s.seq = nil, 0
	s.byID = map[string]*Message{}
	s.cap.reset()
	s.idx = newIndex()
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}
