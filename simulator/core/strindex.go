package core

import "hash/maphash"

// strIndex finds the dictionary code of a string: a hash table with open addressing (linear
// probing) whose 8-byte slots hold 32 bits of the string's hash and its code; the string itself
// is the dictionary's name of that code. It replaced a Go map from string to code, which a
// fan-out to 100,000 users new to the store filled at about two cache misses per user; slots
// this small stay in cache longer, and a batch looks its strings up ahead of interning them.
// Guarded by the store's lock.
type strIndex struct {
	slots []strSlot // a power of two long, at most half full
	n     int
	seed  maphash.Seed
}

// strSlot is empty when code is 0: "" is never in the table.
type strSlot struct {
	hash uint32
	code uint32
}

func newStrIndex() strIndex { return strIndex{seed: maphash.MakeSeed()} }

func (x *strIndex) hash(s string) uint32 { return uint32(maphash.String(x.seed, s)) }

// find returns the code of s, whose hash is h, or 0; names are the dictionary's.
func (x *strIndex) find(s string, h uint32, names []string) uint32 {
	if x.n == 0 {
		return 0
	}
	mask := uint32(len(x.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := x.slots[i]
		if sl.code == 0 {
			return 0
		}
		if sl.hash == h && names[sl.code] == s {
			return sl.code
		}
	}
}

// insert adds code c for a string whose hash is h and which the table doesn't hold.
func (x *strIndex) insert(h, c uint32) {
	if 2*(x.n+1) > len(x.slots) {
		x.reserve(x.n + 1)
	}
	mask := uint32(len(x.slots) - 1)
	i := h & mask
	for x.slots[i].code != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = strSlot{h, c}
	x.n++
}

// delete forgets code c, whose string's hash is h, shifting back the slots after it that belong
// before the gap (so every string stays reachable without tombstones).
func (x *strIndex) delete(h, c uint32) {
	mask := uint32(len(x.slots) - 1)
	i := h & mask
	for ; x.slots[i].code != c; i = (i + 1) & mask {
		if x.slots[i].code == 0 {
			return
		}
	}
	for j := (i + 1) & mask; x.slots[j].code != 0; j = (j + 1) & mask {
		// The entry at j may move to the gap at i when its home slot is not in (i, j].
		if home := x.slots[j].hash & mask; (j-home)&mask >= (j-i)&mask {
			x.slots[i] = x.slots[j]
			i = j
		}
	}
	x.slots[i] = strSlot{}
	x.n--
}

// touch reads the slot a string whose hash is h starts at, so it is in cache when the string is
// looked up a few strings later; it returns what it read, for the caller to keep.
func (x *strIndex) touch(h uint32) uint32 {
	if len(x.slots) == 0 {
		return 0
	}
	return x.slots[h&uint32(len(x.slots)-1)].code
}

// reserve makes room for n strings in all, growing the table once.
func (x *strIndex) reserve(n int) {
	size := max(len(x.slots), 16)
	for 2*n > size {
		size *= 2
	}
	if size == len(x.slots) {
		return
	}
	old := x.slots
	x.slots = make([]strSlot, size)
	mask := uint32(size - 1)
	for _, sl := range old {
		if sl.code == 0 {
			continue
		}
		i := sl.hash & mask
		for x.slots[i].code != 0 {
			i = (i + 1) & mask
		}
		x.slots[i] = sl
	}
}
