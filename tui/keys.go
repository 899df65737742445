package tui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/notifysim/notifysim/simulator/client"
)

// searchMsg applies the search typed so far, once typing pauses.
type searchMsg struct{ seq int }

// searchDelay is how long typing must pause before the inbox is asked again: a search per
// keystroke would page the server for every letter.
const searchDelay = 150 * time.Millisecond

func (m *Model) key(k tea.KeyPressMsg) tea.Cmd {
	m.status = ""
	switch m.mode {
	case modeFilter:
		return m.keyPrompt(k)
	case modeConfirmReset:
		m.mode = modeMain
		if k.String() == "y" || k.String() == "Y" {
			return action(m.c, "sandbox reset to its fixtures", func(ctx context.Context, c *client.Client) error {
				_, err := c.Reset(ctx)
				return err
			})
		}
		m.setStatus("reset cancelled", false)
		return nil
	case modeConfirmQuit:
		// A second ctrl+c is as good as a yes: it is how people leave a program that asks.
		if s := k.String(); s == "y" || s == "Y" || s == "ctrl+c" {
			m.Close()
			return tea.Quit
		}
		m.mode = modeMain
		m.setStatus("still running", false)
		return nil
	case modeCompose:
		if k.String() == "esc" {
			m.mode = modeMain
			return nil
		}
		cmd := m.compose.update(k)
		if m.compose.sending {
			return m.sendCompose()
		}
		return cmd
	case modeHelp:
		m.mode = modeMain
		return nil
	}

	switch {
	case key.Matches(k, m.keys.Quit):
		if m.opts.ConfirmQuit != "" {
			m.mode = modeConfirmQuit
			return nil
		}
		m.Close()
		return tea.Quit
	case key.Matches(k, m.keys.Help):
		m.mode = modeHelp
		return nil
	case key.Matches(k, m.keys.NextTab):
		return m.setTab(m.tab + 1)
	case key.Matches(k, m.keys.PrevTab):
		return m.setTab(m.tab - 1)
	case key.Matches(k, m.keys.Refresh):
		m.setStatus("reloaded from the sandbox", false)
		return m.reload()
	case key.Matches(k, m.keys.Reset):
		m.mode = modeConfirmReset
		return nil
	case key.Matches(k, m.keys.Freeze):
		if m.clock.Frozen {
			return action(m.c, "clock resumed", func(ctx context.Context, c *client.Client) error {
				_, err := c.ResumeClock(ctx)
				return err
			})
		}
		return action(m.c, "clock frozen", func(ctx context.Context, c *client.Client) error {
			_, err := c.FreezeClock(ctx)
			return err
		})
	case key.Matches(k, m.keys.Advance):
		return action(m.c, "clock advanced by 1m", func(ctx context.Context, c *client.Client) error {
			_, err := c.AdvanceClock(ctx, time.Minute)
			return err
		})
	}

	switch m.mode {
	case modeMessage, modeDetail:
		return m.keyReader(k)
	}
	if !m.tab.inboxes() {
		return m.keyList(k)
	}
	return m.keyInbox(k)
}

// keyPrompt edits the `/` line. The search runs as you type (debounced), the recipients
// filter at once (it is local); enter keeps what is typed, esc puts back what was there.
func (m *Model) keyPrompt(k tea.KeyPressMsg) tea.Cmd {
	switch k.String() {
	case "enter":
		m.mode = modeMain
		if m.prompt == promptFind {
			return nil
		}
		m.searchSeq++ // a debounced search still on its way is this one
		m.focus = focusInbox
		return m.search(m.filter.Value())
	case "esc":
		m.mode = modeMain
		if m.prompt == promptFind {
			m.rec.setFind("")
			return m.selectRow()
		}
		m.searchSeq++
		return m.search(m.inbox.queryBefore)
	}
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(k)
	return tea.Batch(cmd, m.typed())
}

// typed reacts to the prompt's text changing.
func (m *Model) typed() tea.Cmd {
	if m.prompt == promptFind {
		m.rec.setFind(m.filter.Value())
		return m.selectRow()
	}
	m.searchSeq++
	seq := m.searchSeq
	if !m.timers {
		return func() tea.Msg { return searchMsg{seq: seq} }
	}
	return tea.Tick(searchDelay, func(time.Time) tea.Msg { return searchMsg{seq: seq} })
}

// search shows the inbox's matches of s, from the first page.
func (m *Model) search(s string) tea.Cmd {
	q := parseQuery(s)
	if q.raw == m.inbox.query.raw {
		return nil
	}
	m.inbox.query = q
	m.inbox.cursor, m.inbox.offset = 0, 0
	return m.reloadInbox()
}

// openPrompt starts the `/` line for the search or the recipients filter.
func (m *Model) openPrompt(p prompt) tea.Cmd {
	m.mode, m.prompt = modeFilter, p
	if p == promptFind {
		m.filter.Prompt = "find recipient: "
		m.filter.Placeholder = "a name, login, phone number or email"
		m.filter.SetValue(m.rec.find)
	} else {
		m.filter.Prompt = "search: "
		m.filter.Placeholder = "text, or " + strings.Join(searchPrefixes, " ") + " terms, e.g. to:ruth status:failed"
		m.filter.SetValue(m.inbox.query.raw)
		m.inbox.queryBefore = m.inbox.query.raw
	}
	m.filter.SetWidth(max(m.width-len(m.filter.Prompt)-1, 1))
	m.filter.CursorEnd()
	return m.filter.Focus()
}

