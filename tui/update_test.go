package tui

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/notifysim/notifysim/simulator/client"
)

// fresh says whether the inbox shows the message with that id as arrived live and unseen.
func fresh(m *Model, id string) bool {
	i, ok := m.inbox.win.find(id)
	return ok && m.inbox.win.at(i).fresh
}

func typeText(t *testing.T, m *Model, s string) {
	t.Helper()
	for _, r := range s {
		press(t, m, string(r))
	}
}

func event(t *testing.T, typ string, data any) tea.Cmd {
	t.Helper()
	raw, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	return func() tea.Msg { return eventsMsg{evs: []client.Event{{ID: 1, Type: typ, Data: raw}}} }
}

func TestLiveMessageJoinsTheInboxAndTheCounts(t *testing.T) {
	sim, c := sandbox(t)
	m := newTestModel(t, c, 120, 40)
	press(t, m, "tab") // Luma
	if got := m.inbox.total; got != 0 {
		t.Fatalf("inbox starts with %d messages", got)
	}
	send(t, sim, "/vsa/public/notifylumauser/message", `{"recipients":{"contacts":"sam.phyll"},"message":"disk full"}`,
		"Authorization", "Bearer luma-demo-token")
	delivered, err := c.LatestMessage(context.Background(), client.MessageFilter{Recipient: "sam.phyll"})
	if err != nil {
		t.Fatal(err)
	}
	drive(t, m, event(t, client.EventMessageDelivered, delivered))

	if m.inbox.win.len() != 1 || !fresh(m, delivered.ID) || m.inbox.total != 1 {
		t.Errorf("inbox after the event = %d messages, fresh %v, total %d", m.inbox.win.len(), fresh(m, delivered.ID), m.inbox.total)
	}
	if m.health.Messages != 1 {
		t.Errorf("header counts %d messages, want 1 after the refresh", m.health.Messages)
	}
	screen := m.Render()
	for _, want := range []string{"✦", "disk full", "sam.phyll                  1 ●1"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the screen lacks %q:\n%s", want, screen)
		}
	}

	// A message for another vendor's tab does not join this inbox.
	other := delivered
	other.ID, other.Vendor = "other", "kore"
	drive(t, m, event(t, client.EventMessageDelivered, other))
	if m.inbox.win.len() != 1 {
		t.Errorf("a Kore.ai message joined the Luma inbox")
	}
}

func TestStatusChangesUpdateInPlace(t *testing.T) {
	sim, c := sandbox(t)
	send(t, sim, "/campaign/t1/api", `{"apiKey":"luminous-demo-key","campaignName":"welcome","destination":"+256751351363","userName":"Test User"}`)
	m := newTestModel(t, c, 80, 24)
	if m.inbox.win.len() != 1 || m.inbox.win.at(0).msg.Status != "sent" {
		t.Fatalf("inbox = %d rows", m.inbox.win.len())
	}
	sim.Advance(3 * time.Second) // the receipt comes two simulated seconds after the send
	msg, err := c.LatestMessage(context.Background(), client.MessageFilter{Vendor: "luminous"})
	if err != nil {
		t.Fatal(err)
	}
	drive(t, m, event(t, client.EventMessageDelivered, msg))
	if m.inbox.win.len() != 1 || m.inbox.win.at(0).msg.Status != "delivered" || fresh(m, msg.ID) {
		t.Errorf("after the receipt the inbox is %d rows, first %+v (fresh %v): want the same row, delivered", m.inbox.win.len(), m.inbox.win.at(0).msg, fresh(m, msg.ID))
	}
}

func TestJobProgressUpdatesInPlace(t *testing.T) {
	_, c := sandbox(t)
	m := newTestModel(t, c, 80, 24)
	press(t, m, "shift+tab", "shift+tab", "shift+tab") // Jobs
	j := client.Job{ID: "ds-1", StreamID: "st-demo-bot", Channel: "slack", Status: "IN_PROGRESS", PercentageComplete: 50, Identities: 2}
	drive(t, m, event(t, client.EventJobProgress, j))
	j.Status, j.PercentageComplete, j.Succeeded = "SUCCESS", 100, 2
	drive(t, m, event(t, client.EventJobProgress, j))
	if len(m.lists.jobs) != 1 || m.lists.jobs[0].Status != "SUCCESS" {
		t.Fatalf("jobs = %+v", m.lists.jobs)
	}
	if s := m.Render(); !strings.Contains(s, "100% SUCCESS") {
		t.Errorf("the jobs tab does not show the finished job:\n%s", s)
	}
}

