package tui

import (
	"strconv"
	"strings"
	"time"

	"github.com/notifysim/notifysim/simulator/client"
)

// inbox is the message list of the selected recipient or group, newest first: a bounded window
// of the server's list, loaded a page at a time, that live messages join on top.
type inbox struct {
	gen   int // bumped on every new selection: answers to older ones are dropped
	title string
	base  client.MessageFilter
	query query
	// queryBefore is the search in force when the prompt opened: esc puts it back.
	queryBefore string
	win         window
	// total is the server's count of matches. Only answers of the server set it: local counting
	// drifts from a store that evicts (--max-messages) and from events a gap lost.
	total int
	// older says how to page on below the bottom row: the server's cursor, or the bottom row's
	// seq once live arrivals pushed rows out (they came without a cursor).
	next    string
	before  int64
	more    bool
	cursor  int
	offset  int
	loading bool
	err     string
	// newer counts matching messages that arrived while the window could not take them (the
	// reader is scrolled down a full window, or paged so far that the top rows were dropped).
	// The top of the window is then not the newest: going to the top reloads the first page.
	newer int
	stale bool
	// rowsTop is the screen line (within the pane) of the first row at the last draw, for
	// mouse clicks.
	rowsTop int
}

// filter is the server query of the inbox; ok false when the search and the selection exclude
// each other.
func (in *inbox) filter() (client.MessageFilter, bool) { return in.query.apply(in.base) }

func (in *inbox) following() bool { return in.cursor == 0 && !in.stale }

// load replaces the window with a first page. Rows that arrived live meanwhile, are newer than
// the page and match the query the page answers stay on top, so a reload racing the event
// stream loses nothing (and a new search keeps none of the rows it excludes). An empty page is
// older than every row that arrived live; the rows an earlier page brought are gone from the
// server.
func (in *inbox) load(p client.MessageList) {
	var keep []row
	if f, ok := in.filter(); ok {
		top := pageTop(p.Messages)
		for i := 0; i < in.win.len(); i++ {
			r := in.win.at(i)
			if top > 0 && r.msg.Seq <= top {
				break
			}
			if (top > 0 || r.fresh) && matches(f, r.msg) {
				keep = append(keep, *r)
			}
		}
	}
	in.win.reset(p.Messages)
	for i := len(keep) - 1; i >= 0; i-- {
		if _, dup := in.win.find(keep[i].msg.ID); !dup {
			in.win.pushNewest(keep[i])
		}
	}
	in.total = p.Total
	in.next, in.before, in.more = p.NextCursor, 0, p.NextCursor != ""
	in.newer, in.stale = 0, false
	in.cursor = clamp(in.cursor, 0, max(in.win.len()-1, 0))
}

func pageTop(msgs []client.Message) int64 {
	if len(msgs) == 0 {
		return 0
	}
	return msgs[0].Seq
}

// loadOlder puts the next page below the bottom row. A window grown past maxRows drops rows
// from the top, away from the reader, who then is not looking at the newest any more.
func (in *inbox) loadOlder(p client.MessageList) {
	in.win.appendOlder(p.Messages)
	in.total = p.Total
	in.next, in.before, in.more = p.NextCursor, 0, p.NextCursor != ""
	if over := in.win.len() - maxRows; over > 0 {
		over = min(over, in.cursor) // never drop the selected row
		in.win.dropNewest(over)
		in.cursor -= over
		in.offset = max(in.offset-over, 0)
		in.stale = true
	}
}

// olderFilter is the query of the page below the bottom row.
func (in *inbox) olderFilter() client.MessageFilter {
	f, _ := in.filter()
	if in.next != "" {
		f.Cursor = in.next
	} else {
		f.Before = in.before
	}
	return f
}

// apply takes a message from the event stream: an update in place when listed (found by id in
// O(1)), a new row on top when it belongs here. It reports whether the window changed.
func (in *inbox) apply(m client.Message) bool {
	if i, ok := in.win.find(m.ID); ok {
		in.win.at(i).msg = m
		return true
	}
	f, ok := in.filter()
	if !ok || !matches(f, m) {
		return false
	}
	if in.stale || !in.following() && in.win.len() >= maxRows {
		// Inserting would push the selected row out or the top is not the newest already:
		// count it, and let the reader jump to the top when they want it.
		in.newer++
		in.stale = true
		return true
	}
	in.win.pushNewest(row{msg: m, fresh: true})
	if in.cursor > 0 { // keep the selection on the message it was on
		in.cursor++
	}
	if over := in.win.len() - maxRows; over > 0 {
		in.win.dropOldest(over)
		// The dropped rows came from the server: page them back from below the new bottom.
		in.next, in.before, in.more = "", in.win.at(in.win.len()-1).msg.Seq, true
	}
	return true
}

