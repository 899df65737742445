package contracts

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"
)

// listener is a real HTTP server in the test that records what the simulator POSTs to it.
type listener struct {
	srv    *httptest.Server
	mu     sync.Mutex
	status int
	delay  time.Duration
	got    []received
	notify chan struct{}
}

type received struct {
	Method, Path string
	Header       http.Header
	Body         []byte
}

func (l *listener) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	l.mu.Lock()
	l.got = append(l.got, received{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
	status, delay := l.status, l.delay
	l.mu.Unlock()
	select {
	case l.notify <- struct{}{}:
	default:
	}
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
		}
	}
	rw.WriteHeader(status)
}

func (l *listener) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.got)
}

func registerCallbackSteps(w *world, sc *godog.ScenarioContext) {
	start := func(name string, status int, delay time.Duration) {
		l := &listener{status: status, delay: delay, notify: make(chan struct{}, 1)}
		l.srv = httptest.NewServer(l)
		w.listeners[name] = l
		w.vars[name] = l.srv.URL
	}
	sc.Step(`^a callback listener "([^"]*)" is running$`, func(name string) error {
		start(name, http.StatusOK, 0)
		return nil
	})
	sc.Step(`^a callback listener "([^"]*)" that answers (\d+) is running$`, func(name string, status int) error {
		start(name, status, 0)
		return nil
	})
	sc.Step(`^a callback listener "([^"]*)" that takes "([^"]*)" to answer is running$`, func(name, d string) error {
		delay, err := time.ParseDuration(d)
		if err != nil {
			return err
		}
		start(name, http.StatusOK, delay)
		return nil
	})
	sc.Step(`^a callback listener "([^"]*)" that answers (\d+) after "([^"]*)" is running$`, func(name string, status int, d string) error {
		delay, err := time.ParseDuration(d)
		if err != nil {
			return err
		}
		start(name, status, delay)
		return nil
	})
	sc.Step(`^within "([^"]*)" the callback listener "([^"]*)" has received (\d+) requests?$`, func(within, name string, n int) error {
		l, ok := w.listeners[name]
		if !ok {
			return fmt.Errorf("no callback listener %q", name)
		}
		if n == 0 {
			return fmt.Errorf(`"within … has received 0 requests" passes at once; write: for %q the callback listener %q receives no more than 0 requests`, within, name)
		}
		d, err := time.ParseDuration(within)
		if err != nil {
			return err
		}
		deadline := time.After(d)
		for l.count() < n {
			select {
			case <-l.notify:
			case <-time.After(10 * time.Millisecond):
			case <-deadline:
				return fmt.Errorf("callback listener %q received %d requests in %s, want %d", name, l.count(), d, n)
			}
		}
		if got := l.count(); got != n {
			return fmt.Errorf("callback listener %q received %d requests, want %d", name, got, n)
		}
		return nil
	})
	// Checking that nothing arrives needs the whole window: "within" returns as soon as its count
	// is met, which for 0 is at once.
	sc.Step(`^for "([^"]*)" the callback listener "([^"]*)" receives no more than (\d+) requests?$`, func(d, name string, n int) error {
		l, ok := w.listeners[name]
		if !ok {
			return fmt.Errorf("no callback listener %q", name)
		}
		wait, err := time.ParseDuration(d)
		if err != nil {
			return err
		}
		for deadline := time.Now().Add(wait); ; time.Sleep(10 * time.Millisecond) {
			if got := l.count(); got > n {
				return fmt.Errorf("callback listener %q received %d requests, want at most %d", name, got, n)
			}
			if time.Now().After(deadline) {
				return nil
			}
		}
	})
	sc.Step(`^I inspect request (\d+) received by "([^"]*)"$`, func(i int, name string) error {
		l, ok := w.listeners[name]
		if !ok {
			return fmt.Errorf("no callback listener %q", name)
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		if i < 1 || i > len(l.got) {
			return fmt.Errorf("callback listener %q received %d requests; there is no request %d", name, len(l.got), i)
		}
		r := l.got[i-1]
		// The received request becomes "the response" so every JSON and header step applies to it.
		w.body, w.respH, w.status = r.Body, r.Header, 0
		if !strings.EqualFold(r.Method, http.MethodPost) {
			return fmt.Errorf("request %d to %q was a %s, not a POST", i, name, r.Method)
		}
		return nil
	})
}
