package tui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/notifysim/notifysim/simulator"
	"github.com/notifysim/notifysim/simulator/client"
)

// collect runs cmd and the batches it returns, without Update, and returns the messages.
func collect(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, collect(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

func events(evs ...client.Event) tea.Cmd {
	return func() tea.Msg { return eventsMsg{evs: evs} }
}

func lumaSend(t *testing.T, sim *simulator.Simulator, contacts, text string) {
	t.Helper()
	send(t, sim, "/vsa/public/notifylumauser/message", `{"recipients":{"contacts":"`+contacts+`"},"message":"`+text+`"}`,
		"Authorization", "Bearer luma-demo-token")
}

// status posts a Luma request that may be refused and returns the status.
func status(h http.Handler, path, body string) int {
	req := httptest.NewRequest(http.MethodPost, client.DefaultURL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer luma-demo-token")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func header(m *Model) string { line, _, _ := strings.Cut(m.Render(), "\n"); return line }

// Defect 1: a gap (live or replayed) and a reset reload counts, the page and groups, once per
// batch however many there are.
func TestGapReloadsWhatIsShown(t *testing.T) {
	for _, ev := range []client.Event{
		{Type: client.EventGap, Data: json.RawMessage(`{"first":2,"last":900,"missed":899}`)},
		{Type: client.EventGap, Data: json.RawMessage(`{"first":1,"last":40}`)}, // replayed: the history lost them
		{Type: client.EventStateReset, Data: json.RawMessage(`{}`)},
	} {
		t.Run(ev.Type+string(ev.Data), func(t *testing.T) {
			sim, c := sandbox(t)
			m := newTestModel(t, c, 120, 40)
			// Events the stream lost: the model never hears of these messages.
			for i := range 3 {
				lumaSend(t, sim, "sam.phyll", fmt.Sprintf("lost %d", i))
			}
			if m.inbox.total != 0 || m.health.Messages != 0 {
				t.Fatalf("before the gap the model already shows %d/%d", m.inbox.total, m.health.Messages)
			}
			msgs := collect(events(ev, ev, ev))
			reloads := 0
			for _, msg := range msgs {
				if _, ok := msg.(eventsMsg); ok {
					_, cmd := m.Update(msg)
					for _, x := range collect(cmd) {
						if _, ok := x.(reloadMsg); ok {
							reloads++
						}
					}
				}
			}
			if reloads != 1 {
				t.Errorf("three gaps in a batch asked for %d reloads, want 1", reloads)
			}
			drive(t, m, func() tea.Msg { return reloadMsg{} })
			if m.inbox.total != 3 || m.inbox.win.len() != 3 || m.health.Messages != 3 {
				t.Errorf("after the gap: inbox %d (%d rows), header %d; want the server's 3", m.inbox.total, m.inbox.win.len(), m.health.Messages)
			}
			if !strings.Contains(m.Render(), "Analyst                      1 ●1") && !strings.Contains(m.Render(), "sam.phyll                  3 ●3") {
				t.Errorf("the groups were not reloaded:\n%s", m.Render())
			}
		})
	}
}

// Defect 2: events come in batches; the window stays bounded and indexed; counts are the
// server's, never grown past its cap by local increments.
func TestEventsArriveInBatches(t *testing.T) {
	ch := make(chan client.Event, 200)
	for i := range 150 {
		ch <- client.Event{ID: int64(i + 1), Type: client.EventJobProgress}
	}
	msg := waitEvents(ch, time.Time{})()
	if b, ok := msg.(eventsMsg); !ok || len(b.evs) != 150 {
		t.Fatalf("one wait returned %T with %d events, want the 150 queued in one batch", msg, len(b.evs))
	}
	close(ch)
	if _, ok := waitEvents(ch, time.Time{})().(streamDone); !ok {
		t.Error("a closed stream does not end the wait")
	}
}

func liveMessage(i int) client.Message {
	return client.Message{ID: fmt.Sprintf("live-%d", i), Vendor: "luma", Tenant: "acme", Seq: int64(1000 + i),
		Recipient: client.Recipient{ID: "sam.phyll", Role: "-3", RoleName: "Analyst"}, Channel: "luma-chat",
		Kind: "text", Body: fmt.Sprintf("live %d", i), Status: "delivered", CreatedAt: epoch}
}

func messageEvent(t testing.TB, m client.Message) client.Event {
	t.Helper()
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return client.Event{ID: m.Seq, Type: client.EventMessageDelivered, Data: raw}
}

func TestLiveWindowIsBoundedAndIndexed(t *testing.T) {
	_, c := sandbox(t)
	m := newTestModel(t, c, 120, 40)
	const n = 3 * maxRows
	for start := 0; start < n; start += 100 {
		var evs []client.Event
		for i := start; i < start+100; i++ {
			evs = append(evs, messageEvent(t, liveMessage(i)))
		}
		m.applyEvents(evs) // the refresh it asks for is left out: only the window counts here
	}
	if got := m.inbox.win.len(); got != maxRows || len(m.inbox.win.slot) != maxRows {
		t.Fatalf("after %d live messages the window holds %d rows and indexes %d, want %d", n, got, len(m.inbox.win.slot), maxRows)
	}
	if top := m.inbox.win.at(0).msg.ID; top != fmt.Sprintf("live-%d", n-1) {
		t.Errorf("the top row is %s, want the newest", top)
	}
	bottom := m.inbox.win.at(maxRows - 1).msg
	if !m.inbox.more || m.inbox.before != bottom.Seq {
		t.Errorf("below the window: more %v before %d; want paging on from the bottom row's seq %d", m.inbox.more, m.inbox.before, bottom.Seq)
	}
	// A status change finds its row by id wherever it is.
	changed := liveMessage(n - 50)
	changed.Status = "read"
	m.applyEvents([]client.Event{messageEvent(t, changed)})
	if i, ok := m.inbox.win.find(changed.ID); !ok || m.inbox.win.at(i).msg.Status != "read" || i != 49 {
		t.Errorf("the status change landed at %d (%v)", i, ok)
	}
}

func TestCountsAreTheServersEvenWhenItEvicts(t *testing.T) {
	sim, err := simulator.New(simulator.Options{Seed: 42, StartTime: epoch, MaxMessages: 50})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	c, err := client.New(client.DefaultURL, client.WithHTTPClient(&http.Client{Transport: handlerTransport{sim}}))
	if err != nil {
		t.Fatal(err)
	}
	m := newTestModel(t, c, 120, 40)
	var evs []client.Event
	for i := range 80 {
		lumaSend(t, sim, "sam.phyll", fmt.Sprintf("m%d", i))
		evs = append(evs, messageEvent(t, liveMessage(i)))
	}
	drive(t, m, events(evs...))
	if m.inbox.total != 50 || m.health.Messages != 50 {
		t.Errorf("after 80 sends into a store of 50: inbox %d, header %d; want the server's 50", m.inbox.total, m.health.Messages)
	}
	if h := header(m); !strings.Contains(h, " 50 msgs ") {
		t.Errorf("header %q", h)
	}
}

// Defect 3: the Requests tab follows the journal, live and on ctrl+r.
func TestRequestsTabFollowsTheJournal(t *testing.T) {
	sim, c := sandbox(t)
	m := newTestModel(t, c, 120, 40)
	for range 5 {
		press(t, m, "tab")
	}
	if m.tab != tabRequests || m.lists.reqTotal != 0 {
		t.Fatalf("tab %d, %d requests", m.tab, m.lists.reqTotal)
	}
	// Refused: a request.rejected event comes.
	if code := status(sim, "/vsa/public/notifylumauser/message", `{"recipients":{"contacts":"0"},"message":""}`); code != http.StatusBadRequest {
		t.Fatalf("the empty message answered %d", code)
	}
	drive(t, m, events(client.Event{Type: client.EventRequestRejected, Vendor: "luma", Data: json.RawMessage(`{}`)}))
	if len(m.lists.requests) != 1 || m.lists.reqTotal != 1 || m.health.Requests != 1 {
		t.Errorf("after a refused request: %d listed, tab says %d, header %d", len(m.lists.requests), m.lists.reqTotal, m.health.Requests)
	}
	// Accepted with no event at all (nobody to notify): the periodic count catches it.
	send(t, sim, "/vsa/public/notifylumauser/message", `{"recipients":{"contacts":"0","roles":"-2"},"message":"devs"}`, "Authorization", "Bearer luma-demo-token")
	send(t, sim, "/vsa/public/notifylumauser/message", `{"recipients":{"contacts":"0","roles":"-1"},"message":"admins"}`, "Authorization", "Bearer luma-demo-token")
	drive(t, m, func() tea.Msg { return tickMsg(time.Date(2026, 1, 1, 0, 0, 3, 0, time.UTC)) })
	if m.lists.reqTotal != 3 || len(m.lists.requests) != 3 {
		t.Errorf("after the tick: tab says %d with %d listed, want 3", m.lists.reqTotal, len(m.lists.requests))
	}
	if s := m.Render(); !strings.Contains(s, "3 reqs") || !strings.Contains(s, "Requests · 3 seen") {
		t.Errorf("header and tab disagree:\n%s", s)
	}
	send(t, sim, "/vsa/public/notifylumauser/message", `{"recipients":{"contacts":"0","roles":"-2"},"message":"devs"}`, "Authorization", "Bearer luma-demo-token")
	press(t, m, "ctrl+r")
	if m.lists.reqTotal != 4 || !strings.Contains(m.Render(), "Requests · 4 seen") {
		t.Errorf("ctrl+r left the tab at %d", m.lists.reqTotal)
	}
	for _, tb := range []tab{tabJobs, tabCallbacks, tabTroubleshoot, tabAll} {
		drive(t, m, m.setTab(tb))
		if cmd := m.key(keyMsg("ctrl+r")); cmd == nil {
			t.Errorf("ctrl+r does nothing on %s", tabNames[tb])
		}
	}
}

// Defect 4: a member row under a Kore.ai channel holds that channel's messages, and compose
// from it uses that channel.
func TestKoreMemberRowsFollowTheirChannel(t *testing.T) {
	sim, c := sandbox(t)
	demoTraffic(t, sim) // alice gets a Teams message
	m := newTestModel(t, c, 120, 40)
	selectRec(t, m, member("channel:slack", "alice@example.com"))
	if r := m.rec.selected(); r.count != 0 || m.inbox.total != 0 || m.inbox.base.Channel != "slack" {
		t.Errorf("alice under slack counts %d and opens %d messages (channel %q), want none of her Teams message", r.count, m.inbox.total, m.inbox.base.Channel)
	}
	selectRec(t, m, member("channel:msteams", "alice@example.com"))
	if r := m.rec.selected(); r.count != 1 || m.inbox.total != 1 {
		t.Errorf("alice under msteams counts %d and opens %d", r.count, m.inbox.total)
	}
	selectRec(t, m, member("channel:slack", "carol@example.com"))
	press(t, m, "n")
	if got := m.compose.value("channel"); got != "slack" {
		t.Errorf("n on a slack member composes with channel %q", got)
	}
	press(t, m, "esc")
	// From an opened Teams message, a reply goes to Teams.
	selectRec(t, m, member("channel:msteams", "alice@example.com"))
	press(t, m, "right", "enter", "n")
	if got := m.compose.value("channel"); got != "msteams" {
		t.Errorf("n on an opened Teams message composes with channel %q", got)
	}
}

// Defect 5: without colour the focused pane is still plain to see.
func TestFocusShowsWithoutColour(t *testing.T) {
	sim, c := sandbox(t)
	demoTraffic(t, sim)
	m := newTestModel(t, c, 120, 40)
	body := func() (left, right string) {
		lines := strings.Split(m.Render(), "\n")
		l, r, _ := strings.Cut(lines[2], "│")
		return l, r
	}
	l, r := body()
	if !strings.HasPrefix(l, "▌Recipients") || strings.HasPrefix(r, "▌") {
		t.Errorf("recipients focused, titles %q | %q", l, r)
	}
	press(t, m, "right")
	l, r = body()
	if strings.HasPrefix(l, "▌") || !strings.HasPrefix(r, "▌All messages") {
		t.Errorf("inbox focused, titles %q | %q", l, r)
	}
	screen := m.Render()
	if strings.Count(screen, "›") != 1 {
		t.Errorf("both panes mark their cursor the same way:\n%s", screen)
	}
}

// Defect 6: the footer offers what works where the reader is.
func TestFooterHintsPerTab(t *testing.T) {
	sim, c := sandbox(t)
	demoTraffic(t, sim)
	m := newTestModel(t, c, 200, 40)
	footer := func() string { lines := strings.Split(m.Render(), "\n"); return lines[len(lines)-1] }
	if f := footer(); !strings.Contains(f, "/ find recipient") || !strings.Contains(f, "n compose") || !strings.Contains(f, "space fold") {
		t.Errorf("recipients pane footer %q", f)
	}
	press(t, m, "right")
	if f := footer(); !strings.Contains(f, "/ search") || !strings.Contains(f, "enter open") {
		t.Errorf("inbox pane footer %q", f)
	}
	for _, tb := range []tab{tabRequests, tabJobs, tabCallbacks, tabTroubleshoot} {
		drive(t, m, m.setTab(tb))
		if f := footer(); strings.Contains(f, "/ ") || strings.Contains(f, "compose") || !strings.Contains(f, "ctrl+r refresh") {
			t.Errorf("%s footer %q", tabNames[tb], f)
		}
	}
}

// Defect 7: the search prompt shows its whole hint; a search that finds nothing says so.
func TestSearchPromptAndEmptyResult(t *testing.T) {
	sim, c := sandbox(t)
	demoTraffic(t, sim)
	m := newTestModel(t, c, 120, 40)
	press(t, m, "right", "/")
	lines := strings.Split(m.Render(), "\n")
	if f := lines[len(lines)-1]; !strings.Contains(f, "search: ") || !strings.Contains(f, "to:ruth status:failed") {
		t.Errorf("the prompt is %q", f)
	}
	typeText(t, m, "zebra")
	press(t, m, "enter")
	if s := m.Render(); !strings.Contains(s, "no message matches “zebra”") || strings.Contains(s, "nothing here yet") {
		t.Errorf("an empty search result:\n%s", s)
	}
}

// Defect 8: a refused send keeps the form open, with what was typed and the vendor's reason.
func TestComposeErrorKeepsTheForm(t *testing.T) {
	_, c := sandbox(t)
	m := newTestModel(t, c, 120, 40)
	selectRec(t, m, member("luminous/demo", "+256751351363"))
	press(t, m, "n")
	typeText(t, m, "_nope") // campaign "welcome_nope" does not exist
	press(t, m, "enter")
	if m.mode != modeCompose {
		t.Fatalf("the refused send closed the form (status %q)", m.status)
	}
	if got := m.compose.value("campaign"); got != "welcome_nope" {
		t.Errorf("the form lost what was typed: %q", got)
	}
	if !strings.Contains(m.compose.err, "the vendor answered 400") || !strings.Contains(m.compose.err, "Campaign does not exist") {
		t.Errorf("the form says %q", m.compose.err)
	}
	if s := m.Render(); !strings.Contains(s, "Campaign does not exist") {
		t.Errorf("the reason is not on the screen:\n%s", s)
	}
}

// Defect 9: a TUI that owns the sandbox asks before quitting.
func TestQuitAsksWhenItStopsTheSandbox(t *testing.T) {
	_, c := sandbox(t)
	m := New(c, Options{NoEvents: true, ConfirmQuit: "Quit and stop the sandbox?", LogFile: "/tmp/x.log"})
	m.timers = false // the 80×24 it starts at: the log line must fit there too
	if cmd := m.key(keyMsg("q")); cmd != nil || m.mode != modeConfirmQuit || !strings.Contains(m.Render(), "Quit and stop the sandbox? y/N") {
		t.Fatalf("q did not ask (mode %d)", m.mode)
	}
	if cmd := m.key(keyMsg("n")); cmd != nil || m.mode != modeMain {
		t.Fatal("n quit anyway")
	}
	m.key(keyMsg("q"))
	if cmd := m.key(keyMsg("y")); cmd == nil {
		t.Fatal("y did not quit")
	} else if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("y did not quit")
	}
	m.mode = modeMain // as the program would stop, the model stays where it was
	m.key(keyMsg("?"))
	if !strings.Contains(m.Render(), "logs: /tmp/x.log") {
		t.Error("the help screen does not say where the logs go")
	}
}

// Defect 10: a refused request's row keeps its reason; a department shows by name.
func TestErrorRowsKeepTheReasonAndTenantsTheirName(t *testing.T) {
	sim, c := sandbox(t)
	demoTraffic(t, sim)
	if code := status(sim, "/vsa/public/notifylumauser/message", `{"recipients":{"contacts":["sam.nobody"]},"message":"x"}`); code != http.StatusBadRequest {
		t.Fatalf("the refused send answered %d", code)
	}
	m := newTestModel(t, c, 80, 24)
	drive(t, m, m.setTab(tabRequests))
	if s := m.Render(); !strings.Contains(s, "unknown login id") {
		t.Errorf("the refused request's row lost its reason at 80 columns:\n%s", s)
	}
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 120, Height: 40} })
	drive(t, m, m.setTab(tabMyKaarma))
	if s := m.Render(); !strings.Contains(s, "Demo Motors Service") || strings.Contains(s, "0b1d6a4e…0001 ") {
		t.Errorf("the department shows by id:\n%s", s)
	}
}

