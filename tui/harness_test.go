package tui

import (
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/golang-jwt/jwt/v5"

	"github.com/notifysim/notifysim/simulator"
	"github.com/notifysim/notifysim/simulator/client"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var epoch = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// handlerTransport answers requests with an in-process simulator, so screens show a fixed
// server URL and need no listener.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// sandbox is a seeded simulator with a frozen clock and a client that reaches it as
// http://127.0.0.1:4545.
func sandbox(t testing.TB) (*simulator.Simulator, *client.Client) {
	t.Helper()
	sim, err := simulator.New(simulator.Options{Seed: 42, StartTime: epoch, Strict: true,
		OnSpecViolation: func(err error) { t.Errorf("spec violation: %v", err) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	c, err := client.New(client.DefaultURL, client.WithHTTPClient(&http.Client{Transport: handlerTransport{sim}}))
	if err != nil {
		t.Fatal(err)
	}
	return sim, c
}

// send posts a vendor request to the in-process simulator and fails t unless it is accepted.
func send(t testing.TB, h http.Handler, path, body string, headers ...string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, client.DefaultURL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code >= 300 {
		t.Fatalf("POST %s answered %d: %s", path, rec.Code, rec.Body)
	}
}

func koreToken(t testing.TB) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"appId": "cs-demo-app"}).SignedString([]byte("demo-app-secret"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// demoTraffic sends one notification per vendor, the README's examples, and a Luma card, and
// lets simulated time pass so receipts and jobs move on.
func demoTraffic(t testing.TB, sim *simulator.Simulator) {
	t.Helper()
	send(t, sim, "/vsa/public/notifylumauser/message",
		`{"recipients":{"contacts":"0","roles":"-3"},"responseType":"TEXT","message":"This is to notify you that the Microsoft Exchange server is down due to internal maintenance and will be up at 9 PM (PST)"}`,
		"Authorization", "Bearer luma-demo-token")
	sim.Advance(time.Second)
	send(t, sim, "/vsa/public/notifylumauser/message",
		`{"recipients":{"contacts":["ruth","judy@gmail.com"]},"template_id":"1002","message":"VPN maintenance tonight"}`,
		"Authorization", "Bearer luma-demo-token")
	sim.Advance(time.Second)
	send(t, sim, "/campaign/t1/api", `{"apiKey":"luminous-demo-key","campaignName":"order_update","destination":"+256751351363","userName":"Test User","templateParams":["Test User","ORD-1042"]}`)
	sim.Advance(time.Second)
	send(t, sim, "/communications/department/0b1d6a4e-0000-4000-8000-000000000001/user/DEFAULT/notify",
		`{"messageAttributes":{"body":"Customer is waiting at the service desk","subject":"Walk-in"},"notificationAttributes":{"internalSubscribersNotifierPop":true,"notificationButtons":[{"buttonDefaultText":"OPEN"}]},"messageSendingAttributesLite":{"sendSynchronously":true}}`,
		"Authorization", "Basic bWstZGVtbzptay1kZW1vLXNlY3JldA==")
	sim.Advance(time.Second)
	send(t, sim, "/api/public/bot/st-demo-bot/notify",
		`{"channel":"msteams","userIdentityType":"resolve","message":{"type":"text","val":"Please reset your password."},"identities":["alice@example.com","carol@example.com"]}`,
		"auth", koreToken(t))
	sim.Advance(3 * time.Second)
}

// newTestModel is a model over c with timers off and plain text, sized w×h and loaded.
func newTestModel(t testing.TB, c *client.Client, w, h int) *Model {
	t.Helper()
	m := New(c, Options{Now: func() time.Time { return epoch }, NoEvents: true})
	m.timers = false
	drive(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: w, Height: h} })
	drive(t, m, func() tea.Msg { return eventsMsg{evs: []client.Event{{Type: client.EventConnected}}} })
	return m
}

// drive runs cmd and every command its messages lead to, synchronously, as the program would.
func drive(t testing.TB, m *Model, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 1000 {
			t.Fatal("the model keeps asking for more commands")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		if batch, ok := msg.(tea.BatchMsg); ok {
			queue = append(queue, batch...)
			continue
		}
		_, next := m.Update(msg)
		queue = append(queue, next)
	}
}

// press sends keys one by one, running what they lead to.
func press(t testing.TB, m *Model, keys ...string) {
	t.Helper()
	for _, k := range keys {
		drive(t, m, func() tea.Msg { return keyMsg(k) })
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// golden compares got with testdata/name.golden, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tui -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("screen %s differs from %s (rerun with -update if the change is intended):\n--- got ---\n%s\n--- want ---\n%s", name, path, got, want)
	}
}
