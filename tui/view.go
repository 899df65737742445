package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// previewAt is the terminal width from which the inbox tabs show the selected message beside
// the list.
const previewAt = 140

// View draws the screen: header, tabs, the current pane, the footer.
func (m *Model) View() tea.View {
	v := tea.NewView(m.Render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "notifysim · " + m.c.URL()
	return v
}

// Render is the screen as text, exactly width × height cells.
func (m *Model) Render() string {
	w, h := m.width, m.height
	lines := []string{m.headerLine(w), m.tabsLine(w)}
	body := m.body(w, h-3)
	lines = append(lines, padLines(body, w, h-3)...)
	lines = append(lines, m.footer(w))
	return strings.Join(lines, "\n")
}

// panes splits the width of an inbox tab: recipients, inbox, and the preview when wide enough.
func (m *Model) panes(w int) (left, mid, right int) {
	if w >= previewAt {
		left = 36
		right = (w - left - 2) * 45 / 100
		return left, w - left - right - 2, right
	}
	left = min(clamp(w*3/10, 22, 40), w/2)
	return left, w - left - 1, 0
}

func (m *Model) body(w, h int) []string {
	switch m.mode {
	case modeHelp:
		return m.helpLines(w)
	case modeMessage:
		all := m.message.lines(m.st, w)
		m.message.scroll = clamp(m.message.scroll, 0, max(len(all)-h, 0))
		return all[m.message.scroll:]
	case modeDetail:
		var all []string
		all = append(all, m.st.Header(cut(m.detailTtl, w)), "")
		for _, l := range m.detail {
			all = append(all, wrap(l, w)...)
		}
		m.detailOff = clamp(m.detailOff, 0, max(len(all)-h, 0))
		return all[m.detailOff:]
	case modeCompose:
		return m.compose.view(m.st, w, h)
	}
	if !m.tab.inboxes() {
		return m.lists.view(m.st, m.tab, w, h)
	}
	left, mid, right := m.panes(w)
	lp := padLines(m.rec.view(m.st, left, h, m.focus == focusRecipients), left, h)
	mp := padLines(m.inbox.view(m.st, mid, h, m.focus == focusInbox, m.tab == tabAll), mid, h)
	var rp []string
	if right > 0 {
		rp = padLines(m.preview(right, h), right, h)
	}
	out := make([]string, h)
	sep := m.st.Dim("│")
	for i := range h {
		out[i] = lp[i] + sep + mp[i]
		if right > 0 {
			out[i] += sep + rp[i]
		}
	}
	return out
}

// preview renders the selected message as its recipient sees it, without opening it: it stays
// unread until enter.
func (m *Model) preview(w, h int) []string {
	msg, ok := m.inbox.selected()
	if !ok {
		return []string{m.st.Header(fit(" Preview", w)), m.st.Dim(fit("  no message selected", w))}
	}
	v := messageView{msg: msg, tenantName: m.tenantName(msg.Vendor, msg.Tenant)}
	lines := append([]string{m.st.Header(fit(" Preview · enter opens, marking it read", w))}, v.lines(m.st, w)...)
	if len(lines) > h {
		lines = lines[:h]
	}
	return lines
}

func (m *Model) headerLine(w int) string {
	host := strings.TrimPrefix(strings.TrimPrefix(m.c.URL(), "http://"), "https://")
	conn := m.conn
	switch conn {
	case "connected":
		conn = m.st.OK("● " + conn)
	case "reconnecting…":
		if m.connErr != "" && w >= 100 {
			conn += " (" + m.connErr + ")"
		}
		conn = m.st.Warn("◌ " + conn)
	default:
		conn = m.st.Warn("◌ " + conn)
	}
	clock := "—"
	if !m.clock.Now.IsZero() {
		clock = clockText(m.clockNow())
		if m.clock.Frozen {
			clock += " frozen"
		}
	}
	parts := []string{m.st.Title("notifysim"), host, conn, clock,
		plural(m.health.Messages, "msg"), plural(int(m.health.Requests), "req")}
	return fitStyled(strings.Join(parts, "  "), w)
}

func (m *Model) tabsLine(w int) string {
	var parts []string
	for t := tab(0); t < tabCount; t++ {
		name := tabNames[t]
		if t == m.tab {
			parts = append(parts, m.st.ActiveTab("["+name+"]"))
		} else {
			parts = append(parts, m.st.Tab(" "+name+" "))
		}
	}
	return fitStyled(strings.Join(parts, ""), w)
}

// hints are the footer's keys: only those that do something where the reader is.
func (m *Model) hints() []key.Binding {
	k := m.keys
	switch m.mode {
	case modeMessage:
		raw := k.Raw
		if m.message.raw {
			raw = key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "rendered"))
		}
		return []key.Binding{k.Back, raw, k.CopyID, k.CopyJSON, k.Save, k.Pager, k.Compose}
	case modeDetail:
		return []key.Binding{k.Back, k.Up, k.Down, k.Top, k.Bottom, k.Quit}
	}
	if !m.tab.inboxes() {
		return []key.Binding{k.Help, k.NextTab, k.Up, k.Open, k.Refresh, k.Quit}
	}
	if m.focus == focusRecipients {
		return []key.Binding{k.Help, k.NextTab, k.Fold, k.Find, k.Right, k.Compose, k.MarkAll, k.Quit}
	}
	return []key.Binding{k.Help, k.Open, k.Search, k.MarkRead, k.MarkAll, k.CopyID, k.Compose, k.Left, k.Quit}
}

