// Package tui is notifysim's terminal UI: live inboxes of every user, role and channel of a
// running sandbox, over its admin API and event stream only (simulator/client).
package tui

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/notifysim/notifysim/simulator/client"
)

type tab int

const (
	tabAll tab = iota
	tabLuma
	tabLuminous
	tabMyKaarma
	tabKore
	tabRequests
	tabJobs
	tabCallbacks
	tabTroubleshoot
	tabCount
)

var tabNames = [tabCount]string{"All", "Luma", "Luminous", "myKaarma", "Kore.ai", "Requests", "Jobs", "Callbacks", "Troubleshoot"}

var tabVendor = [tabCount]string{tabLuma: "luma", tabLuminous: "luminous", tabMyKaarma: "mykaarma", tabKore: "kore"}

func (t tab) inboxes() bool { return t <= tabKore }

type mode int

const (
	modeMain mode = iota
	modeMessage
	modeDetail
	modeHelp
	modeFilter
	modeConfirmReset
	modeCompose
)

type focus int

const (
	focusRecipients focus = iota
	focusInbox
)

// Options configure the TUI.
type Options struct {
	// Color draws in colour; false draws plain text (NO_COLOR, golden files).
	Color bool
	// Now is the wall clock (default time.Now); tests fix it.
	Now func() time.Time
	// NoEvents leaves the event stream closed: the screen changes only on reloads (tests).
	NoEvents bool
}

// Model is the root Bubble Tea model: header, tabs, and the panes of the current tab.
type Model struct {
	c    *client.Client
	keys keyMap
	st   styles
	now  func() time.Time
	opts Options

	width, height int

	cancel context.CancelFunc
	events <-chan client.Event

	conn    string
	connErr string
	health  client.Health
	clock   client.Clock
	clockAt time.Time

	tab   tab
	mode  mode
	focus focus

	groups    []client.Group
	rec       recipients
	inbox     inbox
	message   messageView
	lists     lists
	detailTtl string
	detail    []string
	detailOff int
	filter    textinput.Model
	compose   compose
	status    string
	statusErr bool
	inboxSel  string
	detailJob string // the job whose detail is open, so its identities can join it
	// composeData is the dataset in force, read when the compose form opens.
	composeData json.RawMessage

	refreshPending bool
	// timers off leaves out the clock tick and the debounce (tests drive the model by hand).
	timers bool
}

// New returns the TUI over c, sized 80×24 until the terminal says otherwise.
func New(c *client.Client, opts Options) *Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ti := textinput.New()
	ti.Prompt = "/ "
	ti.Placeholder = "text in the title or body"
	m := &Model{c: c, keys: newKeyMap(), st: newStyles(opts.Color), now: opts.Now, opts: opts,
		width: 80, height: 24, conn: "connecting…", filter: ti, lists: newLists(), focus: focusRecipients, timers: true}
	m.rec.build(nil, "")
	m.inbox.title = "All messages"
	return m
}

// Init loads everything and opens the event stream.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.reload(), m.tick()}
	if !m.opts.NoEvents {
		ctx, cancel := context.WithCancel(context.Background())
		m.cancel = cancel
		m.events = m.c.Events(ctx, client.EventFilter{})
		cmds = append(cmds, waitEvent(m.events))
	}
	return tea.Batch(cmds...)
}

// Close ends the event stream.
func (m *Model) Close() {
	if m.cancel != nil {
		m.cancel()
	}
}

// reload fetches what every pane shows: counts, groups, the inbox's first page and the current
// list tab.
func (m *Model) reload() tea.Cmd {
	cmds := []tea.Cmd{loadSummary(m.c, m.now), loadGroups(m.c), m.reloadInbox()}
	for t := tabRequests; t < tabCount; t++ {
		if m.lists.loaded[t] || t == m.tab {
			cmds = append(cmds, m.loadList(t))
		}
	}
	return tea.Batch(cmds...)
}

func (m *Model) reloadInbox() tea.Cmd {
	m.inbox.gen++
	m.inbox.loading = true
	return loadInbox(m.c, m.inbox.gen, m.inbox.filter(), false)
}

func (m *Model) loadList(t tab) tea.Cmd {
	switch t {
	case tabRequests:
		return loadRequests(m.c, "")
	case tabJobs:
		return loadJobs(m.c)
	case tabCallbacks:
		return loadCallbacks(m.c)
	case tabTroubleshoot:
		return loadTroubleshoot(m.c)
	}
	return nil
}

// selectRow points the inbox at the recipients row under the cursor.
func (m *Model) selectRow() tea.Cmd {
	r := m.rec.selected()
	if r.key == m.inboxKey() {
		return nil
	}
	m.inbox = inbox{title: r.title, base: r.filter, text: m.inbox.text, gen: m.inbox.gen, fresh: m.inbox.fresh}
	m.inboxSel = r.key
	return m.reloadInbox()
}