// keyReader scrolls an opened message or list entry.
func (m *Model) keyReader(k tea.KeyPressMsg) tea.Cmd {
	off := &m.detailOff
	if m.mode == modeMessage {
		off = &m.message.scroll
	}
	switch {
	case key.Matches(k, m.keys.Back), key.Matches(k, m.keys.Left):
		m.mode = modeMain
	case key.Matches(k, m.keys.Up):
		*off = max(*off-1, 0)
	case key.Matches(k, m.keys.Down):
		*off++
	case key.Matches(k, m.keys.PageUp):
		*off = max(*off-m.bodyHeight(), 0)
	case key.Matches(k, m.keys.PageDown):
		*off += m.bodyHeight()
	case key.Matches(k, m.keys.Top):
		*off = 0
	case key.Matches(k, m.keys.Bottom):
		*off = 1 << 30 // the view clamps it to the last screenful
	case m.mode != modeMessage:
	case key.Matches(k, m.keys.Raw):
		m.message.raw = !m.message.raw
		m.message.scroll = 0
	case key.Matches(k, m.keys.Compose):
		return m.startCompose()
	default:
		return m.export(k, m.message.msg)
	}
	return nil
}

func (m *Model) keyList(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.keys.Up):
		m.lists.move(m.tab, -1)
	case key.Matches(k, m.keys.Down):
		m.lists.move(m.tab, 1)
	case key.Matches(k, m.keys.PageUp):
		m.lists.move(m.tab, -m.bodyHeight())
	case key.Matches(k, m.keys.PageDown):
		m.lists.move(m.tab, m.bodyHeight())
	case key.Matches(k, m.keys.Top):
		m.lists.cursor[m.tab] = 0
	case key.Matches(k, m.keys.Bottom):
		m.lists.move(m.tab, m.lists.count(m.tab))
	case key.Matches(k, m.keys.Open):
		return m.openEntry()
	}
	return m.moreRequests()
}

// moreRequests pages the journal on when the cursor nears the end of what is loaded.
func (m *Model) moreRequests() tea.Cmd {
	if m.tab == tabRequests && !m.lists.reqMore && m.lists.reqNext != "" && m.lists.cursor[m.tab] >= len(m.lists.requests)-20 {
		m.lists.reqMore = true
		return loadRequests(m.c, m.lists.reqNext)
	}
	return nil
}

func (m *Model) openEntry() tea.Cmd {
	t, lines := m.lists.detail(m.tab)
	if t == "" {
		return nil
	}
	m.detailTtl, m.detail, m.detailOff, m.mode = t, lines, 0, modeDetail
	m.detailJob = ""
	if m.tab == tabJobs {
		j := m.lists.jobs[m.lists.cursor[tabJobs]]
		m.detailJob = j.ID
		return loadJobDetail(m.c, j)
	}
	return nil
}

func (m *Model) keyInbox(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.keys.Search) && m.focus == focusInbox:
		return m.openPrompt(promptSearch)
	case key.Matches(k, m.keys.Find):
		return m.openPrompt(promptFind)
	case key.Matches(k, m.keys.Back):
		switch {
		case m.focus == focusInbox:
			m.focus = focusRecipients
		case m.rec.find != "":
			m.rec.setFind("")
			return m.selectRow()
		case !m.inbox.query.empty():
			return m.search("")
		}
		return nil
	case key.Matches(k, m.keys.Left):
		m.focus = focusRecipients
		return nil
	case key.Matches(k, m.keys.Right):
		m.focus = focusInbox
		return nil
	case key.Matches(k, m.keys.Compose):
		return m.startCompose()
	case key.Matches(k, m.keys.MarkAll):
		f, ok := m.inbox.filter()
		if !ok {
			return nil
		}
		return markAllRead(m.c, m.inbox.title, f)
	}
	if m.focus == focusRecipients {
		switch {
		case key.Matches(k, m.keys.Up):
			m.rec.move(-1)
		case key.Matches(k, m.keys.Down):
			m.rec.move(1)
		case key.Matches(k, m.keys.PageUp):
			m.rec.move(-m.bodyHeight())
		case key.Matches(k, m.keys.PageDown):
			m.rec.move(m.bodyHeight())
		case key.Matches(k, m.keys.Top):
			m.rec.cursor = 0
		case key.Matches(k, m.keys.Bottom):
			m.rec.move(len(m.rec.rows))
		case key.Matches(k, m.keys.Fold):
			m.rec.toggle()
		case key.Matches(k, m.keys.Open):
			m.focus = focusInbox
		default:
			return nil
		}
		return m.selectRow()
	}
	switch {
	case key.Matches(k, m.keys.Up):
		if m.inbox.cursor == 0 && m.inbox.stale {
			return m.toTop()
		}
		m.inbox.move(-1)
	case key.Matches(k, m.keys.Down):
		m.inbox.move(1)
	case key.Matches(k, m.keys.PageUp):
		m.inbox.move(-m.bodyHeight())
	case key.Matches(k, m.keys.PageDown):
		m.inbox.move(m.bodyHeight())
	case key.Matches(k, m.keys.Top):
		return m.toTop()
	case key.Matches(k, m.keys.Bottom):
		m.inbox.move(m.inbox.win.len())
	case key.Matches(k, m.keys.Open):
		return m.openMessage()
	case key.Matches(k, m.keys.MarkRead):
		if msg, ok := m.inbox.selected(); ok {
			return markRead(m.c, msg.ID)
		}
	default:
		if msg, ok := m.inbox.selected(); ok {
			return m.export(k, msg)
		}
	}
	if m.inbox.needMore() {
		return m.moreInbox()
	}
	return nil
}

func (m *Model) openMessage() tea.Cmd {
	msg, ok := m.inbox.selected()
	if !ok {
		return nil
	}
	m.message = messageView{msg: msg, tenantName: m.tenantName(msg.Vendor, msg.Tenant)}
	m.mode = modeMessage
	return openMessage(m.c, msg.ID)
}
