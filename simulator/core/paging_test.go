package core

import (
	"reflect"
	"testing"
)

func TestMemStorePagesAndRecipientSets(t *testing.T) {
	s := newFilledStore(t)
	for _, tc := range []struct {
		name string
		f    Filter
		want []string
	}{
		{"before the newest", Filter{Before: 5}, []string{"m4", "m3", "m2", "m1"}},
		{"before and limit", Filter{Before: 4, Limit: 2}, []string{"m3", "m2"}},
		{"before the first", Filter{Before: 1}, []string{}},
		{"before past the end", Filter{Before: 99, Limit: 1}, []string{"m5"}},
		{"before with a filter", Filter{Before: 5, Vendor: "kore"}, []string{"m4"}},
		{"several recipients, any case", Filter{Recipients: []string{"RUTH", "sam.phyll"}}, []string{"m2", "m1"}},
		{"recipients and before", Filter{Recipients: []string{"ruth", "sam.phyll"}, Before: 2}, []string{"m1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ids(s.Query(tc.f)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Query(%+v) = %v, want %v", tc.f, got, tc.want)
			}
			if n := s.Count(tc.f); tc.f.Limit == 0 && n != len(tc.want) {
				t.Errorf("Count(%+v) = %d, want %d", tc.f, n, len(tc.want))
			}
		})
	}
}

func TestJournalSeqAndBefore(t *testing.T) {
	j := NewJournal(3)
	for i := range 5 {
		if e := j.Add(JournalEntry{ID: string(rune('a' + i))}); e.Seq != int64(i+1) {
			t.Fatalf("entry %d got Seq %d", i, e.Seq)
		}
	}
	// The ring keeps c, d, e (seq 3..5).
	for _, tc := range []struct {
		f    JournalFilter
		want []int64
	}{
		{JournalFilter{}, []int64{5, 4, 3}},
		{JournalFilter{Before: 5, Limit: 1}, []int64{4}},
		{JournalFilter{Before: 3}, nil},
	} {
		var got []int64
		for _, e := range j.List(tc.f) {
			got = append(got, e.Seq)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("List(%+v) seqs = %v, want %v", tc.f, got, tc.want)
		}
	}
}
