package core

// capped is a FIFO log bounded by entry count and by total size. Each entry gets a sequence
// number so a durable copy can drop the same prefix. Not safe for concurrent use.
type capped[T any] struct {
	maxCount int
	maxBytes int64
	items    []cappedItem[T]
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
	c.items = append(c.items, cappedItem[T]{v: v, size: size, seq: c.seq})
	c.bytes += size
	return c.seq, c.trim()
}

func (c *capped[T]) restore(v T, size, seq int64) {
	c.items = append(c.items, cappedItem[T]{v: v, size: size, seq: seq})
	c.bytes += size
	c.seq = max(c.seq, seq)
	c.trim()
}

func (c *capped[T]) trim() (trimmed int64) {
	drop := 0
	for len(c.items)-drop > 1 && (len(c.items)-drop > c.maxCount || c.bytes > c.maxBytes) {
		c.bytes -= c.items[drop].size
		trimmed = c.items[drop].seq
		drop++
	}
	if drop == 0 {
		return 0
	}
	// Reslicing keeps add O(1); clearing the dropped slots frees what they held, and append
	// moves the survivors to a fresh array when it grows.
	clear(c.items[:drop])
	c.items = c.items[drop:]
	return trimmed
}

func (c *capped[T]) len() int    { return len(c.items) }
func (c *capped[T]) at(i int) *T { return &c.items[i].v }
func (c *capped[T]) reset()      { c.items, c.bytes, c.seq = nil, 0, 0 }
