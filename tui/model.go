// Package tui is notifysim's terminal UI: live inboxes of every user, role and channel of a
// running sandbox, over its admin API and event stream only (simulator/client).
package tui

import (
	"context"
	"encoding/json"
	"strings"
	"time"

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
	modeConfirmQuit
	modeCompose
)

type focus int

const (
	focusRecipients focus = iota
	focusInbox
)

// prompt is what the `/` line edits: the inbox search, or the recipients pane's filter.
type prompt int

const (
	promptSearch prompt = iota
	promptFind
)

// Options configure the TUI.
type Options struct {
	// Color draws in colour; false draws plain text (NO_COLOR, golden files).
	Color bool
	// Now is the wall clock (default time.Now); tests fix it.
	Now func() time.Time
	// NoEvents leaves the event stream closed: the screen changes only on reloads (tests).
	NoEvents bool
	// ConfirmQuit, when not empty, is the question q asks before quitting (serve --tui: quitting
	// stops the sandbox).
	ConfirmQuit string
	// SaveDir is where `s` saves payloads (default: the working directory).
	SaveDir string
	// Pager is the command `o` shows a payload with (default: $PAGER, else less).
	Pager string
	// LogFile is where the sandbox behind the TUI logs (serve --tui), for the help screen.
	LogFile string
}

// Model is the root Bubble Tea model: header, tabs, and the panes of the current tab.
type Model struct {
	c    *client.Client
	keys keyMap
	st   styles
	now  func() time.Time
	opts Options

	width, height int

	cancel    context.CancelFunc
	events    <-chan client.Event
	lastBatch time.Time

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
	prompt    prompt
	searchSeq int // the newest search typed; a debounced search older than it is dropped
	compose   compose
	status    string
	statusErr bool
	inboxSel  string
	detailJob string // the job whose detail is open, so its identities can join it
	// composeData is the dataset in force, read when the compose form opens.
	composeData json.RawMessage

	refreshPending bool
	reloadPending  bool
	// timers off leaves out the clock tick and the debounces (tests drive the model by hand).
	timers bool
}

// New returns the TUI over c, sized 80×24 until the terminal says otherwise.
func New(c *client.Client, opts Options) *Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ti := newInput()
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
		cmds = append(cmds, waitEvents(m.events, m.lastBatch))
	}
	return tea.Batch(cmds...)
}

// Close ends the event stream.
func (m *Model) Close() {
	if m.cancel != nil {
		m.cancel()
	}
}

// reload fetches what every pane shows: counts, groups, the inbox's first page and the list
// tabs opened so far.
func (m *Model) reload() tea.Cmd {
	cmds := []tea.Cmd{loadSummary(m.c, m.now), loadGroups(m.c), m.reloadInbox()}
	for t := tabRequests; t < tabCount; t++ {
		if m.lists.loaded[t] || t == m.tab {
			cmds = append(cmds, m.loadList(t))
		}
	}
	return tea.Batch(cmds...)
}

// reloadSoon reloads once a burst of gaps (or resets) is over: one reload for the lot.
func (m *Model) reloadSoon() tea.Cmd {
	if m.reloadPending {
		return nil
	}
	m.reloadPending = true
	if !m.timers {
		return func() tea.Msg { return reloadMsg{} }
	}
	return reloadAfter(100 * time.Millisecond)
}

func (m *Model) reloadInbox() tea.Cmd {
	m.inbox.gen++
	f, ok := m.inbox.filter()
	if !ok { // the search and the selection exclude each other: nothing to ask
		m.inbox.loading = false
		m.inbox.win.reset(nil)
		m.inbox.total, m.inbox.more, m.inbox.stale, m.inbox.newer = 0, false, false, 0
		return nil
	}
	m.inbox.loading = true
	return loadInbox(m.c, m.inbox.gen, f, false)
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
	if r.key == m.inboxSel {
		return nil
	}
	m.inbox = inbox{title: r.title, base: r.filter, query: m.inbox.query, gen: m.inbox.gen}
	m.inboxSel = r.key
	return m.reloadInbox()
}

