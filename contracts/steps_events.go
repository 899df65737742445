package contracts

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"
)

// eventStream reads /_sim/events in the background and keeps every event it sees.
type eventStream struct {
	mu     sync.Mutex
	events []sseEvent
	cancel context.CancelFunc
	ready  chan struct{}
}

type sseEvent struct{ ID, Type, Data string }

func (s *eventStream) find(typ, text string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.events {
		if e.Type == typ && strings.Contains(e.Data, text) {
			return true
		}
	}
	return false
}

// last returns the newest event of type typ, if any.
func (s *eventStream) last(typ string) (sseEvent, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.events) - 1; i >= 0; i-- {
		if s.events[i].Type == typ {
			return s.events[i], true
		}
	}
	return sseEvent{}, false
}

// read opens the stream; lastEventID, when not empty, resumes it as a reconnecting EventSource
// does.
func (s *eventStream) read(w *world, query, lastEventID string) error {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.base+"/_sim/events"+query, nil)
	if err != nil {
		return err
	}
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	bearer(req, w.adminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "text/event-stream") {
		resp.Body.Close()
		return fmt.Errorf("GET /_sim/events answered %d %s", resp.StatusCode, ct)
	}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 8<<20)
		var cur sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if cur.Type != "" {
					s.mu.Lock()
					s.events = append(s.events, cur)
					s.mu.Unlock()
				}
				cur = sseEvent{}
			case strings.HasPrefix(line, "id: "):
				cur.ID = line[4:]
			case strings.HasPrefix(line, "event: "):
				cur.Type = line[7:]
			case strings.HasPrefix(line, "data: "):
				cur.Data += line[6:]
			}
		}
	}()
	return nil
}

func registerEventSteps(w *world, sc *godog.ScenarioContext) {
	var stream *eventStream
	open := func(query, lastEventID string) error {
		if stream != nil && stream.cancel != nil {
			stream.cancel() // the steps read one stream at a time
		}
		s := &eventStream{}
		stream = s
		w.cleanups = append(w.cleanups, func() {
			if s.cancel != nil {
				s.cancel()
			}
		})
		return s.read(w, w.expand(query), w.expand(lastEventID))
	}
	sc.Step(`^I open the event stream(?: with "([^"]*)")?$`, func(query string) error { return open(query, "") })
	sc.Step(`^I open the event stream again with Last-Event-ID "([^"]*)"(?: and "([^"]*)")?$`, func(id, query string) error {
		return open(query, id)
	})
	sc.Step(`^I remember the id of the event stream's last "([^"]*)" event as "([^"]*)"$`, func(typ, name string) error {
		if stream == nil {
			return fmt.Errorf("open the event stream first")
		}
		e, ok := stream.last(typ)
		if !ok || e.ID == "" {
			return fmt.Errorf("the event stream has received no %s event with an id", typ)
		}
		w.vars[name] = e.ID
		return nil
	})
	sc.Step(`^within "([^"]*)" the event stream has (?:received|sent) an? "([^"]*)" event(?: containing "([^"]*)")?$`, func(within, typ, text string) error {
		if stream == nil {
			return fmt.Errorf("open the event stream first")
		}
		d, err := time.ParseDuration(within)
		if err != nil {
			return err
		}
		deadline := time.Now().Add(d)
		for !stream.find(typ, w.expand(text)) {
			if time.Now().After(deadline) {
				stream.mu.Lock()
				defer stream.mu.Unlock()
				return fmt.Errorf("no %s event containing %q within %s; got %d events: %v", typ, text, d, len(stream.events), stream.events)
			}
			time.Sleep(5 * time.Millisecond)
		}
		return nil
	})
	sc.Step(`^the event stream has (?:received|sent) no "([^"]*)" event(?: containing "([^"]*)")?$`, func(typ, text string) error {
		if stream != nil && stream.find(typ, w.expand(text)) {
			return fmt.Errorf("the event stream received a %s event containing %q", typ, text)
		}
		return nil
	})
	sc.Step(`^the event stream's "([^"]*)" event has an id above "([^"]*)"$`, func(typ, than string) error {
		if stream == nil {
			return fmt.Errorf("open the event stream first")
		}
		e, ok := stream.last(typ)
		if !ok {
			return fmt.Errorf("the event stream has received no %s event", typ)
		}
		got, err1 := strconv.ParseInt(e.ID, 10, 64)
		limit, err2 := strconv.ParseInt(w.expand(than), 10, 64)
		if err1 != nil || err2 != nil || got <= limit {
			return fmt.Errorf("the %s event has id %q, want one above %q", typ, e.ID, w.expand(than))
		}
		return nil
	})
}