func TestParseQuery(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want query
	}{
		{"vpn", query{raw: "vpn", text: "vpn"}},
		{"to:ruth status:Failed disk full", query{raw: "to:ruth status:Failed disk full", to: []string{"ruth"}, status: "failed", text: "disk full"}},
		{"to:ruth,sam.phyll channel:SLACK vendor:Kore.ai", query{raw: "to:ruth,sam.phyll channel:SLACK vendor:Kore.ai", to: []string{"ruth", "sam.phyll"}, channel: "slack", vendor: "kore"}},
		{"vendor:myKaarma http://x to:", query{raw: "vendor:myKaarma http://x to:", vendor: "mykaarma", text: "http://x to:"}},
	} {
		got := parseQuery(tc.in)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("parseQuery(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
	base := client.MessageFilter{Vendor: "luma", Recipient: "ruth,judy@gmail.com"}
	if _, ok := parseQuery("vendor:kore").apply(base); ok {
		t.Error("vendor:kore matched on the Luma tab")
	}
	if _, ok := parseQuery("to:sam.phyll").apply(base); ok {
		t.Error("to: someone outside the group matched")
	}
	if f, ok := parseQuery("to:RUTH x").apply(base); !ok || f.Recipient != "RUTH" || f.Text != "x" {
		t.Errorf("to: within the group gave %+v %v", f, ok)
	}
}

func TestSearchAsYouTypeWithTerms(t *testing.T) {
	sim, c := sandbox(t)
	demoTraffic(t, sim)
	m := newTestModel(t, c, 120, 40)
	press(t, m, "right", "/")
	typeText(t, m, "to:ruth")
	// No enter: the search runs as the text changes (debounced when timers run).
	if m.mode != modeFilter || m.inbox.total != 1 {
		t.Fatalf("while typing: mode %d, %d messages", m.mode, m.inbox.total)
	}
	press(t, m, "esc")
	if m.inbox.query.raw != "" || m.inbox.total != 8 {
		t.Errorf("esc left search %q with %d messages", m.inbox.query.raw, m.inbox.total)
	}
	press(t, m, "/")
	typeText(t, m, "vendor:luma vpn")
	press(t, m, "enter")
	if m.inbox.total != 2 || m.mode != modeMain {
		t.Errorf("vendor:luma vpn found %d", m.inbox.total)
	}
	m.st = newStyles(true)
	if s := m.Render(); !strings.Contains(s, m.st.Match("VPN")) {
		t.Error("the match is not highlighted")
	}
	// A search a debounce overtook is dropped.
	m.searchSeq += 2
	if _, cmd := m.Update(searchMsg{seq: m.searchSeq - 1}); cmd != nil {
		t.Error("a stale search ran")
	}
}

func TestTopBottomKeys(t *testing.T) {
	sim, c := sandbox(t)
	for i := range 30 {
		lumaSend(t, sim, "ruth", fmt.Sprintf("n%d", i))
	}
	m := newTestModel(t, c, 80, 24)
	press(t, m, "right", "G")
	if m.inbox.cursor != 29 {
		t.Errorf("G moved to %d", m.inbox.cursor)
	}
	press(t, m, "g")
	if m.inbox.cursor != 0 {
		t.Errorf("g moved to %d", m.inbox.cursor)
	}
	press(t, m, "left", "G")
	if m.rec.cursor != len(m.rec.rows)-1 {
		t.Errorf("G in the recipients pane moved to %d of %d", m.rec.cursor, len(m.rec.rows))
	}
	drive(t, m, func() tea.Msg { return tea.KeyPressMsg{Code: tea.KeyHome} })
	if m.rec.cursor != 0 {
		t.Errorf("home moved to %d", m.rec.cursor)
	}
}

func TestMouse(t *testing.T) {
	sim, c := sandbox(t)
	demoTraffic(t, sim)
	m := newTestModel(t, c, 120, 40)
	if v := m.View(); v.MouseMode != tea.MouseModeCellMotion {
		t.Errorf("mouse mode %v", v.MouseMode)
	}
	left, _, _ := m.panes(120)
	// The wheel over the inbox scrolls it, not the focused recipients pane.
	drive(t, m, func() tea.Msg { return tea.MouseWheelMsg{X: left + 10, Y: 10, Button: tea.MouseWheelDown} })
	if m.inbox.cursor != wheelStep || m.rec.cursor != 0 {
		t.Errorf("wheel: inbox %d, recipients %d", m.inbox.cursor, m.rec.cursor)
	}
	// A click on the Analyst row selects it.
	analyst := -1
	for i, r := range m.rec.rows {
		if r.label == "Analyst" {
			analyst = i
		}
	}
	drive(t, m, func() tea.Msg {
		return tea.MouseClickMsg{X: 10, Y: bodyTop + m.rec.rowsTop + analyst - m.rec.offset, Button: tea.MouseLeft}
	})
	if m.rec.selected().label != "Analyst" || m.inbox.total != 1 {
		t.Fatalf("the click selected %q (%d messages)", m.rec.selected().label, m.inbox.total)
	}
	// Its fold marker folds it.
	drive(t, m, func() tea.Msg {
		return tea.MouseClickMsg{X: 3, Y: bodyTop + m.rec.rowsTop + m.rec.cursor - m.rec.offset, Button: tea.MouseLeft}
	})
	if !m.rec.folded[m.rec.selected().key] {
		t.Error("a click on the fold marker did not fold the group")
	}
	// A click selects an inbox row; a second one opens it.
	click := tea.MouseClickMsg{X: left + 5, Y: bodyTop + m.inbox.rowsTop, Button: tea.MouseLeft}
	drive(t, m, func() tea.Msg { return click })
	drive(t, m, func() tea.Msg { return click })
	if m.mode != modeMessage {
		t.Errorf("two clicks on a row left mode %d", m.mode)
	}
	// A click on a tab switches to it.
	drive(t, m, func() tea.Msg { return tea.MouseClickMsg{X: 45, Y: 1, Button: tea.MouseLeft} })
	if m.tab != tabRequests {
		t.Errorf("a click on Requests opened %s", tabNames[m.tab])
	}
}

func TestFoldsAndRecipientsFilter(t *testing.T) {
	sim, c := sandbox(t)
	for i := range 20 {
		send(t, sim, "/campaign/t1/api", fmt.Sprintf(`{"apiKey":"luminous-demo-key","campaignName":"welcome","destination":"+2567513510%02d","userName":"u"}`, i))
	}
	m := newTestModel(t, c, 120, 40)
	press(t, m, "tab", "tab") // Luminous
	untagged := ""
	for _, r := range m.rec.all {
		if r.label == "untagged" {
			untagged = r.key
			if r.children != 21 {
				t.Errorf("untagged holds %d", r.children)
			}
		}
	}
	if !m.rec.folded[untagged] || len(m.rec.rows) > 10 {
		t.Fatalf("21 contacts start unfolded: %d rows shown", len(m.rec.rows))
	}
	selectRec(t, m, func(r recRow) bool { return r.key == untagged })
	press(t, m, "space")
	if len(m.rec.rows) < 22 {
		t.Errorf("space did not unfold: %d rows", len(m.rec.rows))
	}
	press(t, m, "space")
	press(t, m, "/")
	typeText(t, m, "35100")
	var shown []string
	for _, r := range m.rec.rows {
		shown = append(shown, r.label)
	}
	if got := strings.Join(shown, " "); !strings.Contains(got, "+256751351005") || strings.Contains(got, "+256751351363") || strings.Contains(got, "+256751351015") || len(shown) != 13 {
		t.Errorf("the filter shows %s", got)
	}
	press(t, m, "enter", "esc")
	if m.rec.find != "" {
		t.Error("esc kept the filter")
	}
}

func TestPreviewSplitWhenWide(t *testing.T) {
	sim, c := sandbox(t)
	demoTraffic(t, sim)
	m := newTestModel(t, c, 160, 40)
	s := m.Render()
	if !strings.Contains(s, "Preview") || !strings.Contains(s, "Microsoft Teams") || !strings.Contains(s, "Please reset your password.") {
		t.Errorf("no preview at 160 columns:\n%s", s)
	}
	if m.inbox.win.at(0).msg.Seen {
		t.Error("the preview marked the message read")
	}
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 120, Height: 40} })
	if strings.Contains(m.Render(), "Preview") {
		t.Error("a preview at 120 columns")
	}
}

