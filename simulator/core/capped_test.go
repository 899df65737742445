package core

import (
	"slices"
	"testing"
)

// TestCappedRing drives the ring past its caps, through wrap-around and growth, and checks it
// against the obvious slice model: the newest entries in order, the trimmed sequence numbers and
// the byte count.
func TestCappedRing(t *testing.T) {
	tests := []struct {
		name     string
		maxCount int
		maxBytes int64
		sizes    []int64
	}{
		{"under both caps", 100, 1 << 20, []int64{1, 2, 3}},
		{"count cap, many wraps", 5, 1 << 20, slices.Repeat([]int64{10}, 53)},
		{"count cap past the first growth", 40, 1 << 20, slices.Repeat([]int64{1}, 100)},
		{"byte cap drops several at once", 100, 30, []int64{10, 10, 10, 25, 1, 1, 1, 29, 5}},
		{"an entry over the byte cap stays alone", 100, 10, []int64{3, 3, 50, 3}},
		{"both caps", 7, 40, []int64{5, 5, 5, 5, 5, 5, 5, 5, 20, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCapped[string](tt.maxCount, tt.maxBytes)
			type item struct {
				seq, size int64
			}
			var model []item
			var bytes int64
			for i, size := range tt.sizes {
				seq, trimmed := c.add("v"+string(rune('a'+i%26)), size)
				if seq != int64(i+1) {
					t.Fatalf("add %d: seq %d, want %d", i, seq, i+1)
				}
				model = append(model, item{seq, size})
				bytes += size
				var wantTrimmed int64
				for len(model) > 1 && (len(model) > tt.maxCount || bytes > tt.maxBytes) {
					wantTrimmed = model[0].seq
					bytes -= model[0].size
					model = model[1:]
				}
				if trimmed != wantTrimmed {
					t.Fatalf("add %d: trimmed %d, want %d", i, trimmed, wantTrimmed)
				}
				if c.len() != len(model) || c.bytes != bytes {
					t.Fatalf("add %d: %d entries of %d bytes, want %d of %d", i, c.len(), c.bytes, len(model), bytes)
				}
				for j, m := range model {
					if got, want := *c.at(j), "v"+string(rune('a'+int(m.seq-1)%26)); got != want {
						t.Fatalf("add %d: entry %d is %q, want %q", i, j, got, want)
					}
				}
			}
		})
	}
}

// TestCappedRestoreKeepsSequenceNumbers: entries put back at start-up keep their numbers, and
// the next add continues after the highest.
func TestCappedRestoreKeepsSequenceNumbers(t *testing.T) {
	c := newCapped[int](2, 1<<20)
	for _, seq := range []int64{7, 9, 12} {
		c.restore(int(seq), 1, seq)
	}
	if c.len() != 2 || *c.at(0) != 9 || *c.at(1) != 12 {
		t.Fatalf("restored %d entries, first %d", c.len(), *c.at(0))
	}
	if seq, trimmed := c.add(13, 1); seq != 13 || trimmed != 9 {
		t.Fatalf("add after restore: seq %d trimmed %d, want 13 and 9", seq, trimmed)
	}
	c.reset()
	if seq, _ := c.add(1, 1); seq != 1 || c.len() != 1 {
		t.Fatalf("after reset: seq %d, %d entries", seq, c.len())
	}
}

func BenchmarkCappedAddFull(b *testing.B) {
	c := newCapped[JournalEntry](10000, 1<<30)
	for b.Loop() {
		c.add(JournalEntry{ID: "x"}, 300)
	}
}