func TestConnectionStateInTheHeader(t *testing.T) {
	_, c := sandbox(t)
	m := newTestModel(t, c, 120, 40)
	header := func() string { line, _, _ := strings.Cut(m.Render(), "\n"); return line }
	if !strings.Contains(header(), "● connected") {
		t.Fatalf("header = %q", header())
	}
	drive(t, m, func() tea.Msg {
		return eventsMsg{evs: []client.Event{{Type: client.EventDisconnected, Err: fmt.Errorf("dial tcp 127.0.0.1:4545: connect: connection refused")}}}
	})
	if h := header(); !strings.Contains(h, "reconnecting… (connection refused)") || strings.Contains(h, "● connected") {
		t.Errorf("after a disconnect the header is %q", h)
	}
	drive(t, m, func() tea.Msg { return eventsMsg{evs: []client.Event{{Type: client.EventConnected}}} })
	if h := header(); !strings.Contains(h, "● connected") {
		t.Errorf("after reconnecting the header is %q", h)
	}
}

func TestFilterByText(t *testing.T) {
	sim, c := sandbox(t)
	demoTraffic(t, sim)
	m := newTestModel(t, c, 120, 40)
	press(t, m, "right", "/")
	typeText(t, m, "vpn")
	press(t, m, "enter")
	if m.inbox.query.raw != "vpn" || m.inbox.total != 2 {
		t.Fatalf("filter %q shows %d messages, want the 2 VPN ones", m.inbox.query.raw, m.inbox.total)
	}
	press(t, m, "esc", "esc") // back to the recipients pane, where esc clears the search
	if m.inbox.query.raw != "" || m.inbox.total != 8 {
		t.Errorf("after esc: filter %q, %d messages", m.inbox.query.raw, m.inbox.total)
	}
}

func TestResetAsksFirst(t *testing.T) {
	sim, c := sandbox(t)
	demoTraffic(t, sim)
	m := newTestModel(t, c, 80, 24)
	press(t, m, "R")
	if !strings.Contains(m.Render(), "Reset the sandbox") {
		t.Fatal("R does not ask")
	}
	press(t, m, "n")
	if m.health.Messages != 8 {
		t.Fatalf("n reset anyway: %d messages", m.health.Messages)
	}
	press(t, m, "R", "y")
	if m.health.Messages != 0 || m.inbox.win.len() != 0 {
		t.Errorf("after R y: %d messages, inbox %d", m.health.Messages, m.inbox.win.len())
	}
}

func TestClockKeys(t *testing.T) {
	_, c := sandbox(t) // starts frozen at epoch
	m := newTestModel(t, c, 80, 24)
	press(t, m, "+")
	if !m.clock.Now.Equal(epoch.Add(time.Minute)) {
		t.Errorf("+ moved the clock to %s", m.clock.Now)
	}
	press(t, m, "f")
	if m.clock.Frozen {
		t.Error("f did not resume the frozen clock")
	}
	press(t, m, "f")
	if !m.clock.Frozen {
		t.Error("f did not freeze the running clock")
	}
}

func TestOpenAndMarkReadLowerUnread(t *testing.T) {
	sim, c := sandbox(t)
	demoTraffic(t, sim)
	m := newTestModel(t, c, 120, 40)
	press(t, m, "right", "r")
	if !m.inbox.win.at(0).msg.Seen {
		t.Error("r did not mark the message read")
	}
	press(t, m, "down", "enter")
	if m.mode != modeMessage || !m.message.msg.Seen {
		t.Fatalf("enter did not open the message as seen (mode %d)", m.mode)
	}
	press(t, m, "esc")
	unread := 0
	for _, g := range m.groups {
		if g.Kind == client.GroupAll {
			unread += g.Unread
		}
	}
	if unread != 6 {
		t.Errorf("after reading 2 of 8, the groups count %d unread", unread)
	}
}

func downs(n int) []string { return strings.Split(strings.Repeat("down ", n)[:5*n-1], " ") }

// selectRec moves the recipients cursor to the first row ok picks, unfolding what hides it.
func selectRec(t *testing.T, m *Model, ok func(recRow) bool) {
	t.Helper()
	for i, r := range m.rec.all {
		if !ok(r) {
			continue
		}
		for a := r.parent; a >= 0; a = m.rec.all[a].parent {
			m.rec.folded[m.rec.all[a].key] = false
		}
		m.rec.layout(m.rec.all[i].key)
		drive(t, m, m.selectRow())
		return
	}
	t.Fatal("no recipients row matches")
}

func member(group, label string) func(recRow) bool {
	return func(r recRow) bool { return r.kind == recMember && strings.Contains(r.key, group) && r.label == label }
}

