package core

import "hash/maphash"

// uidIndex finds a stored message by its UUID: a hash table with open addressing (linear
// probing) whose slots hold a UUID's hash and the message's position; the UUID itself is in the
// message's record. A Go map keyed by the 16 bytes was a sixth of storing a 100,000-user fan-out:
// each insert hashed the key and touched a control word and a slot, mostly out of cache; here it
// touches one 16-byte slot. Guarded by the store's lock.
type uidIndex struct {
	slots   []uidSlot // a power of two long, at most half full
	n       int
	seed    maphash.Seed
	touched int64 // keeps what setAll read ahead, so the reads can't be left out
}

// uidSlot is empty when pos is 0; otherwise it holds position pos-1.
type uidSlot struct {
	hash uint64
	pos  int64
}

func newUIDIndex() uidIndex { return uidIndex{seed: maphash.MakeSeed()} }

func (x *uidIndex) hash(u [16]byte) uint64 { return maphash.Comparable(x.seed, u) }

// find returns the position of u; uidAt reads the UUID of the message at a position.
func (x *uidIndex) find(u [16]byte, uidAt func(int64) [16]byte) (int64, bool) {
	if x.n == 0 {
		return 0, false
	}
	h := x.hash(u)
	mask := uint64(len(x.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := &x.slots[i]
		if sl.pos == 0 {
			return 0, false
		}
		if sl.hash == h && uidAt(sl.pos-1) == u {
			return sl.pos - 1, true
		}
	}
}

// set makes u find pos, replacing what it found before.
func (x *uidIndex) set(u [16]byte, pos int64, uidAt func(int64) [16]byte) {
	if 2*(x.n+1) > len(x.slots) {
		x.reserve(x.n + 1)
	}
	x.setHashed(u, x.hash(u), pos, uidAt)
}

// setHashed is set with u's hash h, in a table with room for one more.
func (x *uidIndex) setHashed(u [16]byte, h uint64, pos int64, uidAt func(int64) [16]byte) {
	mask := uint64(len(x.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := &x.slots[i]
		if sl.pos == 0 {
			*sl = uidSlot{h, pos + 1}
			x.n++
			return
		}
		if sl.hash == h && uidAt(sl.pos-1) == u {
			sl.pos = pos + 1
			return
		}
	}
}

// setAll sets the n UUIDs uid gives to the positions from first on, reading the table ahead a
// block at a time (see internAll).
func (x *uidIndex) setAll(n int, uid func(int) [16]byte, first int64, uidAt func(int64) [16]byte) {
	if 2*(x.n+n) > len(x.slots) {
		x.reserve(x.n + n)
	}
	hashes := make([]uint64, n)
	for i := range n {
		hashes[i] = x.hash(uid(i))
	}
	mask := uint64(len(x.slots) - 1)
	var ahead [aheadBlock]int64
	for start := 0; start < n; start += aheadBlock {
		end := min(start+aheadBlock, n)
		for j := end; j < min(end+aheadBlock, n); j++ {
			ahead[j-end] = x.slots[hashes[j]&mask].pos
		}
		for i := start; i < end; i++ {
			x.setHashed(uid(i), hashes[i], first+int64(i), uidAt)
		}
	}
	x.touched += ahead[0]
}

// delete forgets u if it finds pos, shifting back the slots after it that belong before the gap
// (so every key stays reachable without tombstones).
func (x *uidIndex) delete(u [16]byte, pos int64) {
	if x.n == 0 {
		return
	}
	h := x.hash(u)
	mask := uint64(len(x.slots) - 1)
	i := h & mask
	for ; ; i = (i + 1) & mask {
		sl := &x.slots[i]
		if sl.pos == 0 {
			return
		}
		if sl.hash == h && sl.pos == pos+1 {
			break
		}
	}
	for j := (i + 1) & mask; x.slots[j].pos != 0; j = (j + 1) & mask {
		// The entry at j may move to the gap at i when its home slot is not in (i, j].
		if home := x.slots[j].hash & mask; (j-home)&mask >= (j-i)&mask {
			x.slots[i] = x.slots[j]
			i = j
		}
	}
	x.slots[i] = uidSlot{}
	x.n--
}

// reserve makes room for n entries in all, growing the table once.
func (x *uidIndex) reserve(n int) {
	size := max(len(x.slots), 16)
	for 2*n > size {
		size *= 2
	}
	if size == len(x.slots) {
		return
	}
	old := x.slots
	x.slots = make([]uidSlot, size)
	mask := uint64(size - 1)
	for _, sl := range old {
		if sl.pos == 0 {
			continue
		}
		i := sl.hash & mask
		for x.slots[i].pos != 0 {
			i = (i + 1) & mask
		}
		x.slots[i] = sl
	}
}
