package simulator

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/notifysim/notifysim/simulator/core"
)

// Filter selects messages; the zero value matches all.
type Filter = core.Filter

// Message is one delivered (or scheduled) notification.
type Message = core.Message

// RunT starts a simulator with the demo dataset on a free loopback port, in strict mode (a
// response outside the spec fails t), and stops it when the test ends. Point your client at
// s.URL().
func RunT(t testing.TB) *Simulator {
	t.Helper()
	return RunTWithOptions(t, Options{})
}

// RunTWithOptions is RunT with options; Strict is always on and OnSpecViolation reports to t.
func RunTWithOptions(t testing.TB, opts Options) *Simulator {
	t.Helper()
	opts.Strict = true
	user := opts.OnSpecViolation
	opts.OnSpecViolation = func(err error) {
		t.Errorf("notifysim answered outside its spec: %v", err)
		if user != nil {
			user(err)
		}
	}
	s, err := New(opts)
	if err != nil {
		t.Fatalf("notifysim: %v", err)
	}
	s.srv = httptest.NewServer(s)
	t.Cleanup(func() {
		s.Close()
		s.srv.Close()
	})
	return s
}

// URL is the base URL of a simulator started by RunT ("" otherwise).
func (s *Simulator) URL() string {
	if s.srv == nil {
		return ""
	}
	return s.srv.URL
}

// WaitForMessages returns the messages matching f as soon as there are at least n, or an error
// when ctx ends first. It never misses a message delivered while it starts.
func (s *Simulator) WaitForMessages(ctx context.Context, f Filter, n int) ([]Message, error) {
	sub := s.env.Bus.Subscribe(64, func(e core.Event) bool {
		return e.Type == core.EventMessageDelivered || e.Type == core.EventMessageStatus || e.Type == core.EventMessageSent
	})
	defer sub.Close()
	for {
		msgs := s.env.Store.Query(f)
		if len(msgs) >= n {
			return msgs, nil
		}
		select {
		case <-sub.C:
		case <-time.After(50 * time.Millisecond): // a dropped event must not stall the wait
		case <-ctx.Done():
			return msgs, fmt.Errorf("waited for %d messages matching %+v, have %d: %w", n, f, len(msgs), ctx.Err())
		}
	}
}

// T is the part of testing.TB the Check helpers use.
type T interface {
	Helper()
	Errorf(format string, args ...any)
}

// CheckMessages fails t unless exactly n messages match f.
func (s *Simulator) CheckMessages(t T, f Filter, n int) []Message {
	t.Helper()
	msgs := s.env.Store.Query(f)
	if len(msgs) != n {
		t.Errorf("notifysim: %d messages match %+v, want %d", len(msgs), f, n)
	}
	return msgs
}