func (m *Model) setTab(t tab) tea.Cmd {
	m.tab = (t + tabCount) % tabCount
	m.mode = modeMain
	if m.tab.inboxes() {
		m.rec.build(m.groups, tabVendor[m.tab])
		return m.selectRow()
	}
	if !m.lists.loaded[m.tab] || m.lists.stale[m.tab] {
		m.lists.stale[m.tab] = false
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
		m.filter.SetWidth(max(m.width-len(m.filter.Prompt)-1, 1))
		return m, nil
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case tea.MouseWheelMsg:
		return m, m.wheel(msg)
	case tea.MouseClickMsg:
		return m, m.click(msg)
	case tea.PasteMsg:
		if m.mode == modeFilter {
			var cmd tea.Cmd
			m.filter, cmd = m.filter.Update(msg)
			return m, tea.Batch(cmd, m.typed())
		}
		if m.mode == modeCompose {
			return m, m.compose.update(msg)
		}
		return m, nil
	case tickMsg:
		// The clock redraws each second; counts are read again every few, so a request that
		// sent no event (a status lookup, a send that reached nobody) still shows.
		cmd := m.tick()
		if time.Time(msg).Second()%3 == 0 && !m.refreshPending {
			cmd = tea.Batch(cmd, loadSummary(m.c, m.now))
		}
		return m, cmd
	case refreshMsg:
		m.refreshPending = false
		cmds := []tea.Cmd{loadSummary(m.c, m.now), loadGroups(m.c)}
		if f, ok := m.inbox.filter(); ok && m.tab.inboxes() {
			cmds = append(cmds, loadInboxTotal(m.c, m.inbox.gen, f))
		}
		return m, tea.Batch(cmds...)
	case reloadMsg:
		m.reloadPending = false
		return m, m.reload()
	case searchMsg:
		if msg.seq != m.searchSeq {
			return m, nil // typing went on: a later search replaces this one
		}
		return m, m.search(m.filter.Value())
	case eventsMsg:
		cmd := m.applyEvents(msg.evs)
		m.lastBatch = m.now()
		if m.events == nil { // injected by a test: there is no stream to wait on
			return m, cmd
		}
		return m, tea.Batch(cmd, waitEvents(m.events, m.lastBatch))
	case streamDone:
		return m, nil
	}
	cmd := m.loaded(msg)
	if m.mode == modeCompose {
		if c := m.compose.result(msg, m); c != nil {
			return m, tea.Batch(cmd, c)
		}
	}
	switch msg := msg.(type) {
	case doneMsg:
		if msg.err != nil {
			m.setStatus(msg.text+": "+errorText(msg.err), true)
			return m, cmd
		}
		m.setStatus(msg.text, false)
		if msg.reload {
			return m, tea.Batch(cmd, m.reload())
		}
	case openedMsg, markedMsg: // the message is seen now: its groups' unread counts drop
		return m, tea.Batch(cmd, m.refreshSoon())
	case inboxMsg:
		if m.inbox.needMore() && m.inbox.cursor > 0 {
			return m, tea.Batch(cmd, m.moreInbox())
		}
	}
	return m, cmd
}

