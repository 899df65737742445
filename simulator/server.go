// Package simulator is notifysim as a Go library: New builds a simulator that serves the four
// vendor APIs and the /_sim admin API as an http.Handler, and RunT starts one for a test.
package simulator

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/notifysim/notifysim/openapi"
	"github.com/notifysim/notifysim/simulator/admin"
	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/fault"
	"github.com/notifysim/notifysim/simulator/fixtures"
	"github.com/notifysim/notifysim/simulator/flow"
	"github.com/notifysim/notifysim/simulator/guard"
	"github.com/notifysim/notifysim/simulator/metrics"
	"github.com/notifysim/notifysim/simulator/store"
)

// DefaultMaxBodyBytes is the largest request body a vendor route accepts (1 MiB).
const DefaultMaxBodyBytes = 1 << 20

// Options configure a Simulator. The zero value is a simulator with the demo dataset.
type Options struct {
	// Fixtures is a dataset in YAML or JSON. Nil loads the embedded demo dataset unless
	// NoFixtures is set.
	Fixtures   []byte
	NoFixtures bool
	// Strict checks every response against the spec; a response outside it becomes a 500 that
	// says why, and OnSpecViolation is called. Tests should always set it.
	Strict          bool
	OnSpecViolation func(error)
	// Seed makes every generated id reproducible; 0 picks a random seed.
	Seed uint64
	// JournalCap bounds the request journal and the troubleshoot log (default 10,000 entries).
	JournalCap int
	// JournalBytes bounds the journal and the troubleshoot log by size too (default 64 MiB each).
	JournalBytes int64
	// MaxMessages is how many messages the store keeps, the oldest evicted first (default
	// 100,000). Inboxes say how many of theirs were evicted.
	MaxMessages int
	// DataFile, when set, keeps everything in this SQLite file: messages, journal, troubleshoot
	// log, callbacks, the dataset in force, the clock and every vendor's state. A simulator
	// started on an existing file resumes where the last one stopped, and a response that
	// acknowledges a change is written only once the change is on disk.
	DataFile string
	// MaxBodyBytes bounds request bodies (default 1 MiB).
	MaxBodyBytes int64
	// StartTime, when set, starts the clock frozen at that time.
	StartTime time.Time
	// Logger receives one line per request; nil discards.
	Logger *slog.Logger
	// Version is reported by /_sim/health.
	Version string
	// Faults is a file of fault rules (YAML or JSON: a list, or {faults: [...]}) in force from
	// the start; a reset keeps them.
	Faults []byte
	// AdminToken, when set, is the Bearer token every /_sim request must carry. Without it,
	// /_sim answers loopback hosts only and refuses cross-site state changes.
	AdminToken string
	// EventWriteTimeout is how long a write to a /_sim/events stream may stay blocked on a client
	// that stopped reading before the stream is dropped (default 10s).
	EventWriteTimeout time.Duration
}

// Simulator serves the simulated vendor APIs and the admin API.
type Simulator struct {
	opts    Options
	env     *core.Env
	journal *core.Journal
	vendors []core.Vendor
	byName  map[string]core.Vendor
	specs   map[string]*openapi3.T
	flow    *flow.Pipeline
	faults  *fault.Set
	guard   *guard.Guard
	started time.Time
	metrics *metrics.Metrics

	mu      sync.Mutex
	dataset fixtures.Dataset
	data    *store.Store // nil without DataFile
	saved   *store.Saved // what DataFile held at start-up

	ctx    context.Context
	cancel context.CancelFunc
	srv    *httptest.Server // set by RunT
}

// New builds a simulator: it loads and validates every embedded spec, binds each operation to
// its handler by operationId (failing on a mismatch either way), loads the fault rules and the
// dataset.
func New(opts Options) (*Simulator, error) { return build(opts, vendorsFor, loadSpec) }

