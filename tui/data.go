package tui

import (
	"context"
	"encoding/json"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/notifysim/notifysim/simulator/client"
)

// callTimeout bounds every admin call so a hung sandbox shows an error instead of a frozen pane.
const callTimeout = 10 * time.Second

// pageSize is how many messages or requests one page loads: a screenful many times over, never
// everything.
const pageSize = 200

type (
	summaryMsg struct {
		health client.Health
		clock  client.Clock
		at     time.Time // wall time the clock was read, to let a running clock tick locally
		err    error
	}
	groupsMsg struct {
		groups []client.Group
		err    error
	}
	inboxMsg struct {
		gen  int
		more bool // a next page, appended
		page client.MessageList
		err  error
	}
	// inboxTotalMsg is the server's count of the inbox's matches, refreshed after live events.
	inboxTotalMsg struct {
		gen   int
		total int
		err   error
	}
	markedAllMsg struct {
		title  string
		marked int
		err    error
	}
	openedMsg struct {
		msg client.Message
		err error
	}
	markedMsg struct {
		msg client.Message
		err error
	}
	requestsMsg struct {
		more bool
		list client.RequestList
		err  error
	}
	jobsMsg struct {
		jobs []client.Job
		err  error
	}
	callbacksMsg struct {
		list []client.Callback
		err  error
	}
	troubleMsg struct {
		list []client.TroubleshootEntry
		err  error
	}
	// eventsMsg is a batch of events taken off the stream at once: Update applies them all and
	// the screen is drawn once for the lot.
	eventsMsg  struct{ evs []client.Event }
	streamDone struct{}
	tickMsg    time.Time
	refreshMsg struct{}
	reloadMsg  struct{}
	// doneMsg is the outcome of an action (reset, clock, compose): a line for the footer.
	doneMsg struct {
		text   string
		err    error
		reload bool
	}
)

func call[T any](fn func(context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	return fn(ctx)
}

func loadSummary(c *client.Client, now func() time.Time) tea.Cmd {
	return func() tea.Msg {
		h, err := call(c.Health)
		if err != nil {
			return summaryMsg{err: err}
		}
		k, err := call(c.Clock)
		return summaryMsg{health: h, clock: k, at: now(), err: err}
	}
}

func loadGroups(c *client.Client) tea.Cmd {
	return func() tea.Msg {
		g, err := call(func(ctx context.Context) ([]client.Group, error) { return c.Groups(ctx, "", "") })
		return groupsMsg{groups: g, err: err}
	}
}

func loadInbox(c *client.Client, gen int, f client.MessageFilter, more bool) tea.Cmd {
	return func() tea.Msg {
		f.Limit = pageSize
		p, err := call(func(ctx context.Context) (client.MessageList, error) { return c.Messages(ctx, f) })
		return inboxMsg{gen: gen, more: more, page: p, err: err}
	}
}

// loadInboxTotal reads the inbox's count with a one-message page: the total is what the
// server holds, whatever the window shows.
func loadInboxTotal(c *client.Client, gen int, f client.MessageFilter) tea.Cmd {
	return func() tea.Msg {
		f.Limit, f.Cursor, f.Before = 1, "", 0
		p, err := call(func(ctx context.Context) (client.MessageList, error) { return c.Messages(ctx, f) })
		return inboxTotalMsg{gen: gen, total: p.Total, err: err}
	}
}

func markAllRead(c *client.Client, title string, f client.MessageFilter) tea.Cmd {
	return func() tea.Msg {
		n, err := call(func(ctx context.Context) (int, error) { return c.MarkRead(ctx, f) })
		return markedAllMsg{title: title, marked: n, err: err}
	}
}

func openMessage(c *client.Client, id string) tea.Cmd {
	return func() tea.Msg {
		m, err := call(func(ctx context.Context) (client.Message, error) { return c.Message(ctx, id) })
		return openedMsg{msg: m, err: err}
	}
}

// markRead reads the message once: the admin API marks a message seen when it is fetched.
func markRead(c *client.Client, id string) tea.Cmd {
	return func() tea.Msg {
		m, err := call(func(ctx context.Context) (client.Message, error) { return c.Message(ctx, id) })
		return markedMsg{msg: m, err: err}
	}
}

func loadRequests(c *client.Client, cursor string) tea.Cmd {
	return func() tea.Msg {
		l, err := call(func(ctx context.Context) (client.RequestList, error) {
			return c.Requests(ctx, client.RequestFilter{Limit: pageSize, Cursor: cursor})
		})
		return requestsMsg{more: cursor != "", list: l, err: err}
	}
}

func loadJobs(c *client.Client) tea.Cmd {
	return func() tea.Msg {
		raw, err := call(func(ctx context.Context) (json.RawMessage, error) { return c.State(ctx, "kore") })
		if err != nil {
			return jobsMsg{err: err}
		}
		var st struct {
			Jobs []client.Job `json:"jobs"`
		}
		err = json.Unmarshal(raw, &st)
		return jobsMsg{jobs: st.Jobs, err: err}
	}
}

func loadCallbacks(c *client.Client) tea.Cmd {
	return func() tea.Msg {
		l, err := call(func(ctx context.Context) ([]client.Callback, error) { return c.Callbacks(ctx, "") })
		return callbacksMsg{list: l, err: err}
	}
}

func loadTroubleshoot(c *client.Client) tea.Cmd {
	return func() tea.Msg {
		l, err := call(func(ctx context.Context) ([]client.TroubleshootEntry, error) {
			return c.Troubleshoot(ctx, "", "", pageSize)
		})
		return troubleMsg{list: l, err: err}
	}
}

// batchWindow is the least time between two batches of events: under load the screen is
// redrawn at most this often, and a quiet stream's event shows at once.
const batchWindow = 50 * time.Millisecond

// maxBatch bounds one batch, so a stream that never pauses still reaches the screen.
const maxBatch = 4096

// waitEvents blocks on the event channel for the next event, then takes what follows it until
// batchWindow has passed since the last batch (at once if that was long ago, draining only what
// is queued), and returns them as one message. The program runs it again after every batch.
func waitEvents(ch <-chan client.Event, last time.Time) tea.Cmd {
	return func() tea.Msg {
		e, ok := <-ch
		if !ok {
			return streamDone{}
		}
		evs := []client.Event{e}
		wait := time.NewTimer(max(time.Until(last.Add(batchWindow)), 0))
		defer wait.Stop()
		for len(evs) < maxBatch {
			select {
			case e, ok := <-ch:
				if !ok {
					return eventsMsg{evs: evs}
				}
				evs = append(evs, e)
				continue
			default:
			}
			select {
			case e, ok := <-ch:
				if !ok {
					return eventsMsg{evs: evs}
				}
				evs = append(evs, e)
			case <-wait.C:
				return eventsMsg{evs: evs}
			}
		}
		return eventsMsg{evs: evs}
	}
}

func tick() tea.Cmd { return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) }) }

// refreshAfter debounces count updates: a burst of deliveries costs one reload of the counts.
func refreshAfter(d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return refreshMsg{} })
}

// reloadAfter coalesces reloads: the gaps of one burst cost one reload.
func reloadAfter(d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return reloadMsg{} })
}

func action(c *client.Client, what string, fn func(context.Context, *client.Client) error) tea.Cmd {
	return func() tea.Msg {
		_, err := call(func(ctx context.Context) (struct{}, error) { return struct{}{}, fn(ctx, c) })
		return doneMsg{text: what, err: err, reload: true}
	}
}
