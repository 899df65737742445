package core

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestStrIndexAgreesWithAMap: inserts, deletes and finds on the table agree with a Go map,
// through growth and the shifting back of clusters that deletes do, also when strings share
// their 32-bit hash.
func TestStrIndexAgreesWithAMap(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, weak := range []bool{false, true} {
		x := newStrIndex()
		hash := x.hash
		if weak { // 64 hashes for thousands of strings: long clusters, many equal hashes
			hash = func(s string) uint32 { return x.hash(s) & 63 }
		}
		names := []string{""}
		want := map[string]uint32{}
		for op := range 30000 {
			s := fmt.Sprint("s", r.IntN(3000))
			c, ok := want[s]
			switch {
			case !ok && r.IntN(3) > 0:
				names = append(names, s)
				c = uint32(len(names) - 1)
				x.insert(hash(s), c)
				want[s] = c
			case ok && r.IntN(2) == 0:
				x.delete(hash(s), c)
				delete(want, s)
			}
			if got := x.find(s, hash(s), names); got != want[s] {
				t.Fatalf("weak %v, op %d: find(%q) = %d, want %d", weak, op, s, got, want[s])
			}
			if op%499 == 0 {
				for s, c := range want {
					if got := x.find(s, hash(s), names); got != c {
						t.Fatalf("weak %v, op %d: find(%q) = %d, want %d", weak, op, s, got, c)
					}
				}
				if x.n != len(want) || 2*x.n > len(x.slots) {
					t.Fatalf("weak %v, op %d: %d entries in %d slots, want %d", weak, op, x.n, len(x.slots), len(want))
				}
			}
		}
	}
}
