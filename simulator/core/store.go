package core

import (
	"sort"
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
	if f.Text != "" {
		q := strings.ToLower(f.Text)
		if !strings.Contains(strings.ToLower(m.Body), q) && !strings.Contains(strings.ToLower(m.Title), q) {
			return false
		}
	}
	return true
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

// MemStore is the in-memory Store.
type MemStore struct {
	mu   sync.RWMutex
	msgs []*Message
	byID map[string]*Message
	seq  int64
	cap  bound
}

// NewMemStore returns an empty in-memory store.
func NewMemStore() *MemStore {
	return &MemStore{byID: map[string]*Message{}}
}

func (s *MemStore) Add(msgs []Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// One backing array for the whole batch: a fan-out to 100,000 users is one allocation here.
	batch := make([]Message, len(msgs))
	copy(batch, msgs)
	for i := range batch {
		s.seq++
		batch[i].Seq = s.seq
		msgs[i].Seq = s.seq
		s.msgs = append(s.msgs, &batch[i])
		s.byID[batch[i].ID] = &batch[i]
		s.cap.added(&batch[i])
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
	fn(m)
	record(s.cap.durable, Change{Table: TableMessages, Op: OpPut, Key: m.ID, Seq: m.Seq, Value: *m})
	return m.Clone(), true
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
	top := len(s.msgs)
	if f.Before != 0 {
		// Messages are appended in Seq order: a page starts below the cursor without a scan.
		top = sort.Search(len(s.msgs), func(i int) bool { return s.msgs[i].Seq >= f.Before })
	}
	for i := top - 1; i >= 0; i-- {
		if f.Match(s.msgs[i]) {
			out = append(out, s.msgs[i].Clone())
			if f.Limit > 0 && len(out) >= f.Limit {
				break
			}
		}
	}
	return out
}

func (s *MemStore) Inboxes(f Filter) []Inbox {
	type key struct{ vendor, tenant, id string }
	s.mu.RLock()
	idx := map[key]*Inbox{}
	var order []*Inbox
	for i := len(s.msgs) - 1; i >= 0; i-- {
		m := s.msgs[i]
		if !f.Match(m) {
			continue
		}
		k := key{m.Vendor, m.Tenant, m.Recipient.ID}
		in, ok := idx[k]
		if !ok {
			last := m.Clone()
			in = &Inbox{Vendor: m.Vendor, Tenant: m.Tenant, Recipient: m.Recipient, Last: &last, Evicted: s.cap.evictedFrom(m)}
			idx[k] = in
			order = append(order, in)
		}
		in.Count++
		if !m.Seen {
			in.Unread++
		}
		if !containsFold(in.Channels, m.Channel) {
			in.Channels = append(in.Channels, m.Channel)
		}
	}
	s.mu.RUnlock()
	out := make([]Inbox, 0, len(order))
	for _, in := range order {
		sort.Strings(in.Channels)
		out = append(out, *in)
	}
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out
}

func (s *MemStore) Count(f Filter) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for _, m := range s.msgs {
		if f.Match(m) {
			n++
		}
	}
	return n
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
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}