func (in *inbox) selected() (client.Message, bool) {
	if in.cursor < in.win.len() {
		return in.win.at(in.cursor).msg, true
	}
	return client.Message{}, false
}

// seen marks the row of m looked at: it loses its ✦ and takes the server's copy.
func (in *inbox) seen(m client.Message) {
	if i, ok := in.win.find(m.ID); ok {
		r := in.win.at(i)
		r.msg, r.fresh = m, false
	}
}

func (in *inbox) move(d int) {
	in.cursor = clamp(in.cursor+d, 0, max(in.win.len()-1, 0))
}

// needMore says whether the cursor is near the end of what is loaded and the server has more.
func (in *inbox) needMore() bool {
	return !in.loading && in.more && in.cursor >= in.win.len()-20
}

func badge(st styles, status string) string {
	b := fit(status, 9)
	switch status {
	case "delivered", "read":
		return st.OK(b)
	case "scheduled", "sent":
		return st.Warn(b)
	case "failed":
		return st.Bad(b)
	}
	return b
}

func (in *inbox) view(st styles, w, h int, focused bool, showVendor bool) []string {
	head := paneTitle(in.title, focused)
	switch {
	case in.loading && in.win.len() == 0:
		head += " · loading…"
	default:
		head += " · " + plural(in.total, "message")
	}
	if !in.query.empty() {
		head += " · search “" + in.query.raw + "”"
	}
	lines := []string{st.Header(fit(head, w))}
	if in.err != "" {
		lines = append(lines, st.Bad(fit("! "+in.err, w)))
	}
	if in.stale {
		note := "↑ newer messages above · g goes to the newest"
		if in.newer > 0 {
			note = "↑ " + plural(in.newer, "newer message") + " · g goes to the newest"
		}
		lines = append(lines, st.Warn(fit(note, w)))
	}
	if in.win.len() == 0 && !in.loading && in.err == "" {
		if in.query.empty() {
			lines = append(lines, st.Dim(fit("  nothing here yet: send a notification, it shows up live", w)))
		} else {
			lines = append(lines, st.Dim(fit("  no message matches “"+in.query.raw+"” here · esc clears the search", w)))
		}
	}
	in.rowsTop = len(lines)
	body := h - len(lines)
	in.offset = scrollTo(in.offset, in.cursor, body, in.win.len())
	for i := in.offset; i < in.win.len() && len(lines) < h; i++ {
		lines = append(lines, in.row(st, *in.win.at(i), i == in.cursor, focused, w, showVendor))
	}
	return lines
}

// cursorMark is the selected row's marker: the focused pane's differs from the other's, so
// focus shows without colour (NO_COLOR, a monochrome terminal).
func cursorMark(selected, focused bool) string {
	switch {
	case selected && focused:
		return "›"
	case selected:
		return "·"
	}
	return " "
}

// paneTitle marks the focused pane's title, for the same reason.
func paneTitle(title string, focused bool) string {
	if focused {
		return "▌" + title
	}
	return " " + title
}

func (in *inbox) row(st styles, r row, selected, focused bool, w int, showVendor bool) string {
	m := r.msg
	marker := cursorMark(selected, focused)
	dot := " "
	if !m.Seen {
		dot = "●"
	}
	if r.fresh {
		dot = "✦"
	}
	at := m.CreatedAt.UTC().Format("15:04:05")
	who := memberLabel(m.Vendor, m.Recipient)
	preview := m.Body
	if m.Title != "" {
		preview = m.Title + ": " + m.Body
	}
	// Wide panes show vendor and channel; narrow ones keep recipient and preview readable.
	var cols []string
	rest := w - 1 - 2 - 8 - 1 - 9 - 1
	if showVendor && w >= 80 {
		cols = append(cols, fit(vendorLabel[m.Vendor], 8), fit(m.Channel, 17))
		rest -= 8 + 1 + 17 + 1
	} else if w >= 70 {
		cols = append(cols, fit(m.Channel, 17))
		rest -= 17 + 1
	}
	whoW := clamp(rest/3, 8, 22)
	cols = append(cols, fit(who, whoW))
	rest -= whoW + 1
	cols = append(cols, fit(preview, max(rest, 0)))
	line := marker + dot + " " + at + " " + strings.Join(cols, " ")
	if selected && focused {
		return st.Selected(fit(line, w-9) + fit(m.Status, 9))
	}
	if lit := highlight(st, line, in.query.text); lit != line {
		// The match stands out instead of the row: nested styles would end each other.
		return lit + " " + badge(st, m.Status)
	}
	switch {
	case r.fresh:
		line = st.Fresh(line)
	case !m.Seen:
		line = st.Unread(line)
	}
	return line + " " + badge(st, m.Status)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// clockText shows a simulated time the same way everywhere.
func clockText(t time.Time) string { return t.UTC().Format("Jan 02 15:04:05") }