func TestComposeSendsThroughTheVendorRoute(t *testing.T) {
	for _, tc := range []struct {
		name   string
		row    func(recRow) bool
		fields []string // typed into the form's fields in order (tab between them)
		vendor string
		want   string
	}{
		{"luma analysts", func(r recRow) bool { return r.label == "Analyst" }, []string{"hello analysts"}, "luma", "sam.phyll"},
		{"luminous contact", member("luminous/demo", "+256751351363"), nil, "luminous", "+256751351363"},
		{"mykaarma default user", member("role:THREAD_OWNER", "Dana Advisor"), []string{"Walk-in", "Customer waiting"}, "mykaarma", "0b1d6a4e-0000-4000-8000-0000000000a1"},
		{"kore msteams channel", member("channel:msteams", "bob@example.com"), []string{"reset your password"}, "kore", "bob@example.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim, c := sandbox(t)
			m := newTestModel(t, c, 120, 40)
			selectRec(t, m, tc.row)
			press(t, m, "n")
			if m.mode != modeCompose {
				t.Fatalf("n did not open the form: %s", m.status)
			}
			for i, f := range tc.fields {
				if i > 0 {
					press(t, m, "tab")
				}
				typeText(t, m, f)
			}
			press(t, m, "enter")
			if m.mode != modeMain || m.statusErr {
				t.Fatalf("after enter: mode %d, status %q, form error %q", m.mode, m.status, m.compose.err)
			}
			sim.Advance(time.Second) // Kore.ai jobs run on the simulated clock
			l, err := c.Messages(context.Background(), client.MessageFilter{Vendor: tc.vendor, Recipient: tc.want})
			if err != nil || l.Total != 1 {
				t.Errorf("%s has %d messages (%v), want the one composed; status %q", tc.want, l.Total, err, m.status)
			}
		})
	}
}

func TestInboxPagesOnDemand(t *testing.T) {
	sim, c := sandbox(t)
	for i := range pageSize + 30 {
		send(t, sim, "/vsa/public/notifylumauser/message", fmt.Sprintf(`{"recipients":{"contacts":"ruth"},"message":"n%d"}`, i),
			"Authorization", "Bearer luma-demo-token")
	}
	m := newTestModel(t, c, 80, 24)
	if m.inbox.win.len() != pageSize || m.inbox.next == "" {
		t.Fatalf("first page has %d messages, next %q", m.inbox.win.len(), m.inbox.next)
	}
	press(t, m, "right")
	for range pageSize - 10 {
		press(t, m, "down")
	}
	if m.inbox.win.len() != pageSize+30 || m.inbox.more {
		t.Errorf("after scrolling down the inbox holds %d messages (next %q), want all %d", m.inbox.win.len(), m.inbox.next, pageSize+30)
	}
}

func TestEveryScreenFillsTheTerminalExactly(t *testing.T) {
	sim, c := sandbox(t)
	demoTraffic(t, sim)
	for _, color := range []bool{false, true} {
		m := newTestModel(t, c, 80, 24)
		m.st = newStyles(color)
		checkSizes(t, m)
	}
}

func checkSizes(t *testing.T, m *Model) {
	t.Helper()
	for _, size := range [][2]int{{80, 24}, {120, 40}, {60, 15}, {200, 50}, {20, 8}} {
		drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: size[0], Height: size[1]} })
		for _, keys := range [][]string{nil, {"?"}, {"right", "enter"}, {"p"}, {"esc", "esc", "tab", "tab", "tab", "tab", "tab"}} {
			press(t, m, keys...)
			lines := strings.Split(m.Render(), "\n")
			if len(lines) != size[1] {
				t.Errorf("%dx%d after %v: %d lines", size[0], size[1], keys, len(lines))
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w != size[0] {
					t.Errorf("%dx%d after %v: line %d is %d cells wide: %q", size[0], size[1], keys, i, w, l)
				}
			}
		}
	}
}

func TestColorFollowsNoColor(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	if ColorFromEnv() {
		t.Error("NO_COLOR=1 still draws in colour")
	}
	t.Setenv("NO_COLOR", "")
	if !ColorFromEnv() {
		t.Error("an empty NO_COLOR turned colour off")
	}
	_, c := sandbox(t)
	m := New(c, Options{Color: true, NoEvents: true})
	m.timers = false
	drive(t, m, func() tea.Msg { return eventsMsg{evs: []client.Event{{Type: client.EventConnected}}} })
	if s := m.Render(); !strings.Contains(s, "\x1b[") {
		t.Error("colour on draws no colour")
	}
}

func TestSentMessageJoinsTheInboxBeforeItsReceipt(t *testing.T) {
	sim, c := sandbox(t)
	m := newTestModel(t, c, 120, 40)
	press(t, m, "tab", "tab") // Luminous
	send(t, sim, "/campaign/t1/api/v2", `{"apiKey":"luminous-demo-key","campaignName":"welcome","destination":"+919876543210","userName":"Asha"}`)
	sent, err := c.LatestMessage(context.Background(), client.MessageFilter{Vendor: "luminous"})
	if err != nil {
		t.Fatal(err)
	}
	drive(t, m, event(t, client.EventMessageSent, sent))
	if !fresh(m, sent.ID) {
		t.Errorf("a message.sent event left the inbox without the message")
	}
}