func TestPayloadsOut(t *testing.T) {
	sim, c := sandbox(t)
	demoTraffic(t, sim)
	dir := t.TempDir()
	m := newTestModel(t, c, 120, 40)
	m.opts.SaveDir = dir
	press(t, m, "right")
	msg, _ := m.inbox.selected()
	if got := fmt.Sprint(m.key(keyMsg("y"))()); got != msg.ID {
		t.Errorf("y copied %q, want the id %s", got, msg.ID)
	}
	if got := fmt.Sprint(m.key(keyMsg("Y"))()); !strings.Contains(got, `"identities"`) || !json.Valid([]byte(got)) {
		t.Errorf("Y copied %q", got)
	}
	press(t, m, "s")
	data, err := os.ReadFile(filepath.Join(dir, "kore-"+msg.ID+".json"))
	if err != nil || !json.Valid(data) || !strings.Contains(m.status, "saved ") {
		t.Errorf("s saved %q (%v), status %q", data, err, m.status)
	}
	if cmd := m.key(keyMsg("o")); cmd == nil {
		t.Error("o does nothing")
	}
	// The pager runs through the shell, so a pager with arguments works.
	out := filepath.Join(dir, "paged")
	pager := pagerCommand(`sh -c 'cat "$0" > `+out+`'`, filepath.Join(dir, "kore-"+msg.ID+".json"))
	if err := pager.Run(); err != nil {
		t.Fatal(err)
	}
	if paged, _ := os.ReadFile(out); string(paged) != string(data) {
		t.Errorf("the pager got %q", paged)
	}
}

