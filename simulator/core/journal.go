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

// Journal is a capped, concurrency-safe log of requests, oldest dropped first.
type Journal struct {
	mu      sync.RWMutex
	cap     int
	entries []JournalEntry
	start   int // index of the oldest entry once the ring is full
	total   int64
}

// NewJournal returns a journal that keeps at most capacity entries (≤ 0 means 10,000).
func NewJournal(capacity int) *Journal {
	if capacity <= 0 {
		capacity = 10000
	}
	return &Journal{cap: capacity}
}

// Add appends an entry, evicting the oldest when full, and returns it with its Seq.
func (j *Journal) Add(e JournalEntry) JournalEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.total++
	e.Seq = j.total
	if len(j.entries) < j.cap {
		j.entries = append(j.entries, e)
		return e
	}
	j.entries[j.start] = e
	j.start = (j.start + 1) % j.cap
	return e
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

// List returns matching entries, newest first.
func (j *Journal) List(f JournalFilter) []JournalEntry {
	j.mu.RLock()
	defer j.mu.RUnlock()
	out := []JournalEntry{}
	n := len(j.entries)
	for i := n - 1; i >= 0; i-- {
		e := j.entries[(j.start+i)%n]
		if f.Before != 0 && e.Seq >= f.Before {
			continue
		}
		if f.Vendor != "" && !strings.EqualFold(f.Vendor, e.Vendor) {
			continue
		}
		if f.Status != 0 && e.Status != f.Status {
			continue
		}
		if f.Failed && e.Status < 400 {
			continue
		}
		out = append(out, e)
		if f.Limit > 0 && len(out) >= f.Limit {
			break
		}
	}
	return out
}

// Total is the number of entries ever added, including evicted ones.
func (j *Journal) Total() int64 {
	j.mu.RLock()
	defer j.mu.RUnlock()
	return j.total
}

// Reset empties the journal.
func (j *Journal) Reset() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries, j.start, j.total = nil, 0, 0
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
	cap     int
	entries []TroubleshootEntry
}

// NewTroubleshoot returns an empty log keeping at most capacity entries.
func NewTroubleshoot(capacity int) *Troubleshoot {
	if capacity <= 0 {
		capacity = 10000
	}
	return &Troubleshoot{cap: capacity}
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
	if len(t.entries) >= t.cap {
		// Reslicing rather than shifting keeps Add O(1); append copies the live entries into a
		// fresh array when it grows, so the dropped ones are freed.
		t.entries[0] = TroubleshootEntry{}
		t.entries = t.entries[1:]
	}
	t.entries = append(t.entries, e)
}

// List returns entries for vendor and tenant ("" = any), newest first.
func (t *Troubleshoot) List(vendor, tenant string, limit int) []TroubleshootEntry {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := []TroubleshootEntry{}
	for i := len(t.entries) - 1; i >= 0; i-- {
		e := t.entries[i]
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
	t.entries = nil
}
