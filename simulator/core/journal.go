package core

import (
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// JournalEntry records one vendor request: what came in, how it was judged, what went out.
type JournalEntry struct {
	ID           string            `json:"id"` // the request id
	Time         time.Time         `json:"time"`
	Vendor       string            `json:"vendor,omitempty"`
	Operation    string            `json:"operation,omitempty"`
	Method       string            `json:"method"`
	Path         string            `json:"path"`
	Query        string            `json:"query,omitempty"`
	Headers      map[string]string `json:"headers,omitempty"`
	Body         string            `json:"body,omitempty"`
	Status       int               `json:"status"`
	Response     string            `json:"response,omitempty"`
	Problems     []Problem         `json:"problems,omitempty"`
	Notes        []string          `json:"notes,omitempty"`
	Principal    string            `json:"principal,omitempty"` // who the vendor's authentication let through
	Faults       []string          `json:"faults,omitempty"`    // ids of the fault rules applied to it
	Messages     []string          `json:"messages,omitempty"`  // ids of the first messages it created
	MessageCount int               `json:"messageCount"`        // how many messages it created
	DurationMS   float64           `json:"durationMs"`
	// Seq numbers entries in arrival order from 1 (set by Add); a page's cursor is one.
	Seq int64 `json:"seq"`
}

// Journal is a concurrency-safe log of requests capped by count and by bytes, oldest dropped
// first.
type Journal struct {
	mu      sync.RWMutex
	log     capped[JournalEntry]
	total   int64
	durable Durable
}

// DefaultJournalBytes is how many bytes of requests the journal (and the troubleshoot log) keeps
// when no byte cap is given.
const DefaultJournalBytes = 64 << 20

// NewJournal returns a journal that keeps at most capacity entries (≤ 0 means 10,000) and
// DefaultJournalBytes bytes.
func NewJournal(capacity int) *Journal { return NewJournalBytes(capacity, 0) }

// NewJournalBytes returns a journal that keeps at most capacity entries (≤ 0 means 10,000) whose
// sizes add up to at most maxBytes (≤ 0 means DefaultJournalBytes).
func NewJournalBytes(capacity int, maxBytes int64) *Journal {
	return &Journal{log: newCapped[JournalEntry](capacity, maxBytes)}
}

// Add appends an entry, evicting the oldest while the journal is over either cap, and returns it
// with its Seq.
func (j *Journal) Add(e JournalEntry) JournalEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.total++
	seq, trimmed := j.log.add(e, e.size())
	e.Seq = seq
	j.log.at(j.log.len() - 1).Seq = seq
	if j.durable != nil {
		j.durable.Record(Change{Table: TableJournal, Op: OpPut, Key: e.ID, Seq: seq, Value: e})
		if trimmed > 0 {
			j.durable.Record(Change{Table: TableJournal, Op: OpTrim, Seq: trimmed})
		}
	}
	return e
}

// size approximates what an entry holds in memory: its strings, headers and lists.
func (e *JournalEntry) size() int64 {
	n := 256 + len(e.ID) + len(e.Vendor) + len(e.Operation) + len(e.Method) + len(e.Path) + len(e.Query) + len(e.Body) + len(e.Response)
	for k, v := range e.Headers {
		n += len(k) + len(v) + 32
	}
	for _, p := range e.Problems {
		n += len(p.In) + len(p.Field) + len(p.Rule) + len(p.Reason) + 64
	}
	for _, s := range e.Notes {
		n += len(s) + 16
	}
	for _, s := range e.Messages {
		n += len(s) + 16
	}
	return int64(n)
}

// JournalFilter selects journal entries.
type JournalFilter struct {
	Vendor string
	Status int // exact status; 0 = any
	Failed bool
	// Before, when not 0, keeps only entries with a Seq below it: the cursor of a page.
	Before int64
	Limit  int
}

// matches reports whether e passes f's filters (not its page: Before and Limit).
func (f *JournalFilter) matches(e *JournalEntry) bool {
	return (f.Vendor == "" || strings.EqualFold(f.Vendor, e.Vendor)) &&
		(f.Status == 0 || e.Status == f.Status) &&
		(!f.Failed || e.Status >= 400)
}

// List returns matching entries, newest first.
func (j *Journal) List(f JournalFilter) []JournalEntry {
	j.mu.RLock()
	defer j.mu.RUnlock()
	out := []JournalEntry{}
	for i := j.log.len() - 1; i >= 0; i-- {
		e := j.log.at(i)
		if f.Before != 0 && e.Seq >= f.Before || !f.matches(e) {
			continue
		}
		out = append(out, *e)
		if f.Limit > 0 && len(out) >= f.Limit {
			break
		}
	}
	return out
}

// Count is how many kept entries pass f's filters, whatever its Before and Limit: the total a
// page of the journal is part of.
func (j *Journal) Count(f JournalFilter) int {
	j.mu.RLock()
	defer j.mu.RUnlock()
	if f.Vendor == "" && f.Status == 0 && !f.Failed {
		return j.log.len()
	}
	n := 0
	for i := range j.log.len() {
		if f.matches(j.log.at(i)) {
			n++
		}
	}
	return n
}

