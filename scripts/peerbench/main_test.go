package main

import (
	"errors"
	"strings"
	"testing"
)

func TestMediansKeepsTheMiddleRound(t *testing.T) {
	all := []result{
		{route: "luma", label: "ceiling", rps: 40000},
		{route: "luma", label: "notifysim serve", rps: 20000},
		{route: "luma", label: "Prism", err: errors.New("404")},
		{route: "luma", label: "ceiling", rps: 30000},
		{route: "luma", label: "notifysim serve", rps: 25000},
		{route: "luma", label: "Prism", rps: 100},
		{route: "luma", label: "ceiling", rps: 50000},
		{route: "luma", label: "notifysim serve", rps: 10000},
		{route: "luma", label: "Prism", err: errors.New("404")},
	}
	got, notes := medians(all)
	if len(got) != 3 || got[0].label != "ceiling" || got[1].label != "notifysim serve" || got[2].label != "Prism" {
		t.Fatalf("rows %+v", got)
	}
	if got[0].rps != 40000 || got[1].rps != 20000 || got[2].rps != 100 {
		t.Errorf("medians %v %v %v, want 40000 20000 100 (a failed round is no figure)", got[0].rps, got[1].rps, got[2].rps)
	}
	for _, want := range []string{"median rps of 3 rounds", "luma, ceiling: 40.0k · 30.0k · 50.0k", "luma, Prism: failed · 100 · failed"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	if _, notes := medians(all[:3]); notes != "" {
		t.Errorf("one round wrote notes: %q", notes)
	}
}
