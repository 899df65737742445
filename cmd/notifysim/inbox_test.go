package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/notifysim/notifysim/simulator"
	"github.com/notifysim/notifysim/simulator/core"
)

// newSandbox serves a demo simulator for the commands that talk to a running one.
func newSandbox(t *testing.T) (*simulator.Simulator, string) {
	t.Helper()
	sim, err := simulator.New(simulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(func() { sim.Close(); srv.Close() })
	return sim, srv.URL
}

func deliverLuma(sim *simulator.Simulator, to, body string) {
	sim.Env().Deliver(nil, core.Message{Vendor: "luma", Tenant: "acme", Recipient: core.Recipient{ID: to}, Channel: core.ChannelLumaChat, Kind: "text", Body: body})
}

func TestWaitReturnsWhenTheMessageArrives(t *testing.T) {
	clearEnv(t)
	sim, url := newSandbox(t)
	deliverLuma(sim, "ruth", "not this one")

	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- waitContext(context.Background(), []string{"--server", url, "--recipient", "sam.phyll", "--contains", "reset code", "--timeout", "30s"}, &stdout, &stderr)
	}()
	// The message arrives after wait has subscribed: wait must see it through the event stream.
	for sim.Env().Bus.Subscribers() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	deliverLuma(sim, "sam.phyll", "Your reset code is 123456")
	if code := <-done; code != 0 {
		t.Fatalf("exit %d; stderr: %s", code, stderr.String())
	}
	var m struct {
		Body      string
		Recipient struct{ ID string }
	}
	if err := json.Unmarshal([]byte(stdout.String()), &m); err != nil || m.Recipient.ID != "sam.phyll" || !strings.Contains(m.Body, "123456") {
		t.Errorf("printed %q (%v), want the message as one JSON line", stdout.String(), err)
	}
}

func TestWaitPrintsWhatAlreadyExists(t *testing.T) {
	clearEnv(t)
	sim, url := newSandbox(t)
	deliverLuma(sim, "ruth", "first")
	deliverLuma(sim, "ruth", "second")
	deliverLuma(sim, "ruth", "third")
	var stdout, stderr bytes.Buffer
	if code := waitContext(context.Background(), []string{"--server", url, "--recipient", "ruth", "--count", "2"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d; stderr: %s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "second") || !strings.Contains(lines[1], "third") {
		t.Errorf("want the newest 2, oldest first, one per line:\n%s", stdout.String())
	}
}

func TestWaitTimesOutSayingWhatItSaw(t *testing.T) {
	clearEnv(t)
	sim, url := newSandbox(t)
	deliverLuma(sim, "ruth", "Your portal password expires")
	var stdout, stderr bytes.Buffer
	code := waitContext(context.Background(), []string{"--server", url, "--recipient", "ruth", "--contains", "reset code", "--timeout", "200ms"}, &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr: %s", code, stderr.String())
	}
	for _, want := range []string{"timed out after 200ms", `0 of 1 messages match recipient "ruth", containing "reset code"`, `"ruth" has 1 messages`, "portal password"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout: %s", stdout.String())
	}
}

func TestInboxCommandsUsage(t *testing.T) {
	clearEnv(t)
	_, url := newSandbox(t)
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"wait without a recipient", []string{"wait", "--server", url}, 2, "--recipient is required"},
		{"wait with count 0", []string{"wait", "--server", url, "--recipient", "x", "--count", "0"}, 2, "--count must be at least 1"},
		{"wait with a stray argument", []string{"wait", "sam.phyll"}, 2, `unexpected argument "sam.phyll"`},
		{"wait --help", []string{"wait", "--help"}, 0, "--recipient  [NOTIFYSIM_RECIPIENT]"},
		{"wait against nobody", []string{"wait", "--server", "http://127.0.0.1:1", "--recipient", "x"}, 2, "does not answer"},
		{"messages --json and --table", []string{"messages", "--server", url, "--json", "--table"}, 2, "exclude each other"},
		{"messages --help", []string{"messages", "--help"}, 0, "--json"},
		{"reset with a stray argument", []string{"reset", "now"}, 2, `unexpected argument "now"`},
		{"reset --help", []string{"reset", "--help"}, 0, "--server"},
		{"reset a bad server URL", []string{"reset", "--server", "127.0.0.1:4545"}, 2, "--server"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tc.args, &stdout, &stderr); code != tc.wantCode {
				t.Errorf("exit %d, want %d; stderr: %s", code, tc.wantCode, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.wantStderr, stderr.String())
			}
		})
	}
}

func TestMessagesAndReset(t *testing.T) {
	clearEnv(t)
	sim, url := newSandbox(t)
	deliverLuma(sim, "ruth", "Your portal password expires")
	deliverLuma(sim, "sam.phyll", "Exchange is down")

	var stdout, stderr bytes.Buffer
	if code := run([]string{"messages", "--server", url, "--recipient", "ruth"}, &stdout, &stderr); code != 0 {
		t.Fatalf("messages: exit %d: %s", code, stderr.String())
	}
	if out := stdout.String(); !strings.Contains(out, "RECIPIENT") || !strings.Contains(out, "portal password") || strings.Contains(out, "Exchange") ||
		!strings.Contains(out, "1 of 1 matching messages") {
		t.Errorf("table:\n%s", out)
	}

	stdout.Reset()
	if code := run([]string{"messages", "--server", url, "--json"}, &stdout, &stderr); code != 0 {
		t.Fatalf("messages --json: exit %d: %s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Errorf("not a JSON line: %q", l)
		}
	}
	if len(lines) != 2 {
		t.Errorf("want 2 JSON lines, got:\n%s", stdout.String())
	}

	stdout.Reset()
	if code := run([]string{"reset", "--server", url}, &stdout, &stderr); code != 0 {
		t.Fatalf("reset: exit %d: %s", code, stderr.String())
	}
	if n := sim.Env().Store.Len(); n != 0 {
		t.Errorf("%d messages left after reset", n)
	}
	if !strings.Contains(stdout.String(), "is back to its loaded dataset") {
		t.Errorf("reset printed %q", stdout.String())
	}
}