// Total is the number of entries ever added, including evicted ones.
func (j *Journal) Total() int64 {
	j.mu.RLock()
	defer j.mu.RUnlock()
	return j.total
}

// Bytes is the approximate size of the entries kept.
func (j *Journal) Bytes() int64 {
	j.mu.RLock()
	defer j.mu.RUnlock()
	return j.log.bytes
}

// Reset empties the journal.
func (j *Journal) Reset() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.log.reset()
	j.total = 0
}

// SetDurable makes the journal record every entry and eviction.
func (j *Journal) SetDurable(d Durable) {
	j.mu.Lock()
	j.durable = d
	j.mu.Unlock()
}

// Restore puts back entries a previous run recorded, oldest first, with their sequence numbers,
// and the count of entries ever added.
func (j *Journal) Restore(entries []JournalEntry, seqs []int64, total int64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for i, e := range entries {
		e.Seq = seqs[i]
		j.log.restore(e, e.size(), seqs[i])
	}
	j.total = max(total, int64(j.log.len()))
}

// TroubleshootEntry is a failed request as the vendor's admin console shows it (Luma's
// Troubleshoot log).
type TroubleshootEntry struct {
	Time      time.Time `json:"time"`
	RequestID string    `json:"requestId"`
	Vendor    string    `json:"vendor"`
	Tenant    string    `json:"tenant,omitempty"`
	Status    int       `json:"status"`
	Errors    []string  `json:"errors"`
	Body      string    `json:"body"`
}

// Troubleshoot keeps failure records per vendor and tenant, capped like the journal.
type Troubleshoot struct {
	mu      sync.RWMutex
	log     capped[TroubleshootEntry]
	durable Durable
}

// NewTroubleshoot returns an empty log keeping at most capacity entries.
func NewTroubleshoot(capacity int) *Troubleshoot {
	if capacity <= 0 {
		capacity = 10000
	}
	return NewTroubleshootBytes(capacity, 0)
}

// NewTroubleshootBytes returns an empty log keeping at most capacity entries and maxBytes bytes
// (≤ 0 means DefaultJournalBytes).
func NewTroubleshootBytes(capacity int, maxBytes int64) *Troubleshoot {
	return &Troubleshoot{log: newCapped[TroubleshootEntry](capacity, maxBytes)}
}

func (e *TroubleshootEntry) size() int64 {
	n := 128 + len(e.RequestID) + len(e.Vendor) + len(e.Tenant) + len(e.Body)
	for _, s := range e.Errors {
		n += len(s) + 16
	}
	return int64(n)
}

// SetDurable makes the log record every entry and eviction.
func (t *Troubleshoot) SetDurable(d Durable) {
	t.mu.Lock()
	t.durable = d
	t.mu.Unlock()
}

// Restore puts back entries a previous run recorded, oldest first, with their sequence numbers.
func (t *Troubleshoot) Restore(entries []TroubleshootEntry, seqs []int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, e := range entries {
		t.log.restore(e, e.size(), seqs[i])
	}
}

// TroubleshootBodyLimit is how much of a request body an entry keeps: 10,000 refused 1 MiB
// bodies would otherwise hold 10 GiB.
const TroubleshootBodyLimit = 64 << 10

// Add records an entry, its body cut to TroubleshootBodyLimit bytes, dropping the oldest when full.
func (t *Troubleshoot) Add(e TroubleshootEntry) {
	if n := len(e.Body); n > TroubleshootBodyLimit {
		cut := TroubleshootBodyLimit
		for cut > 0 && !utf8.RuneStart(e.Body[cut]) { // don't split a character
			cut--
		}
		e.Body = e.Body[:cut] + fmt.Sprintf("… (%d bytes more)", n-cut)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	seq, trimmed := t.log.add(e, e.size())
	if t.durable != nil {
		t.durable.Record(Change{Table: TableTroubleshoot, Op: OpPut, Key: e.RequestID, Seq: seq, Value: e})
		if trimmed > 0 {
			t.durable.Record(Change{Table: TableTroubleshoot, Op: OpTrim, Seq: trimmed})
		}
	}
}

// List returns entries for vendor and tenant ("" = any), newest first.
func (t *Troubleshoot) List(vendor, tenant string, limit int) []TroubleshootEntry {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := []TroubleshootEntry{}
	for i := t.log.len() - 1; i >= 0; i-- {
		e := *t.log.at(i)
		if vendor != "" && !strings.EqualFold(vendor, e.Vendor) {
			continue
		}
		if tenant != "" && !strings.EqualFold(tenant, e.Tenant) {
			continue
		}
		out = append(out, e)
		if limit > 0 && len(out) >= limit {
			break
		}
	}
	return out
}

// Reset empties the log.
func (t *Troubleshoot) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.log.reset()
}