func TestMarkAllReadInTheSelectedGroup(t *testing.T) {
	sim, c := sandbox(t)
	demoTraffic(t, sim)
	m := newTestModel(t, c, 120, 40)
	selectRec(t, m, func(r recRow) bool { return r.label == "Self-service" })
	press(t, m, "A")
	if !strings.Contains(m.status, "marked 2 messages read") {
		t.Errorf("status %q", m.status)
	}
	for _, g := range m.groups {
		if g.Name == "Self-service" && g.Unread != 0 || g.Kind == client.GroupAll && g.Vendor == "luma" && g.Unread != 1 {
			t.Errorf("after A: %s unread %d", g.Name, g.Unread)
		}
	}
	if m.inbox.win.at(0).msg.Seen != true {
		t.Error("the inbox rows still show unread")
	}
}

func TestEveryNewScreenFillsTheTerminal(t *testing.T) {
	sim, c := sandbox(t)
	demoTraffic(t, sim)
	for _, size := range [][2]int{{140, 30}, {200, 50}, {80, 24}} {
		m := newTestModel(t, c, size[0], size[1])
		for _, keys := range [][]string{{"right", "/"}, {"esc", "left", "/"}, {"esc", "right", "G"}} {
			press(t, m, keys...)
			for i, l := range strings.Split(m.Render(), "\n") {
				if w := ansi.StringWidth(l); w != size[0] {
					t.Errorf("%v after %v: line %d is %d wide", size, keys, i, w)
				}
			}
		}
	}
}

