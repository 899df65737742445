package simulator

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/fault"
	"github.com/notifysim/notifysim/simulator/flow"
)

func TestStagesAreInTheirRealOrder(t *testing.T) {
	want := "request id, body limit, faults, authenticate, validate, handler, response check, journal"
	if got := strings.Join(flow.Stages(), ", "); got != want {
		t.Errorf("stages %s, want %s", got, want)
	}
}

func lumaSend(h http.Handler) *httptest.ResponseRecorder {
	return send(h, "POST", "/vsa/public/notifylumauser/message", `{"recipients":{"contacts":"ruth"},"message":"hi"}`,
		"Content-Type", "application/json", "Authorization", "Bearer luma-demo-token")
}

// statuses sends n Luma requests and lists their statuses.
func statuses(t *testing.T, s *Simulator, n int) string {
	t.Helper()
	var out []string
	for range n {
		out = append(out, http.StatusText(lumaSend(s).Code))
	}
	return strings.Join(out, ",")
}

func TestSimulatorSeedReplaysFaultDraws(t *testing.T) {
	run := func(seed uint64) string {
		s, err := New(Options{Seed: seed, Strict: true})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		// Ids drawn before the rule must not shift its draws: the fault seeds are their own.
		if seed == 42 {
			s.Env().IDs.UUID()
		}
		if _, err := s.AddFault(FaultRule{Vendor: "luma", Action: fault.Respond, Status: 503, Probability: fault.Chance(0.5)}); err != nil {
			t.Fatal(err)
		}
		return statuses(t, s, 16)
	}
	a, b := run(42), run(42)
	if a != b {
		t.Errorf("seed 42 gave\n  %s\nthen\n  %s", a, b)
	}
	if !strings.Contains(a, "OK") || !strings.Contains(a, "Service Unavailable") {
		t.Errorf("probability 0.5 gave %s", a)
	}
}

func TestResetKeepsTheFaultsOfOptions(t *testing.T) {
	s, err := New(Options{Faults: []byte("- {vendor: luma, action: respond, status: 503, count: 1}\n")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.AddFault(FaultRule{Vendor: "kore", Action: fault.Drop}); err != nil {
		t.Fatal(err)
	}
	if got := statuses(t, s, 2); got != "Service Unavailable,OK" {
		t.Fatalf("before reset: %s", got)
	}
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	list := s.Faults()
	if len(list) != 1 || !list[0].FromFile || list[0].Fired != 0 {
		t.Fatalf("after reset: %+v", list)
	}
	if got := statuses(t, s, 2); got != "Service Unavailable,OK" {
		t.Errorf("after reset the file's rule did not start over: %s", got)
	}
	if _, err := New(Options{Faults: []byte("- {vendor: luma, action: nap}\n")}); err == nil || !strings.Contains(err.Error(), "rule 1: action") {
		t.Errorf("a bad faults file: %v", err)
	}
}

func TestDropWithoutHijackAbortsTheResponse(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if _, err := s.AddFault(FaultRule{Vendor: "luma", Action: fault.Drop}); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if p := recover(); p != http.ErrAbortHandler { //nolint:errorlint // the sentinel itself is panicked
			t.Errorf("recovered %v, want http.ErrAbortHandler", p)
		}
		e := s.Journal().List(core.JournalFilter{Limit: 1})
		if len(e) != 1 || e[0].Status != 0 || len(e[0].Faults) != 1 {
			t.Errorf("journal %+v: want the dropped request with status 0 and its rule", e)
		}
	}()
	lumaSend(s) // a ResponseRecorder cannot be hijacked
	t.Error("the dropped request was answered")
}

func TestCloseEndsAHungRequest(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	if _, err := s.AddFault(FaultRule{Vendor: "luma", Action: fault.Hang}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/vsa/public/notifylumauser/message",
			strings.NewReader(`{"recipients":{"contacts":"ruth"},"message":"hi"}`))
		req.Header.Set("Authorization", "Bearer luma-demo-token")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	// Close once the request is hanging: its fault has fired.
	for s.Faults()[0].Fired == 0 {
		select {
		case <-ctx.Done():
			t.Fatal("the request never reached the hang")
		case <-time.After(5 * time.Millisecond):
		}
	}
	s.Close()
	err = <-done
	if err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("client got %v: want the connection closed when the simulator closes", err)
	}
}

func TestNewRefusesABlankAdminToken(t *testing.T) {
	if _, err := New(Options{AdminToken: "  "}); err == nil || !strings.Contains(err.Error(), "AdminToken is blank") {
		t.Errorf("New with a blank AdminToken: %v", err)
	}
}
