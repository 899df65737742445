package tui

import tea "charm.land/bubbletea/v2"

// bodyTop is the screen line the panes start on: under the header and the tabs.
const bodyTop = 2

// wheelStep is how many rows one notch of the wheel moves.
const wheelStep = 3

// wheel scrolls what is under the pointer: a pane of an inbox tab (the list, not the focus),
// a list tab, an opened message.
func (m *Model) wheel(w tea.MouseWheelMsg) tea.Cmd {
	d := 0
	switch w.Button {
	case tea.MouseWheelUp:
		d = -wheelStep
	case tea.MouseWheelDown:
		d = wheelStep
	default:
		return nil
	}
	switch m.mode {
	case modeMessage:
		m.message.scroll = max(m.message.scroll+d, 0)
		return nil
	case modeDetail:
		m.detailOff = max(m.detailOff+d, 0)
		return nil
	case modeMain:
	default:
		return nil
	}
	if !m.tab.inboxes() {
		m.lists.move(m.tab, d)
		return m.moreRequests()
	}
	left, mid, _ := m.panes(m.width)
	switch {
	case w.X < left:
		m.rec.move(d)
		return m.selectRow()
	case w.X <= left+mid:
		if d < 0 && m.inbox.cursor == 0 && m.inbox.stale {
			return m.toTop()
		}
		m.inbox.move(d)
		if m.inbox.needMore() {
			return m.moreInbox()
		}
	}
	return nil
}

// click selects what is under the pointer: a tab, a recipients row (its fold marker folds it),
// an inbox row (a click on the selected one opens it).
func (m *Model) click(c tea.MouseClickMsg) tea.Cmd {
	if c.Button != tea.MouseLeft {
		return nil
	}
	if c.Y == 1 && (m.mode == modeMain || m.mode == modeMessage || m.mode == modeDetail) {
		x := 0
		for t := tab(0); t < tabCount; t++ {
			n := len([]rune(tabNames[t])) + 2
			if c.X >= x && c.X < x+n {
				return m.setTab(t)
			}
			x += n
		}
		return nil
	}
	if m.mode != modeMain || c.Y < bodyTop {
		return nil
	}
	y := c.Y - bodyTop
	if !m.tab.inboxes() {
		i := m.lists.offset[m.tab] + y - m.lists.rowsTop
		if y < m.lists.rowsTop || i >= m.lists.count(m.tab) {
			return nil
		}
		if i == m.lists.cursor[m.tab] {
			return m.openEntry()
		}
		m.lists.cursor[m.tab] = i
		return nil
	}
	left, mid, _ := m.panes(m.width)
	switch {
	case c.X < left:
		i := m.rec.offset + y - m.rec.rowsTop
		if y < m.rec.rowsTop || i >= len(m.rec.rows) {
			return nil
		}
		m.focus = focusRecipients
		m.rec.cursor = i
		r := m.rec.rows[i]
		// The fold marker sits after the cursor mark and the indent.
		if markX := 1 + 2*r.depth; r.children > 0 && r.kind != recMember && c.X >= markX && c.X <= markX+1 {
			m.rec.toggle()
		}
		return m.selectRow()
	case c.X > left && c.X <= left+mid:
		i := m.inbox.offset + y - m.inbox.rowsTop
		if y < m.inbox.rowsTop || i >= m.inbox.win.len() {
			return nil
		}
		if m.focus == focusInbox && i == m.inbox.cursor {
			return m.openMessage()
		}
		m.focus = focusInbox
		m.inbox.cursor = i
		if m.inbox.needMore() {
			return m.moreInbox()
		}
	}
	return nil
}