// A reader scrolled down a full window keeps their row: what arrives meanwhile is counted, and
// g (or up at the top) loads the newest again.
func TestNewerMessagesWaitWhileTheReaderBrowses(t *testing.T) {
	sim, c := sandbox(t)
	m := newTestModel(t, c, 120, 40)
	for i := range maxRows + 2 {
		lumaSend(t, sim, "sam.phyll", fmt.Sprintf("n%d", i))
	}
	all, err := c.Messages(context.Background(), client.MessageFilter{Limit: maxRows + 2})
	if err != nil {
		t.Fatal(err)
	}
	var evs []client.Event
	for i := len(all.Messages) - 1; i >= 2; i-- { // oldest first, as the stream sends them
		evs = append(evs, messageEvent(t, all.Messages[i]))
	}
	m.applyEvents(evs)
	press(t, m, "right", "down", "down")
	reading, _ := m.inbox.selected()
	m.applyEvents([]client.Event{messageEvent(t, all.Messages[1]), messageEvent(t, all.Messages[0])})
	if got, _ := m.inbox.selected(); got.ID != reading.ID || m.inbox.win.len() != maxRows || m.inbox.newer != 2 {
		t.Fatalf("the reader's row moved to %s (window %d, newer %d)", got.ID, m.inbox.win.len(), m.inbox.newer)
	}
	if s := m.Render(); !strings.Contains(s, "↑ 2 newer messages · g goes to the newest") {
		t.Errorf("the newer messages are not announced:\n%s", s)
	}
	press(t, m, "g")
	if top, _ := m.inbox.selected(); top.Body != fmt.Sprintf("n%d", maxRows+1) || m.inbox.stale || m.inbox.cursor != 0 {
		t.Errorf("g shows %q at the top (stale %v)", top.Body, m.inbox.stale)
	}
}