func (m *Model) inboxKey() string { return m.inboxSel }

func (m *Model) setTab(t tab) tea.Cmd {
	m.tab = (t + tabCount) % tabCount
	m.mode = modeMain
	if m.tab.inboxes() {
		m.rec.build(m.groups, tabVendor[m.tab])
		return m.selectRow()
	}
	if !m.lists.loaded[m.tab] {
		return m.loadList(m.tab)
	}
	return nil
}

func (m *Model) setStatus(s string, isErr bool) {
	m.status, m.statusErr = s, isErr
}

// Update is the whole behaviour: messages in, state out.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = max(msg.Width, 20), max(msg.Height, 8)
		return m, nil
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case tea.PasteMsg:
		if m.mode == modeFilter {
			var cmd tea.Cmd
			m.filter, cmd = m.filter.Update(msg)
			return m, cmd
		}
		if m.mode == modeCompose {
			return m, m.compose.update(msg)
		}
		return m, nil
	case tickMsg:
		return m, m.tick()
	case refreshMsg:
		m.refreshPending = false
		cmds := []tea.Cmd{loadSummary(m.c, m.now), loadGroups(m.c)}
		if m.tab == tabRequests {
			cmds = append(cmds, loadRequests(m.c, ""))
		}
		return m, tea.Batch(cmds...)
	case eventMsg:
		if m.events == nil { // injected by a test: there is no stream to wait on
			return m, m.event(msg.ev)
		}
		return m, tea.Batch(m.event(msg.ev), waitEvent(m.events))
	case streamDone:
		return m, nil
	}
	m.loaded(msg)
	if m.mode == modeCompose {
		if cmd := m.compose.result(msg, m); cmd != nil {
			return m, cmd
		}
	}
	if d, ok := msg.(doneMsg); ok {
		if d.err != nil {
			m.setStatus(d.text+": "+d.err.Error(), true)
			return m, nil
		}
		m.setStatus(d.text, false)
		if d.reload {
			return m, m.reload()
		}
	}
	switch msg.(type) {
	case openedMsg, markedMsg: // the message is seen now: its groups' unread counts drop
		return m, m.refreshSoon()
	}
	if _, ok := msg.(inboxMsg); ok && m.inbox.needMore() && m.inbox.cursor > 0 {
		return m, m.moreInbox()
	}
	return m, nil
}

