package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/notifysim/notifysim/simulator"
	"github.com/notifysim/notifysim/simulator/client"
)

var start = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// sandbox serves a real simulator (demo dataset, frozen clock) and a client of it.
func sandbox(t *testing.T, opts ...client.Option) (*client.Client, *httptest.Server) {
	t.Helper()
	sim, err := simulator.New(simulator.Options{Strict: true, Seed: 7, StartTime: start,
		OnSpecViolation: func(err error) { t.Errorf("spec violation: %v", err) }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(func() { sim.Close(); srv.Close() })
	c, err := client.New(srv.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

// post sends a vendor request and fails the test unless it gets want.
func post(t *testing.T, url, body string, want int, headers ...string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != want {
		t.Fatalf("POST %s answered %d, want %d", url, resp.StatusCode, want)
	}
}

func lumaToAnalysts(t *testing.T, base, text string) {
	t.Helper()
	post(t, base+"/vsa/public/notifylumauser/message",
		`{"recipients":{"contacts":"0","roles":"-3"},"responseType":"TEXT","message":"`+text+`"}`,
		http.StatusOK, "Authorization", "Bearer luma-demo-token")
}

func TestNewRejectsBadURLs(t *testing.T) {
	for _, u := range []string{"ftp://x", "127.0.0.1:4545", "http://", "http://a b"} {
		if _, err := client.New(u); err == nil {
			t.Errorf("New(%q) accepted it", u)
		}
	}
	c, err := client.New("")
	if err != nil || c.URL() != client.DefaultURL {
		t.Errorf("New(\"\") = %v, %v; want the default URL", c, err)
	}
}

func TestInspect(t *testing.T) {
	c, srv := sandbox(t)
	ctx := context.Background()
	lumaToAnalysts(t, srv.URL, "Exchange is down")
	post(t, srv.URL+"/vsa/public/notifylumauser/message", `{"recipients":{"contacts":["sam.nobody"]},"message":"x"}`,
		http.StatusBadRequest, "Authorization", "Bearer luma-demo-token")

	h, err := c.Health(ctx)
	if err != nil || h.Status != "ok" || h.Messages != 1 || h.Requests != 2 {
		t.Fatalf("Health = %+v, %v", h, err)
	}
	l, err := c.Messages(ctx, client.MessageFilter{Role: "Analyst"})
	if err != nil || l.Total != 1 || len(l.Messages) != 1 {
		t.Fatalf("Messages = %+v, %v", l, err)
	}
	m := l.Messages[0]
	if m.Recipient.ID != "sam.phyll" || m.Body != "Exchange is down" || m.Seen {
		t.Errorf("message = %+v", m)
	}
	got, err := c.Message(ctx, m.ID)
	if err != nil || got.ID != m.ID || !got.Seen {
		t.Errorf("Message(%s) = %+v, %v; want it, seen", m.ID, got, err)
	}
	if _, err := c.Message(ctx, "nope"); !client.IsNotFound(err) {
		t.Errorf("Message(nope) error = %v, want a 404", err)
	}
	latest, err := c.LatestMessage(ctx, client.MessageFilter{Vendor: "luma"})
	if err != nil || latest.ID != m.ID {
		t.Errorf("LatestMessage = %+v, %v", latest, err)
	}
	if _, err := c.LatestMessage(ctx, client.MessageFilter{Vendor: "kore"}); !client.IsNotFound(err) {
		t.Errorf("LatestMessage(kore) error = %v, want a 404", err)
	}
	in, err := c.Inboxes(ctx, client.InboxFilter{Vendor: "luma"})
	if err != nil || len(in.Inboxes) != 1 || in.Inboxes[0].Recipient.ID != "sam.phyll" || len(in.Roles) != 1 || in.Roles[0].Role != "-3" {
		t.Errorf("Inboxes = %+v, %v", in, err)
	}
	reqs, err := c.Requests(ctx, client.RequestFilter{Failed: true})
	if err != nil || reqs.Total != 1 || len(reqs.Requests) != 1 || reqs.Requests[0].Status != http.StatusBadRequest { // total: the failed ones
		t.Errorf("Requests(failed) = %+v, %v", reqs, err)
	}
	ts, err := c.Troubleshoot(ctx, "luma", "acme", 10)
	if err != nil || len(ts) != 1 || ts[0].Status != http.StatusBadRequest {
		t.Errorf("Troubleshoot = %+v, %v", ts, err)
	}
	cbs, err := c.Callbacks(ctx, "mykaarma")
	if err != nil || len(cbs) != 0 {
		t.Errorf("Callbacks = %+v, %v", cbs, err)
	}
	state, err := c.State(ctx, "luma")
	if err != nil || !strings.Contains(string(state), "sam.phyll") {
		t.Errorf("State(luma) = %s, %v", state, err)
	}
	var apiErr *client.Error
	if _, err := c.State(ctx, "nobody"); !errors.As(err, &apiErr) || apiErr.Status != http.StatusBadRequest || apiErr.Message == "" {
		t.Errorf("State(nobody) error = %#v, want a 400 that says why", err)
	}
}

func TestMessagesWait(t *testing.T) {
	c, srv := sandbox(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan client.MessageList, 1)
	go func() {
		l, err := c.Messages(ctx, client.MessageFilter{Recipient: "sam.phyll", Wait: 20 * time.Second, Count: 1})
		if err != nil {
			t.Error(err)
		}
		done <- l
	}()
	// The waiter subscribes before it counts; sending until it answers needs no sleep.
	for i := 0; ; i++ {
		lumaToAnalysts(t, srv.URL, fmt.Sprintf("wake %d", i))
		select {
		case l := <-done:
			if l.Total < 1 {
				t.Fatalf("wait answered %+v", l)
			}
			return
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
			t.Fatal("the wait never answered")
		}
	}
}

func TestControl(t *testing.T) {
	c, srv := sandbox(t)
	ctx := context.Background()
	k, err := c.Clock(ctx)
	if err != nil || !k.Frozen || !k.Now.Equal(start) {
		t.Fatalf("Clock = %+v, %v", k, err)
	}
	if k, err = c.AdvanceClock(ctx, time.Minute); err != nil || !k.Now.Equal(start.Add(time.Minute)) {
		t.Errorf("AdvanceClock = %+v, %v", k, err)
	}
	at := start.Add(48 * time.Hour)
	if k, err = c.SetClock(ctx, at); err != nil || !k.Now.Equal(at) {
		t.Errorf("SetClock = %+v, %v", k, err)
	}
	if k, err = c.ResumeClock(ctx); err != nil || k.Frozen {
		t.Errorf("ResumeClock = %+v, %v", k, err)
	}
	if k, err = c.FreezeClock(ctx); err != nil || !k.Frozen {
		t.Errorf("FreezeClock = %+v, %v", k, err)
	}
	if _, err := c.AdvanceClock(ctx, -time.Second); err == nil {
		t.Error("AdvanceClock(-1s) was sent")
	}

	lumaToAnalysts(t, srv.URL, "before reset")
	if s, err := c.Reset(ctx); err != nil || s.Status != "reset" {
		t.Errorf("Reset = %+v, %v", s, err)
	}
	if l, err := c.Messages(ctx, client.MessageFilter{}); err != nil || l.Total != 0 {
		t.Errorf("after Reset, Messages = %+v, %v", l, err)
	}

	fx, err := c.Fixtures(ctx)
	if err != nil || !strings.Contains(string(fx), "luma-demo-token") {
		t.Fatalf("Fixtures = %.80s…, %v", fx, err)
	}
	if s, err := c.PutFixtures(ctx, fx); err != nil || s.Status != "loaded" {
		t.Errorf("PutFixtures(JSON) = %+v, %v", s, err)
	}
	var apiErr *client.Error
	if _, err := c.PutFixtures(ctx, []byte("luma: [not, a, map]\n")); !errors.As(err, &apiErr) || apiErr.Status != http.StatusBadRequest {
		t.Errorf("PutFixtures(bad YAML) error = %v, want a 400", err)
	}
}

func TestTokenIsSent(t *testing.T) {
	var seen atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"status":"ok","version":"t","time":"2026-03-01T09:00:00Z","uptimeSeconds":1,"vendors":[],"messages":0}`)
	}))
	defer srv.Close()
	for _, tc := range []struct{ token, want string }{{"", ""}, {"s3cret", "Bearer s3cret"}} {
		c, err := client.New(srv.URL, client.WithToken(tc.token), client.WithHTTPClient(srv.Client()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Health(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := seen.Load(); got != tc.want {
			t.Errorf("token %q sent Authorization %q, want %q", tc.token, got, tc.want)
		}
	}
}

func TestErrorsNameTheProblem(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/_sim/health":
			http.Error(w, `{"error":"admin token required"}`, http.StatusUnauthorized)
		default:
			fmt.Fprint(w, `not json`)
		}
	}))
	defer srv.Close()
	c, _ := client.New(srv.URL)
	_, err := c.Health(context.Background())
	var apiErr *client.Error
	if !errors.As(err, &apiErr) || apiErr.Status != 401 || apiErr.Message != "admin token required" {
		t.Errorf("Health error = %#v", err)
	}
	if _, err := c.Clock(context.Background()); err == nil || !strings.Contains(err.Error(), "not the JSON expected") {
		t.Errorf("Clock on garbage = %v", err)
	}
}

func TestPagingAndGroups(t *testing.T) {
	c, srv := sandbox(t)
	ctx := context.Background()
	for i := range 5 {
		lumaToAnalysts(t, srv.URL, fmt.Sprintf("n%d", i))
	}
	var bodies []string
	f := client.MessageFilter{Vendor: "luma", Limit: 2}
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("paging never ends")
		}
		l, err := c.Messages(ctx, f)
		if err != nil || l.Total != 5 {
			t.Fatalf("Messages(%+v) = %+v, %v", f, l, err)
		}
		for _, m := range l.Messages {
			bodies = append(bodies, m.Body)
		}
		if l.NextCursor == "" {
			break
		}
		f.Cursor = l.NextCursor
	}
	if got := strings.Join(bodies, " "); got != "n4 n3 n2 n1 n0" {
		t.Errorf("pages gave %q, want every message once, newest first", got)
	}

	r, err := c.Requests(ctx, client.RequestFilter{Limit: 3})
	if err != nil || len(r.Requests) != 3 || r.Requests[0].Seq != 5 || r.NextCursor == "" {
		t.Fatalf("Requests page 1 = %+v, %v", r, err)
	}
	r, err = c.Requests(ctx, client.RequestFilter{Limit: 3, Cursor: r.NextCursor})
	if err != nil || len(r.Requests) != 2 || r.Requests[1].Seq != 1 || r.NextCursor != "" {
		t.Errorf("Requests page 2 = %+v, %v", r, err)
	}

	groups, err := c.Groups(ctx, "luma", "acme")
	if err != nil || len(groups) != 6 {
		t.Fatalf("Groups = %+v, %v", groups, err)
	}
	analysts := groups[3]
	if analysts.Name != "Analyst" || analysts.Count != 5 || analysts.Unread != 5 || analysts.Members[0].Recipient.ID != "sam.phyll" {
		t.Errorf("Analyst group = %+v", analysts)
	}
	l, err := c.Messages(ctx, analysts.Filter.MessageFilter())
	if err != nil || l.Total != 5 {
		t.Errorf("the Analyst group's inbox = %+v, %v", l, err)
	}
}
