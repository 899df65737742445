package core

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func journalIDs(es []JournalEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func TestJournalRingAndFilters(t *testing.T) {
	j := NewJournal(4)
	add := func(id, vendor string, status int) { j.Add(JournalEntry{ID: id, Vendor: vendor, Status: status}) }
	add("r1", "luma", 200)
	add("r2", "kore", 401)
	add("r3", "luma", 400)
	if got := journalIDs(j.List(JournalFilter{})); !reflect.DeepEqual(got, []string{"r3", "r2", "r1"}) {
		t.Fatalf("before the ring is full: %v", got)
	}
	add("r4", "luminous", 402)
	add("r5", "luma", 200)
	add("r6", "kore", 500) // r1 and r2 are evicted
	if j.Total() != 6 {
		t.Errorf("Total = %d, want 6 (evicted ones count)", j.Total())
	}
	tests := []struct {
		name string
		f    JournalFilter
		want []string
	}{
		{"all, newest first, oldest evicted", JournalFilter{}, []string{"r6", "r5", "r4", "r3"}},
		{"vendor, any case", JournalFilter{Vendor: "LUMA"}, []string{"r5", "r3"}},
		{"exact status", JournalFilter{Status: 402}, []string{"r4"}},
		{"failed means 4xx and 5xx", JournalFilter{Failed: true}, []string{"r6", "r4", "r3"}},
		{"failed and vendor", JournalFilter{Failed: true, Vendor: "luma"}, []string{"r3"}},
		{"limit", JournalFilter{Limit: 2}, []string{"r6", "r5"}},
		{"limit after filter", JournalFilter{Failed: true, Limit: 1}, []string{"r6"}},
		{"evicted vendor is gone", JournalFilter{Status: 401}, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := j.List(tc.f)
			if got == nil {
				t.Fatal("List returned nil, want an empty slice")
			}
			if !reflect.DeepEqual(journalIDs(got), tc.want) {
				t.Errorf("List(%+v) = %v, want %v", tc.f, journalIDs(got), tc.want)
			}
			// Count is the total of the filter: every kept match, whatever the page and limit.
			all := tc.f
			all.Limit = 0
			paged := all
			paged.Before = 6
			if n, want := j.Count(paged), len(j.List(all)); n != want {
				t.Errorf("Count(%+v) = %d, want %d", paged, n, want)
			}
		})
	}

	// Many wraps keep exactly the last cap entries, in order.
	for i := 7; i <= 23; i++ {
		add(fmt.Sprintf("r%d", i), "luma", 200)
	}
	if got := journalIDs(j.List(JournalFilter{})); !reflect.DeepEqual(got, []string{"r23", "r22", "r21", "r20"}) {
		t.Errorf("after wrapping: %v", got)
	}

	j.Reset()
	if j.Total() != 0 || len(j.List(JournalFilter{})) != 0 {
		t.Errorf("after Reset: total %d, %d entries", j.Total(), len(j.List(JournalFilter{})))
	}
	add("n1", "luma", 200)
	if got := journalIDs(j.List(JournalFilter{})); !reflect.DeepEqual(got, []string{"n1"}) || j.Total() != 1 {
		t.Errorf("after Reset and Add: %v total %d", got, j.Total())
	}
}

func TestJournalDefaultCap(t *testing.T) {
	for _, c := range []int{0, -1} {
		j := NewJournal(c)
		for i := 0; i < 10001; i++ {
			j.Add(JournalEntry{ID: fmt.Sprint(i)})
		}
		got := j.List(JournalFilter{})
		if len(got) != 10000 || got[0].ID != "10000" || got[len(got)-1].ID != "1" {
			t.Errorf("NewJournal(%d): %d entries, newest %s oldest %s; want 10000, 10000..1", c, len(got), got[0].ID, got[len(got)-1].ID)
		}
	}
}

func TestTroubleshoot(t *testing.T) {
	ts := NewTroubleshoot(3)
	add := func(id, vendor, tenant string) {
		ts.Add(TroubleshootEntry{RequestID: id, Vendor: vendor, Tenant: tenant, Status: 400})
	}
	add("t1", "luma", "acme")
	add("t2", "luma", "other")
	add("t3", "luma", "acme")
	add("t4", "kore", "bot") // t1 is dropped
	list := func(vendor, tenant string, limit int) []string {
		var out []string
		for _, e := range ts.List(vendor, tenant, limit) {
			out = append(out, e.RequestID)
		}
		return out
	}
	tests := []struct {
		name           string
		vendor, tenant string
		limit          int
		want           []string
	}{
		{"all, newest first, capped", "", "", 0, []string{"t4", "t3", "t2"}},
		{"vendor", "LUMA", "", 0, []string{"t3", "t2"}},
		{"vendor and tenant", "luma", "ACME", 0, []string{"t3"}},
		{"tenant alone", "", "bot", 0, []string{"t4"}},
		{"limit", "", "", 2, []string{"t4", "t3"}},
		{"no match", "mykaarma", "", 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := list(tc.vendor, tc.tenant, tc.limit); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("List(%q, %q, %d) = %v, want %v", tc.vendor, tc.tenant, tc.limit, got, tc.want)
			}
		})
	}
	if got := ts.List("mykaarma", "", 0); got == nil {
		t.Error("List returned nil, want an empty slice")
	}
	ts.Reset()
	if got := list("", "", 0); len(got) != 0 {
		t.Errorf("after Reset: %v", got)
	}
}

func TestTroubleshootKeepsAtMostTheBodyLimit(t *testing.T) {
	ts := NewTroubleshoot(2)
	body := strings.Repeat("é", TroubleshootBodyLimit) // 2 bytes each: the limit falls inside one
	for range 3 {
		ts.Add(TroubleshootEntry{Vendor: "luma", Body: body})
	}
	entries := ts.List("", "", 0)
	if len(entries) != 2 {
		t.Fatalf("%d entries, want the cap of 2", len(entries))
	}
	got := entries[0].Body
	if len(got) > TroubleshootBodyLimit+64 || !strings.HasSuffix(got, fmt.Sprintf("… (%d bytes more)", TroubleshootBodyLimit)) {
		t.Errorf("body of %d bytes ends %q", len(got), got[max(0, len(got)-40):])
	}
	if !utf8.ValidString(got) {
		t.Error("the cut split a character")
	}
}
