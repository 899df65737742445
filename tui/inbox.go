package tui

import (
	"strconv"
	"strings"
	"time"

	"github.com/notifysim/notifysim/simulator/client"
)

// inbox is the message list of the selected recipient or group, newest first, loaded a page at
// a time.
type inbox struct {
	gen     int // bumped on every new selection: answers to older ones are dropped
	title   string
	base    client.MessageFilter
	text    string
	msgs    []client.Message
	total   int
	next    string
	cursor  int
	offset  int
	loading bool
	err     string
	fresh   map[string]bool // arrived live and not looked at yet
}

func (in *inbox) filter() client.MessageFilter {
	f := in.base
	f.Text = in.text
	return f
}

// matches is the server's filter applied to a message that arrived live, so it joins the list
// only if a reload would have listed it.
func (in *inbox) matches(m client.Message) bool {
	f := in.filter()
	eq := strings.EqualFold
	if f.Vendor != "" && !eq(f.Vendor, m.Vendor) || f.Tenant != "" && !eq(f.Tenant, m.Tenant) ||
		f.Channel != "" && !eq(f.Channel, m.Channel) || f.Status != "" && !eq(f.Status, m.Status) {
		return false
	}
	if f.Role != "" && !eq(f.Role, m.Recipient.Role) && !eq(f.Role, m.Recipient.RoleName) {
		return false
	}
	if f.Recipient != "" {
		found := false
		for _, id := range strings.Split(f.Recipient, ",") {
			found = found || eq(strings.TrimSpace(id), m.Recipient.ID)
		}
		if !found {
			return false
		}
	}
	if f.Text != "" {
		q := strings.ToLower(f.Text)
		if !strings.Contains(strings.ToLower(m.Body), q) && !strings.Contains(strings.ToLower(m.Title), q) {
			return false
		}
	}
	return true
}

// apply takes a message from the event stream: an update in place when listed, a new row on
// top when it belongs here. It reports whether the list changed.
func (in *inbox) apply(m client.Message) bool {
	for i := range in.msgs {
		if in.msgs[i].ID == m.ID {
			in.msgs[i] = m
			return true
		}
	}
	if !in.matches(m) {
		return false
	}
	in.msgs = append([]client.Message{m}, in.msgs...)
	in.total++
	if in.fresh == nil {
		in.fresh = map[string]bool{}
	}
	in.fresh[m.ID] = true
	if in.cursor > 0 { // keep the selection on the message it was on
		in.cursor++
	}
	return true
}

func (in *inbox) selected() (client.Message, bool) {
	if in.cursor < len(in.msgs) {
		return in.msgs[in.cursor], true
	}
	return client.Message{}, false
}

func (in *inbox) move(d int) {
	in.cursor = clamp(in.cursor+d, 0, max(len(in.msgs)-1, 0))
}

// needMore says whether the cursor is near the end of what is loaded and the server has more.
func (in *inbox) needMore() bool {
	return !in.loading && in.next != "" && in.cursor >= len(in.msgs)-20
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
	head := in.title
	switch {
	case in.loading && len(in.msgs) == 0:
		head += " · loading…"
	default:
		head += " · " + plural(in.total, "message")
	}
	if in.text != "" {
		head += " · filter “" + in.text + "”"
	}
	lines := []string{st.Header(fit(head, w))}
	if in.err != "" {
		lines = append(lines, st.Bad(fit("! "+in.err, w)))
	}
	if len(in.msgs) == 0 && !in.loading && in.err == "" {
		lines = append(lines, st.Dim(fit("  nothing here yet: send a notification, it shows up live", w)))
	}
	body := h - len(lines)
	in.offset = scrollTo(in.offset, in.cursor, body, len(in.msgs))
	for i := in.offset; i < len(in.msgs) && len(lines) < h; i++ {
		lines = append(lines, in.row(st, in.msgs[i], i == in.cursor, focused, w, showVendor))
	}
	return lines
}

func (in *inbox) row(st styles, m client.Message, selected, focused bool, w int, showVendor bool) string {
	marker := " "
	if selected {
		marker = "›"
	}
	dot := " "
	if !m.Seen {
		dot = "●"
	}
	if in.fresh[m.ID] {
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
	plainPart := marker + dot + " " + at + " "
	line := plainPart + strings.Join(cols, " ")
	b := badge(st, m.Status)
	if selected && focused {
		return st.Selected(fit(line, w-9) + fit(m.Status, 9))
	}
	if in.fresh[m.ID] {
		line = st.Fresh(line)
	} else if !m.Seen {
		line = st.Unread(line)
	}
	return line + " " + b
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// clockText shows a simulated time the same way everywhere.
func clockText(t time.Time) string { return t.UTC().Format("Jan 02 15:04:05") }
