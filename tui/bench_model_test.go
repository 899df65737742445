package tui

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/notifysim/notifysim/simulator"
	"github.com/notifysim/notifysim/simulator/client"
	"github.com/notifysim/notifysim/simulator/core"
)

// served is a simulator behind a real HTTP listener, as the TUI meets it.
func served(b *testing.B) (*simulator.Simulator, *client.Client, string) {
	b.Helper()
	sim, err := simulator.New(simulator.Options{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	b.Cleanup(func() { sim.Close(); srv.Close() })
	c, err := client.New(srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	return sim, c, srv.URL
}

// BenchmarkEventToVisible: a Luma request is answered, its message.delivered event crosses the
// SSE stream and the client, the model takes it, and the next frame shows it.
func BenchmarkEventToVisible(b *testing.B) {
	sim, c, _ := served(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := c.Events(ctx, client.EventFilter{Types: []string{client.EventMessageDelivered}})
	if e := <-events; e.Type != client.EventConnected {
		b.Fatalf("first event %s", e.Type)
	}
	m := New(c, Options{NoEvents: true})
	m.timers = false
	drive(b, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 120, Height: 40} })
	drive(b, m, m.reload())
	b.ResetTimer()
	for i := range b.N {
		text := fmt.Sprintf("event %d", i)
		send(b, sim, "/vsa/public/notifylumauser/message", `{"recipients":{"contacts":"sam.phyll"},"message":"`+text+`"}`,
			"Authorization", "Bearer luma-demo-token")
		e := <-events
		m.applyEvents([]client.Event{e})
		if !strings.Contains(m.Render(), text) {
			b.Fatalf("%q is not on the screen", text)
		}
	}
}

// BenchmarkFirstScreen100k: a TUI attaches to a sandbox holding 100,000 messages and draws its
// first full screen (counts, groups, the inbox's first page).
func BenchmarkFirstScreen100k(b *testing.B) {
	sim, c, _ := served(b)
	const n = 100_000
	users := []core.Recipient{{ID: "sam.phyll", Role: "-3", RoleName: "Analyst"}, {ID: "ruth", Role: "-4", RoleName: "Self-service"}, {ID: "admin.user", Role: "-1", RoleName: "Administrator"}}
	msgs := make([]core.Message, n)
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range msgs {
		msgs[i] = core.Message{ID: fmt.Sprintf("m%06d", i), Vendor: "luma", Tenant: "acme", Recipient: users[i%len(users)],
			Channel: core.ChannelLumaChat, Kind: "text", Body: fmt.Sprintf("notice %d", i), Status: core.StatusDelivered, CreatedAt: at.Add(time.Duration(i) * time.Second)}
	}
	sim.Env().Store.Add(msgs)
	b.ResetTimer()
	for range b.N {
		m := New(c, Options{NoEvents: true})
		m.timers = false
		drive(b, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 120, Height: 40} })
		drive(b, m, m.reload())
		if s := m.Render(); !strings.Contains(s, "notice 99999") || !strings.Contains(s, "100000 msgs") {
			b.Fatalf("the first screen does not show the newest message and the count:\n%s", s)
		}
	}
}