// loaded stores the answer of an admin call, and asks for what it makes stale.
func (m *Model) loaded(msg tea.Msg) tea.Cmd {
	errText := func(err error) string {
		if err == nil {
			return ""
		}
		return errorText(err)
	}
	switch msg := msg.(type) {
	case summaryMsg:
		if msg.err != nil {
			return nil
		}
		m.health, m.clock, m.clockAt = msg.health, msg.clock, msg.at
		// The journal moved on: the Requests tab shows the same count as the header.
		if m.lists.loaded[tabRequests] && !m.lists.reqMore && msg.health.Requests != m.lists.reqTotal {
			if m.tab == tabRequests {
				m.lists.reqMore = true
				return loadRequests(m.c, "")
			}
			m.lists.stale[tabRequests] = true
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
			return nil // an answer for a selection the user has left
		}
		m.inbox.loading = false
		m.inbox.err = errText(msg.err)
		if msg.err != nil {
			return nil
		}
		if msg.more {
			m.inbox.loadOlder(msg.page)
			return nil
		}
		sel, had := m.inbox.selected()
		m.inbox.load(msg.page)
		if had && m.inbox.cursor > 0 {
			if i, ok := m.inbox.win.find(sel.ID); ok {
				m.inbox.cursor = i // a reload keeps the reader on the message they were on
			}
		}
	case inboxTotalMsg:
		if msg.gen == m.inbox.gen && msg.err == nil {
			m.inbox.total = msg.total
		}
	case openedMsg:
		if msg.err != nil {
			m.setStatus("open: "+errorText(msg.err), true)
			m.mode = modeMain
			return nil
		}
		m.message.msg = msg.msg
		m.inbox.seen(msg.msg)
	case markedMsg:
		if msg.err != nil {
			m.setStatus("mark read: "+errorText(msg.err), true)
			return nil
		}
		m.inbox.seen(msg.msg)
	case markedAllMsg:
		if msg.err != nil {
			m.setStatus("mark all read: "+errorText(msg.err), true)
			return nil
		}
		m.setStatus("marked "+plural(msg.marked, "message")+" read: "+msg.title, false)
		return m.reload()
	case requestsMsg:
		m.lists.loaded[tabRequests] = true
		m.lists.err[tabRequests] = errText(msg.err)
		m.lists.reqMore = false
		if msg.err == nil {
			if msg.more {
				m.lists.requests = append(m.lists.requests, msg.list.Requests...)
			} else {
				m.lists.setRequests(msg.list.Requests)
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
			return nil
		}
		if msg.err != nil {
			m.detail = append(m.detail, "", "per identity: "+errorText(msg.err))
			return nil
		}
		m.detail = append(m.detail, msg.lines...)
	case troubleMsg:
		m.lists.loaded[tabTroubleshoot] = true
		m.lists.err[tabTroubleshoot] = errText(msg.err)
		if msg.err == nil {
			m.lists.trouble = msg.list
		}
	case pagerDoneMsg:
		m.pagerDone(msg)
	case exportedMsg:
		m.setStatus(msg.text, msg.err != nil)
		if msg.err != nil {
			m.setStatus(msg.text+": "+msg.err.Error(), true)
		}
	}
	return nil
}

// applyEvents applies a batch of the stream: every row change at once, then one redraw. A gap
// (events lost on the way) or a reset (a new stream epoch) makes what is shown stale: it is
// reloaded from the admin API, once for the whole batch however many there were.
func (m *Model) applyEvents(evs []client.Event) tea.Cmd {
	var refresh, reload, trouble bool
	for _, e := range evs {
		switch e.Type {
		case client.EventConnected:
			m.conn, m.connErr = "connected", ""
			reload = true // anything may have happened while the stream was down
		case client.EventDisconnected:
			m.conn, m.connErr = "reconnecting…", ""
			if e.Err != nil {
				m.connErr = shortErr(e.Err)
			}
		// message.sent is how a Luminous message arrives (accepted, its delivery receipt to
		// come): it is new to the inbox as much as a delivered one is.
		case client.EventMessageDelivered, client.EventMessageSent, client.EventMessageStatus:
			if msg, err := e.Message(); err == nil {
				m.inbox.apply(msg)
				if m.mode == modeMessage && m.message.msg.ID == msg.ID {
					m.message.msg.Status, m.message.msg.History = msg.Status, msg.History
				}
			}
			refresh = true
		case client.EventJobProgress:
			if j, err := e.Job(); err == nil {
				m.lists.applyJob(j)
			}
		case client.EventCallback:
			if c, err := e.Callback(); err == nil {
				m.lists.applyCallback(c)
			}
		case client.EventRequestRejected:
			refresh = true
			trouble = trouble || e.Vendor == "luma"
		case client.EventStateReset:
			// Seqs start over with the new epoch: nothing of the old window may stay on top.
			m.inbox.win.reset(nil)
			m.inbox.cursor, m.inbox.offset = 0, 0
			reload = true
		case client.EventGap:
			reload = true
		}
	}
	var cmds []tea.Cmd
	switch {
	case reload:
		cmds = append(cmds, m.reloadSoon())
	case refresh:
		cmds = append(cmds, m.refreshSoon())
	}
	if trouble && m.lists.loaded[tabTroubleshoot] && !reload {
		cmds = append(cmds, loadTroubleshoot(m.c))
	}
	return tea.Batch(cmds...)
}

// refreshInterval is how often counts are read again while events keep coming: the header,
// groups and inbox totals are the server's own, at most this far behind.
const refreshInterval = 250 * time.Millisecond

// refreshSoon reloads the counts once per burst of events (and every refreshInterval while it
// lasts).
func (m *Model) refreshSoon() tea.Cmd {
	if m.refreshPending {
		return nil
	}
	m.refreshPending = true
	if !m.timers {
		return func() tea.Msg { return refreshMsg{} }
	}
	return refreshAfter(refreshInterval)
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
	return loadInbox(m.c, m.inbox.gen, m.inbox.olderFilter(), true)
}

// toTop moves the inbox to its newest row; when the window's top is not the newest (the reader
// paged far, or messages came while they read), the first page is loaded again.
func (m *Model) toTop() tea.Cmd {
	m.inbox.cursor = 0
	if m.inbox.stale {
		return m.reloadInbox()
	}
	return nil
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

// tenantName is a tenant's dataset name, when the groups carry one.
func (m *Model) tenantName(vendor, tenant string) string {
	for _, g := range m.groups {
		if g.Vendor == vendor && g.Tenant == tenant {
			return g.TenantName
		}
	}
	return ""
}
