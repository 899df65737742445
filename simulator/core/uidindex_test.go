package core

import (
	"math/rand/v2"
	"testing"
)

// TestUIDIndexAgreesWithAMap: sets, replacements, deletes (with the right position and a stale
// one) and finds on the table agree with a Go map, through growth and the shifting back of
// clusters that deletes do.
func TestUIDIndexAgreesWithAMap(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	x := newUIDIndex()
	want := map[[16]byte]int64{}
	at := map[int64][16]byte{} // what the records hold: the UUID at each position
	uidAt := func(pos int64) [16]byte {
		u, ok := at[pos]
		if !ok {
			t.Fatalf("the table read position %d, which holds nothing", pos)
		}
		return u
	}
	var keys [][16]byte
	next := int64(0)
	for op := range 50000 {
		switch k := r.IntN(10); {
		case k < 5 || len(keys) == 0: // a new message
			var u [16]byte
			for i := range u {
				u[i] = byte(r.Uint32())
			}
			keys = append(keys, u)
			at[next], want[u] = u, next
			x.set(u, next, uidAt)
			next++
		case k < 6: // a key stored again at a new position (the old record keeps it too)
			u := keys[r.IntN(len(keys))]
			at[next], want[u] = u, next
			x.set(u, next, uidAt)
			next++
		case k < 9: // eviction, sometimes with a position the key no longer has
			u := keys[r.IntN(len(keys))]
			pos, ok := want[u]
			if r.IntN(4) == 0 {
				pos++
				ok = false
			}
			x.delete(u, pos)
			if ok {
				delete(want, u)
			}
		default:
			if x.n != len(want) {
				t.Fatalf("op %d: %d entries, want %d", op, x.n, len(want))
			}
		}
		if op%97 == 0 {
			for _, u := range keys {
				pos, ok := x.find(u, uidAt)
				wantPos, wantOK := want[u]
				if ok != wantOK || pos != wantPos {
					t.Fatalf("op %d: find = %d, %v; want %d, %v", op, pos, ok, wantPos, wantOK)
				}
			}
		}
	}
	if 2*x.n > len(x.slots) {
		t.Fatalf("%d entries in %d slots: more than half full", x.n, len(x.slots))
	}
}