// build is New with the vendors and their specs supplied, so a test can bind a fake vendor to a
// small spec and check the server around it.
func build(opts Options, vendors func(*core.Env) []core.Vendor, spec func(name string) (*openapi3.T, error)) (*Simulator, error) {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if err := guard.CheckToken(opts.AdminToken); err != nil {
		return nil, fmt.Errorf("Options.AdminToken %v", err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Version == "" {
		opts.Version = "dev"
	}
	clock := core.NewClock()
	if !opts.StartTime.IsZero() {
		clock.Freeze()
		clock.Set(opts.StartTime)
	}
	bus := core.NewBus()
	ids := core.NewIDs(opts.Seed)
	env := &core.Env{
		Store:        core.NewBoundedMemStore(opts.MaxMessages),
		Bus:          bus,
		Clock:        clock,
		IDs:          ids,
		Troubleshoot: core.NewTroubleshootBytes(opts.JournalCap, opts.JournalBytes),
		Callbacks:    core.NewCallbacks(bus, clock, ids),
		Log:          opts.Logger,
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Simulator{
		opts:    opts,
		env:     env,
		journal: core.NewJournalBytes(opts.JournalCap, opts.JournalBytes),
		byName:  map[string]core.Vendor{},
		specs:   map[string]*openapi3.T{},
		started: time.Now(),
		guard:   guard.New(opts.AdminToken),
		ctx:     ctx,
		cancel:  cancel,
	}
	s.metrics = newMetrics(s)
	s.vendors = vendors(env)
	for _, v := range s.vendors {
		s.byName[v.Name()] = v
	}
	if err := s.mount(spec); err != nil {
		cancel()
		return nil, err
	}
	if opts.Faults != nil {
		if err := s.faults.Load(opts.Faults); err != nil {
			cancel()
			return nil, err
		}
	}
	ds := fixtures.Dataset{}
	saved, err := s.openData()
	if err != nil {
		cancel()
		return nil, err
	}
	switch {
	case saved != nil && !saved.Empty():
		if err := json.Unmarshal(saved.Dataset, &ds); err != nil {
			s.closeData()
			cancel()
			return nil, fmt.Errorf("data file %s: the dataset it holds is unreadable: %w", opts.DataFile, err)
		}
	case opts.Fixtures != nil:
		parsed, err := fixtures.Parse(opts.Fixtures)
		if err != nil {
			cancel()
			return nil, err
		}
		ds = parsed
	case !opts.NoFixtures:
		demo, err := fixtures.Demo()
		if err != nil {
			cancel()
			return nil, fmt.Errorf("demo dataset: %w", err)
		}
		ds = demo
	}
	source := opts.Fixtures // the document an error's line is looked up in
	if saved != nil && !saved.Empty() {
		source = nil
	}
	if err := s.load(ds, source); err != nil {
		s.closeData()
		cancel()
		return nil, err
	}
	if err := s.resume(saved, ds); err != nil {
		s.closeData()
		cancel()
		return nil, err
	}
	return s, nil
}

// loadSpec reads and parses one embedded document. Its servers stay: the pipeline serves each path
// under each server's base path and then detaches the document from them. The documents are
// part of the binary, so they are validated by a test (TestEmbeddedSpecsAreValid) rather than on
// every start: validation was a tenth of start-up and changes nothing in the document.
func loadSpec(name string) (*openapi3.T, error) {
	data, err := openapi.JSON(name) // the YAML's twin: kin-openapi reads JSON several times faster
	if err != nil {
		return nil, fmt.Errorf("spec %s: %w", name, err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("spec %s: %w", name, err)
	}
	return doc, nil
}

// mount loads each vendor's spec and the admin API's, gives the fault rules the operations they
// may name, and builds the request pipeline over them.
func (s *Simulator) mount(spec func(name string) (*openapi3.T, error)) error {
	// Parsing the five documents is most of start-up: they are parsed side by side.
	names := make([]string, 0, len(s.vendors)+1)
	for _, v := range s.vendors {
		names = append(names, v.Name())
	}
	names = append(names, "admin")
	docs, errs := make([]*openapi3.T, len(names)), make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() { docs[i], errs[i] = spec(name) })
	}
	wg.Wait()
	for i, name := range names {
		if errs[i] != nil {
			return errs[i]
		}
		s.specs[name] = docs[i]
	}
	var mounts []flow.Mount
	for i, v := range s.vendors {
		mounts = append(mounts, flow.Mount{API: v, Doc: docs[i]})
	}
	s.faults = fault.New(s.env, flow.Operations(mounts), s.opts.Seed)
	s.env.Faults = s.faults
	mounts = append(mounts, flow.Mount{API: admin.New(s.control()), Doc: docs[len(docs)-1]})
	p, err := flow.New(flow.Config{
		Env: s.env, Journal: s.journal, Faults: s.faults, MaxBodyBytes: s.opts.MaxBodyBytes,
		Strict: s.opts.Strict, OnSpecViolation: s.opts.OnSpecViolation, Done: s.ctx, Log: s.env.Log,
		Observe: s.metrics.Observe,
	}, mounts)
	if err != nil {
		return err
	}
	s.flow = p
	return nil
}

// ServeHTTP serves every vendor route and the admin API.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.refuseAdmin(w, r) {
		return
	}
	s.flow.ServeHTTP(w, r)
}

// Close stops background work: callbacks in flight, open event streams and long-polls, hung and
// delayed requests, and the clock's pending timers (a scheduled delivery would otherwise still
// run on the wall clock).
func (s *Simulator) Close() {
	s.cancel()
	s.env.Bus.Close()
	s.env.Callbacks.Close()
	s.closeData() // before the clock reset below, which the data file must not record
	s.env.Clock.Reset(time.Time{})
}