// A search typed after messages arrived live shows only the matches: the live rows a reload
// keeps on top (newer than the page) must match the new query too.
func TestSearchAfterLiveMessagesShowsOnlyMatches(t *testing.T) {
	sim, c := sandbox(t)
	m := newTestModel(t, c, 120, 40)
	var evs []client.Event
	for i := range 5 {
		lumaSend(t, sim, "0", fmt.Sprintf("hello %d", i))
	}
	page, err := c.Messages(context.Background(), client.MessageFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for i := len(page.Messages) - 1; i >= 0; i-- {
		evs = append(evs, messageEvent(t, page.Messages[i]))
	}
	m.applyEvents(evs)
	if got := m.inbox.win.len(); got != 35 {
		t.Fatalf("the live window holds %d rows, want 35", got)
	}
	press(t, m, "right", "/")
	typeText(t, m, "to:ruth hello 3")
	press(t, m, "enter")
	if m.inbox.total != 1 || m.inbox.win.len() != 1 {
		t.Fatalf("the search counts %d and shows %d rows, want 1 and 1", m.inbox.total, m.inbox.win.len())
	}
	if r := m.inbox.win.at(0).msg; r.Recipient.ID != "ruth" || r.Body != "hello 3" {
		t.Errorf("the search shows %s %q", r.Recipient.ID, r.Body)
	}
}

// A first page answered empty after a message already arrived live (the page was read before
// the send, the event came first) keeps that message: the page is older than it.
func TestAnEmptyPageKeepsWhatArrivedLive(t *testing.T) {
	sim, c := sandbox(t)
	m := newTestModel(t, c, 120, 40)
	cmd := m.reloadInbox() // read now, while the sandbox holds nothing
	empty := cmd()
	lumaSend(t, sim, "sam.phyll", "arrived first")
	page, err := c.Messages(context.Background(), client.MessageFilter{Limit: 1})
	if err != nil || len(page.Messages) != 1 {
		t.Fatalf("the sandbox lists %d messages (%v)", len(page.Messages), err)
	}
	m.applyEvents([]client.Event{messageEvent(t, page.Messages[0])})
	m.Update(empty)
	if m.inbox.win.len() != 1 || m.inbox.win.at(0).msg.Body != "arrived first" {
		t.Fatalf("after the empty page the window holds %d rows, want the live one", m.inbox.win.len())
	}
}