// loaded stores the answer of an admin call.
func (m *Model) loaded(msg tea.Msg) {
	errText := func(err error) string {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	switch msg := msg.(type) {
	case summaryMsg:
		if msg.err == nil {
			m.health, m.clock, m.clockAt = msg.health, msg.clock, msg.at
		}
	case groupsMsg:
		if msg.err == nil {
			m.groups = msg.groups
			if m.tab.inboxes() {
				m.rec.build(m.groups, tabVendor[m.tab])
			}
		}
	case inboxMsg:
		if msg.gen != m.inbox.gen {
			return // an answer for a selection the user has left
		}
		m.inbox.loading = false
		m.inbox.err = errText(msg.err)
		if msg.err != nil {
			return
		}
		if msg.more {
			seen := map[string]bool{}
			for _, x := range m.inbox.msgs {
				seen[x.ID] = true
			}
			for _, x := range msg.page.Messages {
				if !seen[x.ID] {
					m.inbox.msgs = append(m.inbox.msgs, x)
				}
			}
		} else {
			m.inbox.msgs = msg.page.Messages
			m.inbox.cursor = clamp(m.inbox.cursor, 0, max(len(m.inbox.msgs)-1, 0))
		}
		m.inbox.total, m.inbox.next = msg.page.Total, msg.page.NextCursor
	case openedMsg:
		if msg.err != nil {
			m.setStatus("open: "+msg.err.Error(), true)
			m.mode = modeMain
			return
		}
		m.message.msg = msg.msg
		m.inbox.apply(msg.msg)
		delete(m.inbox.fresh, msg.msg.ID)
	case markedMsg:
		if msg.err != nil {
			m.setStatus("mark read: "+msg.err.Error(), true)
			return
		}
		m.inbox.apply(msg.msg)
		delete(m.inbox.fresh, msg.msg.ID)
	case requestsMsg:
		m.lists.loaded[tabRequests] = true
		m.lists.err[tabRequests] = errText(msg.err)
		m.lists.reqMore = false
		if msg.err == nil {
			if msg.more {
				m.lists.requests = append(m.lists.requests, msg.list.Requests...)
			} else {
				m.lists.requests = msg.list.Requests
			}
			m.lists.reqTotal, m.lists.reqNext = msg.list.Total, msg.list.NextCursor
		}
	case jobsMsg:
		m.lists.loaded[tabJobs] = true
		m.lists.err[tabJobs] = errText(msg.err)
		if msg.err == nil {
			m.lists.jobs = msg.jobs
		}
	case callbacksMsg:
		m.lists.loaded[tabCallbacks] = true
		m.lists.err[tabCallbacks] = errText(msg.err)
		if msg.err == nil {
			m.lists.callbacks = msg.list
		}
	case jobDetailMsg:
		if m.mode != modeDetail || m.detailJob != msg.id {
			return
		}
		if msg.err != nil {
			m.detail = append(m.detail, "", "per identity: "+msg.err.Error())
			return
		}
		m.detail = append(m.detail, msg.lines...)
	case troubleMsg:
		m.lists.loaded[tabTroubleshoot] = true
		m.lists.err[tabTroubleshoot] = errText(msg.err)
		if msg.err == nil {
			m.lists.trouble = msg.list
		}
	}
}

// event applies one event of the stream.
func (m *Model) event(e client.Event) tea.Cmd {
	switch e.Type {
	case client.EventConnected:
		m.conn, m.connErr = "connected", ""
		return m.reload() // anything may have happened while the stream was down
	case client.EventDisconnected:
		m.conn = "reconnecting…"
		m.connErr = ""
		if e.Err != nil {
			m.connErr = shortErr(e.Err)
		}
		return nil
	// message.sent is how a Luminous message arrives (accepted, its delivery receipt to come): it
	// is new to the inbox as much as a delivered one is.
	case client.EventMessageDelivered, client.EventMessageSent, client.EventMessageStatus:
		if msg, err := e.Message(); err == nil {
			m.inbox.apply(msg)
			if m.mode == modeMessage && m.message.msg.ID == msg.ID {
				m.message.msg = msg
			}
		}
		return m.refreshSoon()
	case client.EventJobProgress:
		if j, err := e.Job(); err == nil {
			m.lists.applyJob(j)
		}
		return nil
	case client.EventCallback:
		if c, err := e.Callback(); err == nil {
			m.lists.applyCallback(c)
		}
		return nil
	case client.EventRequestRejected:
		if m.lists.loaded[tabTroubleshoot] && e.Vendor == "luma" {
			return tea.Batch(m.refreshSoon(), loadTroubleshoot(m.c))
		}
		return m.refreshSoon()
	case client.EventStateReset:
		m.inbox.fresh = nil
		return m.reload()
	}
	return nil
}

// refreshSoon reloads the counts once a burst of events is over.
func (m *Model) refreshSoon() tea.Cmd {
	if m.refreshPending {
		return nil
	}
	m.refreshPending = true
	if !m.timers {
		return func() tea.Msg { return refreshMsg{} }
	}
	return refreshAfter(150 * time.Millisecond)
}

// shortErr keeps a connection error to what a header has room for.
func shortErr(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && strings.Contains(s, "dial") {
		s = s[i+2:]
	}
	return s
}

func (m *Model) moreInbox() tea.Cmd {
	m.inbox.loading = true
	f := m.inbox.filter()
	f.Cursor = m.inbox.next
	return loadInbox(m.c, m.inbox.gen, f, true)
}

func (m *Model) key(k tea.KeyPressMsg) tea.Cmd {
	m.status = ""
	switch m.mode {
	case modeFilter:
		switch k.String() {
		case "enter":
			m.mode = modeMain
			m.inbox.text = strings.TrimSpace(m.filter.Value())
			m.inbox.cursor = 0
			return m.reloadInbox()
		case "esc":
			m.mode = modeMain
			m.filter.SetValue(m.inbox.text)
			return nil
		}
		var cmd tea.Cmd
		m.filter, cmd = m.filter.Update(k)
		return cmd
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
		m.Close()
		return tea.Quit
	case key.Matches(k, m.keys.Help):
		m.mode = modeHelp
		return nil
	case key.Matches(k, m.keys.NextTab):
		return m.setTab(m.tab + 1)
	case key.Matches(k, m.keys.PrevTab):
		return m.setTab(m.tab - 1)
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
	case key.Matches(k, m.keys.Raw) && m.mode == modeMessage:
		m.message.raw = !m.message.raw
		m.message.scroll = 0
	case key.Matches(k, m.keys.Compose) && m.mode == modeMessage:
		return m.startCompose()
	}
	return nil
}

func (m *Model) keyList(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.keys.Up):
		m.lists.move(m.tab, -1)
	case key.Matches(k, m.keys.Down):
		m.lists.move(m.tab, 1)
		if m.tab == tabRequests && !m.lists.reqMore && m.lists.reqNext != "" && m.lists.cursor[m.tab] >= len(m.lists.requests)-20 {
			m.lists.reqMore = true
			return loadRequests(m.c, m.lists.reqNext)
		}
	case key.Matches(k, m.keys.PageUp):
		m.lists.move(m.tab, -m.bodyHeight())
	case key.Matches(k, m.keys.PageDown):
		m.lists.move(m.tab, m.bodyHeight())
	case key.Matches(k, m.keys.Open):
		if t, lines := m.lists.detail(m.tab); t != "" {
			m.detailTtl, m.detail, m.detailOff, m.mode = t, lines, 0, modeDetail
			if m.tab == tabJobs {
				j := m.lists.jobs[m.lists.cursor[tabJobs]]
				m.detailJob = j.ID
				return loadJobDetail(m.c, j)
			}
			m.detailJob = ""
		}
	}
	return nil
}

