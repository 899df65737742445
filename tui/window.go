package tui

import "github.com/notifysim/notifysim/simulator/client"

// maxRows bounds the inbox's window: a few pages, so a session watching a load test holds the
// same memory after an hour as after a minute. Older rows come back from the server by paging.
const maxRows = 4 * pageSize

// row is one message of the window and whether it arrived live and has not been looked at.
type row struct {
	msg   client.Message
	fresh bool
}

// window holds the inbox's messages newest first, bounded by whoever uses it. It is stored
// oldest first so a live message goes on top by an append, the oldest leave by a reslice, and
// each row is found by id through the slot it was given: every change a live event makes costs
// O(1) amortised, whatever the size of the window.
type window struct {
	rows []row            // oldest first: display index i is rows[len(rows)-1-i]
	slot map[string]int64 // message id → slot; rows[slot-base]
	base int64            // slot of rows[0]
}

func (w *window) len() int { return len(w.rows) }

// at is the row at display index i (0 = newest).
func (w *window) at(i int) *row { return &w.rows[len(w.rows)-1-i] }

// find returns the display index of the message with that id.
func (w *window) find(id string) (int, bool) {
	s, ok := w.slot[id]
	if !ok {
		return 0, false
	}
	return len(w.rows) - 1 - int(s-w.base), true
}

// reset replaces the window with a page, newest first.
func (w *window) reset(msgs []client.Message) {
	clear(w.rows)
	w.rows = w.rows[:0]
	w.slot = make(map[string]int64, len(msgs))
	w.base = 0
	for i := len(msgs) - 1; i >= 0; i-- {
		w.pushNewest(row{msg: msgs[i]})
	}
}

// pushNewest puts r on top.
func (w *window) pushNewest(r row) {
	if w.slot == nil {
		w.slot = map[string]int64{}
	}
	w.slot[r.msg.ID] = w.base + int64(len(w.rows))
	w.rows = append(w.rows, r)
}

// appendOlder puts a page of older messages (newest first) below the bottom row, skipping any
// the window holds already. It copies the window once per page, not per message.
func (w *window) appendOlder(msgs []client.Message) {
	var older []row
	for i := len(msgs) - 1; i >= 0; i-- {
		if _, dup := w.slot[msgs[i].ID]; !dup {
			older = append(older, row{msg: msgs[i]})
		}
	}
	if len(older) == 0 {
		return
	}
	w.rows = append(older, w.rows...)
	w.base -= int64(len(older))
	if w.slot == nil {
		w.slot = map[string]int64{}
	}
	for i := range older {
		w.slot[older[i].msg.ID] = w.base + int64(i)
	}
}

// dropOldest removes the n bottom rows.
func (w *window) dropOldest(n int) {
	n = min(n, len(w.rows))
	for i := range n {
		delete(w.slot, w.rows[i].msg.ID)
	}
	clear(w.rows[:n]) // the backing array outlives the reslice: let the messages go
	w.rows = w.rows[n:]
	w.base += int64(n)
}

// dropNewest removes the n top rows.
func (w *window) dropNewest(n int) {
	n = min(n, len(w.rows))
	keep := len(w.rows) - n
	for i := keep; i < len(w.rows); i++ {
		delete(w.slot, w.rows[i].msg.ID)
	}
	clear(w.rows[keep:])
	w.rows = w.rows[:keep]
}

// newestSeq is the Seq of the top row (0 when empty).
func (w *window) newestSeq() int64 {
	if len(w.rows) == 0 {
		return 0
	}
	return w.rows[len(w.rows)-1].msg.Seq
}
