package simulator

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/notifysim/notifysim/simulator/admin"
	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/fixtures"
	"github.com/notifysim/notifysim/simulator/kore"
	"github.com/notifysim/notifysim/simulator/luma"
	"github.com/notifysim/notifysim/simulator/luminous"
	"github.com/notifysim/notifysim/simulator/metrics"
	"github.com/notifysim/notifysim/simulator/mykaarma"
)

// vendorsFor builds the simulated APIs, each with its own state, sharing env.
func vendorsFor(env *core.Env) []core.Vendor {
	return []core.Vendor{luma.New(env), luminous.New(env), mykaarma.New(env), kore.New(env)}
}

// load swaps in a dataset atomically: every vendor parses its section first, and only when all
// succeed are they committed and the recorded state cleared. source is the document ds was
// parsed from, so that an error can name its line (nil when there is none).
func (s *Simulator) load(ds fixtures.Dataset, source []byte) error {
	known := map[string]bool{}
	var commits []func()
	for _, v := range s.vendors {
		known[v.Name()] = true
		commit, err := v.Load(ds[v.Name()])
		if err != nil {
			if located := fixtures.Locate(err, v.Name(), source); located != err {
				return located
			}
			return fmt.Errorf("fixtures for %s: %w", v.Name(), err)
		}
		commits = append(commits, commit)
	}
	var unknown []string
	for name := range ds {
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("fixtures name unknown APIs %v; known: luma, luminous, mykaarma, kore", unknown)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range commits {
		c()
	}
	s.dataset = ds
	if s.data != nil && s.env.Durable != nil {
		s.data.ResetTo(ds)
	}
	// Timers belong to the state being replaced (scheduled deliveries, running jobs).
	s.env.Clock.Reset(s.opts.StartTime)
	s.env.Store.Reset()
	s.journal.Reset()
	s.env.Troubleshoot.Reset()
	s.env.Callbacks.Reset()
	// A new stream epoch: a client resuming from before it gets this event, not the events of
	// what was just forgotten.
	s.env.Bus.Reset(core.Event{Type: core.EventStateReset, Time: s.env.Clock.Now()})
	return nil
}

// Reset returns every vendor to the loaded dataset, forgets messages, journal, troubleshoot log
// and callbacks, puts the clock back where it started (running, or frozen at StartTime), and
// keeps only the fault rules of Options.Faults, started over.
func (s *Simulator) Reset() error {
	s.mu.Lock()
	ds := s.dataset
	s.mu.Unlock()
	if err := s.load(ds, nil); err != nil {
		return err
	}
	s.faults.Reset()
	return nil
}

// LoadFixtures replaces the dataset (YAML or JSON) and resets to it, as Reset does, fault rules
// included. On error nothing changes.
func (s *Simulator) LoadFixtures(data []byte) error {
	ds, err := fixtures.Parse(data)
	if err != nil {
		return err
	}
	if err := s.load(ds, data); err != nil {
		return err
	}
	s.faults.Reset()
	return nil
}

// control is the admin API's view of the simulator.
func (s *Simulator) control() admin.Control {
	return admin.Control{
		Env:          s.env,
		Journal:      s.journal,
		Metrics:      s.metrics.Expose,
		Reset:        s.Reset,
		LoadFixtures: s.LoadFixtures,
		Snapshot: func(name string) (any, bool) {
			v, ok := s.byName[name]
			if !ok {
				return nil, false
			}
			return v.Snapshot(), true
		},
		Vendors: func() []string {
			var out []string
			for _, v := range s.vendors {
				out = append(out, v.Name())
			}
			return out
		},
		NormalizeRecipient: s.normalizeRecipient,
		Directory: func() []core.DirectoryGroup {
			var out []core.DirectoryGroup
			for _, v := range s.vendors {
				if d, ok := v.(core.Directory); ok {
					out = append(out, d.Directory()...)
				}
			}
			return out
		},
		Dataset: func() any {
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.dataset
		},
		Faults:  s.faults,
		Version: s.opts.Version,
		Started: s.started,
		Done:    s.ctx.Done(),

		EventWriteTimeout: s.opts.EventWriteTimeout,
	}
}

// Env exposes the shared state: store, bus, clock, ids, troubleshoot log, callbacks.
func (s *Simulator) Env() *core.Env { return s.env }

// Journal is the request journal.
func (s *Simulator) Journal() *core.Journal { return s.journal }

// Clock is the simulator's clock.
func (s *Simulator) Clock() *core.Clock { return s.env.Clock }

// Messages returns stored messages matching f, newest first.
func (s *Simulator) Messages(f core.Filter) []core.Message { return s.env.Store.Query(f) }

// Inbox returns the messages of one recipient of one vendor, newest first.
func (s *Simulator) Inbox(vendor, recipient string) []core.Message {
	return s.env.Store.Query(core.Filter{Vendor: vendor, Recipient: recipient})
}

// Advance moves the clock forward, delivering whatever falls due.
func (s *Simulator) Advance(d time.Duration) { s.env.Clock.Advance(d) }

// Freeze stops the clock; it then moves only with Advance or Set.
func (s *Simulator) Freeze() { s.env.Clock.Freeze() }

// normalizeRecipient rewrites a recipient filter with the normaliser of the filter's vendor, or,
// with no vendor named, with the one vendor whose normaliser accepts it (none or several: left as
// given, since the spelling is then nobody's or ambiguous).
func (s *Simulator) normalizeRecipient(vendor, id string) string {
	found := ""
	for _, v := range s.vendors {
		n, ok := v.(core.RecipientNormalizer)
		if !ok || (vendor != "" && !strings.EqualFold(vendor, v.Name())) {
			continue
		}
		if out, ok := n.NormalizeRecipient(id); ok {
			if found != "" {
				return ""
			}
			found = out
		}
	}
	return found
}

// newMetrics builds the simulator's own Prometheus registry; its gauges read the store, the bus
// and the journal when /metrics is scraped, so the request path only counts.
func newMetrics(s *Simulator) *metrics.Metrics {
	return metrics.New(metrics.Source{
		Messages:      s.env.Store.Len,
		Subscribers:   s.env.Bus.Subscribers,
		EventsDropped: s.env.Bus.Dropped,
		Journal:       s.journal.Total,
	})
}