func (m *Model) keyInbox(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.keys.Filter):
		m.mode = modeFilter
		m.filter.SetValue(m.inbox.text)
		return m.filter.Focus()
	case key.Matches(k, m.keys.Back):
		if m.focus == focusInbox {
			m.focus = focusRecipients
		} else if m.inbox.text != "" {
			m.inbox.text = ""
			return m.reloadInbox()
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
	}
	if m.focus == focusRecipients {
		switch {
		case key.Matches(k, m.keys.Up):
			m.rec.move(-1)
			return m.selectRow()
		case key.Matches(k, m.keys.Down):
			m.rec.move(1)
			return m.selectRow()
		case key.Matches(k, m.keys.PageUp):
			m.rec.move(-m.bodyHeight())
			return m.selectRow()
		case key.Matches(k, m.keys.PageDown):
			m.rec.move(m.bodyHeight())
			return m.selectRow()
		case key.Matches(k, m.keys.Open):
			m.focus = focusInbox
			return m.selectRow()
		}
		return nil
	}
	var more tea.Cmd
	switch {
	case key.Matches(k, m.keys.Up):
		m.inbox.move(-1)
	case key.Matches(k, m.keys.Down):
		m.inbox.move(1)
	case key.Matches(k, m.keys.PageUp):
		m.inbox.move(-m.bodyHeight())
	case key.Matches(k, m.keys.PageDown):
		m.inbox.move(m.bodyHeight())
	case key.Matches(k, m.keys.Open):
		if msg, ok := m.inbox.selected(); ok {
			m.message = messageView{msg: msg}
			m.mode = modeMessage
			return openMessage(m.c, msg.ID)
		}
	case key.Matches(k, m.keys.MarkRead):
		if msg, ok := m.inbox.selected(); ok {
			return markRead(m.c, msg.ID)
		}
	}
	if m.inbox.needMore() {
		more = m.moreInbox()
	}
	return more
}

func (m *Model) tick() tea.Cmd {
	if !m.timers {
		return nil
	}
	return tick()
}

func (m *Model) bodyHeight() int { return max(m.height-3, 1) }

func (m *Model) clockNow() time.Time {
	if m.clock.Frozen || m.clockAt.IsZero() {
		return m.clock.Now
	}
	return m.clock.Now.Add(m.now().Sub(m.clockAt))
}

// View draws the screen: header, tabs, the current pane, the footer.
func (m *Model) View() tea.View {
	v := tea.NewView(m.Render())
	v.AltScreen = true
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
	left := min(clamp(w*3/10, 22, 40), w/2)
	right := w - left - 1
	lp := padLines(m.rec.view(m.st, left, h, m.focus == focusRecipients), left, h)
	rp := padLines(m.inbox.view(m.st, right, h, m.focus == focusInbox, m.tab == tabAll), right, h)
	out := make([]string, h)
	for i := range h {
		out[i] = lp[i] + m.st.Dim("│") + rp[i]
	}
	return out
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

func (m *Model) footer(w int) string {
	switch m.mode {
	case modeFilter:
		return fitStyled(m.filter.View(), w)
	case modeConfirmReset:
		return fitStyled(m.st.Warn("Reset the sandbox to its fixtures? Every message and request goes. y/N"), w)
	}
	if m.status != "" {
		if m.statusErr {
			return fitStyled(m.st.Bad("! "+m.status), w)
		}
		return fitStyled(m.st.OK(m.status), w)
	}
	var hints []string
	switch m.mode {
	case modeMessage:
		hints = []string{"esc back", "p raw payload", "↑/↓ scroll", "n compose", "q quit"}
	case modeDetail:
		hints = []string{"esc back", "↑/↓ scroll", "q quit"}
	case modeCompose:
		hints = []string{"tab next field", "enter send", "esc cancel"}
	default:
		for _, b := range m.keys.ShortHelp() {
			hints = append(hints, b.Help().Key+" "+b.Help().Desc)
		}
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
	out = append(out, "", m.st.Dim(cut(fmt.Sprintf("any key closes this help · server %s", m.c.URL()), w)))
	return out
}
