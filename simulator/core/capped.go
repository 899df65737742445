package core

// capped is a ring of the newest entries, bounded by count and by approximate size. The ring's
// array grows by doubling up to maxCount and is then reused: a full journal adds an entry
// without allocating or moving the others, which matters because it is written under the
// journal's lock on every request.
type capped[T any] struct {
	maxCount int
	maxBytes int64
	items    []cappedItem[T] // the ring; len(items) is its capacity
	head     int             // index of the oldest entry
	n        int             // entries held
	bytes    int64
	seq      int64
}

type cappedItem[T any] struct {
	v    T
	size int64
	seq  int64
}

func newCapped[T any](maxCount int, maxBytes int64) capped[T] {
	if maxCount <= 0 {
		maxCount = 10000
	}
	if maxBytes <= 0 {
		maxBytes = DefaultJournalBytes
	}
	return capped[T]{maxCount: maxCount, maxBytes: maxBytes}
}

// add appends v and drops the oldest entries while either cap is exceeded; the newest entry
// always stays, however large. It returns v's sequence number and the sequence number of the
// last entry dropped (0 when none).
func (c *capped[T]) add(v T, size int64) (seq, trimmed int64) {
	c.seq++
	return c.seq, c.push(v, size, c.seq)
}

func (c *capped[T]) restore(v T, size, seq int64) {
	c.seq = max(c.seq, seq)
	c.push(v, size, seq)
}

func (c *capped[T]) push(v T, size, seq int64) (trimmed int64) {
	if c.n == c.maxCount {
		trimmed = c.dropOldest()
	} else if c.n == len(c.items) {
		c.grow()
	}
	c.items[(c.head+c.n)%len(c.items)] = cappedItem[T]{v: v, size: size, seq: seq}
	c.n++
	c.bytes += size
	for c.n > 1 && c.bytes > c.maxBytes {
		trimmed = c.dropOldest()
	}
	return trimmed
}

// grow doubles the ring (up to maxCount), moving the entries to its start.
func (c *capped[T]) grow() {
	size := min(max(2*len(c.items), 16), c.maxCount)
	items := make([]cappedItem[T], size)
	for i := range c.n {
		items[i] = c.items[(c.head+i)%len(c.items)]
	}
	c.items, c.head = items, 0
}

// dropOldest forgets the oldest entry, clearing its slot so what it held can be freed.
func (c *capped[T]) dropOldest() (seq int64) {
	old := &c.items[c.head]
	seq = old.seq
	c.bytes -= old.size
	*old = cappedItem[T]{}
	c.head = (c.head + 1) % len(c.items)
	c.n--
	return seq
}

func (c *capped[T]) len() int { return c.n }

// at is the i-th entry, oldest first.
func (c *capped[T]) at(i int) *T { return &c.items[(c.head+i)%len(c.items)].v }

func (c *capped[T]) reset() { c.items, c.head, c.n, c.bytes, c.seq = nil, 0, 0, 0, 0 }