func (m *Model) footer(w int) string {
	switch m.mode {
	case modeFilter:
		return fitStyled(m.filter.View(), w)
	case modeConfirmReset:
		return fitStyled(m.st.Warn("Reset the sandbox to its fixtures? Every message and request goes. y/N"), w)
	case modeConfirmQuit:
		return fitStyled(m.st.Warn(m.opts.ConfirmQuit+" y/N"), w)
	case modeCompose:
		return fitStyled(m.st.Dim("tab next field · enter send · esc cancel"), w)
	}
	if m.status != "" {
		if m.statusErr {
			return fitStyled(m.st.Bad("! "+m.status), w)
		}
		return fitStyled(m.st.OK(m.status), w)
	}
	var hints []string
	for _, b := range m.hints() {
		hints = append(hints, b.Help().Key+" "+b.Help().Desc)
	}
	return fitStyled(m.st.Dim(strings.Join(hints, " · ")), w)
}

// fitStyled cuts a styled line to w cells and pads it.
func fitStyled(s string, w int) string {
	return padLines([]string{s}, w, 1)[0]
}

func (m *Model) helpLines(w int) []string {
	out := []string{m.st.Header(fit("Keys", w)), ""}
	cols := m.keys.FullHelp()
	// Two columns keep every key on an 80×24 screen.
	left := cols[0]
	right := append(append([]key.Binding{}, cols[1]...), cols[2]...)
	colW := w / 2
	for i := 0; i < max(len(left), len(right)); i++ {
		cell := func(list []key.Binding) string {
			if i >= len(list) {
				return strings.Repeat(" ", colW)
			}
			h := list[i].Help()
			return "  " + m.st.Key(fit(h.Key, 10)) + " " + fit(h.Desc, colW-13)
		}
		out = append(out, cell(left)+cell(right))
	}
	out = append(out, "", m.st.Dim(cut(fmt.Sprintf("search: to: status: channel: vendor: and text · any key closes this · server %s", m.c.URL()), w)))
	if m.opts.LogFile != "" {
		// In place of the blank lines, so an 80×24 screen still holds it.
		out = append(out[:1], out[2:]...)
		out[len(out)-1] = m.st.Dim(cut("logs: "+m.opts.LogFile, w))
		out = append(out, m.st.Dim(cut(fmt.Sprintf("search: to: status: channel: vendor: and text · any key closes this · server %s", m.c.URL()), w)))
	}
	return out
}
