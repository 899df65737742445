package fault

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/fixtures"
)

// State is a rule as GET /_sim/faults shows it: the rule, how often it matched and fired, and
// whether it came from the --faults file (those survive a reset).
type State struct {
	Rule
	Matched  int  `json:"matched"`
	Fired    int  `json:"fired"`
	Expired  bool `json:"expired"`
	FromFile bool `json:"fromFile"`
}

type entry struct {
	rule    Rule
	seed    uint64
	rng     *core.IDs
	matched int
	fired   int
	file    bool
}

// Set is a simulator's fault rules, in the order they were added. Safe for concurrent use.
type Set struct {
	env   *core.Env
	known map[string][]string

	mu    sync.Mutex
	seeds *core.IDs // hands each rule without its own seed one, so --seed replays the draws
	base  uint64
	rules []*entry
	next  int
	// size is len(rules), readable without the lock: with no rule (the usual case) a request
	// pays neither the lock nor working out its tenant.
	size atomic.Int32
}

// Active reports whether any rule is in force.
func (s *Set) Active() bool { return s.size.Load() > 0 }

// New returns an empty set publishing on env's bus. known maps each vendor to its operationIds;
// seed 0 draws probabilities at random, any other seed replays them.
func New(env *core.Env, known map[string][]string, seed uint64) *Set {
	s := &Set{env: env, known: known, base: seed}
	s.seeds = seedSource(seed)
	return s
}

// seedSource derives the rules' seeds from the simulator's without sharing its id sequence: ids
// drawn by requests must not shift which requests a rule fails.
func seedSource(seed uint64) *core.IDs {
	if seed == 0 {
		return core.NewIDs(0)
	}
	return core.NewIDs(seed ^ 0x6661756c74)
}

// Add checks r, gives it an id when it has none (f-1, f-2 …) and appends it. fromFile marks a rule
// loaded at start, kept by Reset.
func (s *Set) Add(r Rule, fromFile bool) (State, error) {
	if err := r.Check(s.known); err != nil {
		return State{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.ID == "" {
		for {
			s.next++
			r.ID = "f-" + strconv.Itoa(s.next)
			if s.find(r.ID) < 0 {
				break
			}
		}
	} else if s.find(r.ID) >= 0 {
		return State{}, fmt.Errorf("id: a rule %q exists already; delete it first or choose another id", r.ID)
	}
	e := &entry{rule: r, file: fromFile, seed: r.Seed}
	if e.seed == 0 {
		// Below 2^53, so a JavaScript client reads back the seed it can replay.
		e.seed = binary.LittleEndian.Uint64(s.seeds.Bytes(8))&(1<<53-1) | 1
	}
	e.rng = core.NewIDs(e.seed)
	s.rules = append(s.rules, e)
	s.size.Store(int32(len(s.rules)))
	s.changed()
	return e.state(), nil
}

func (s *Set) find(id string) int {
	return slices.IndexFunc(s.rules, func(e *entry) bool { return e.rule.ID == id })
}

func (e *entry) state() State {
	st := State{Rule: e.rule, Matched: e.matched, Fired: e.fired, FromFile: e.file}
	st.Seed = e.seed
	st.Expired = e.rule.Count > 0 && e.fired >= e.rule.Count
	return st
}

// List returns every rule with its counters, in the order they apply.
func (s *Set) List() []State {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]State, len(s.rules))
	for i, e := range s.rules {
		out[i] = e.state()
	}
	return out
}

// Delete removes rule id; false when there is none.
func (s *Set) Delete(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.find(id)
	if i < 0 {
		return false
	}
	s.rules = slices.Delete(s.rules, i, i+1)
	s.size.Store(int32(len(s.rules)))
	s.changed()
	return true
}

// Clear removes every rule, those from the --faults file too.
func (s *Set) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = nil
	s.size.Store(0)
	s.next = 0
	s.seeds = seedSource(s.base)
	s.changed()
}

// Reset keeps the rules loaded from the file, forgets the others, and starts the kept ones over:
// counters at zero and their draws from the beginning, so a reset run replays the same faults.
// Ids and seeds start over too, as right after the file was loaded: the first rule added after a
// reset is f-1 again (or the first id no file rule holds) and gets the seed the first one added
// after start-up got, so a run against a reset sandbox sees what it sees on a fresh one.
func (s *Set) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.rules[:0]
	s.next = 0
	s.seeds = seedSource(s.base)
	for _, e := range s.rules {
		if e.file {
			e.matched, e.fired = 0, 0
			e.rng = core.NewIDs(e.seed)
			if e.rule.Seed == 0 {
				s.seeds.Bytes(8) // the draw Add made for it
			}
			kept = append(kept, e)
		}
	}
	clear(s.rules[len(kept):])
	s.rules = kept
	s.size.Store(int32(len(s.rules)))
	s.changed()
}

// Load parses a rules file (YAML or JSON: a list of rules, or {"faults": [...]}) and adds every
// rule as loaded from the file. Nothing is added when one rule is wrong.
func (s *Set) Load(data []byte) error {
	doc, err := fixtures.YAMLToJSON(data)
	if err != nil {
		return fmt.Errorf("faults file: not YAML or JSON: %v", err)
	}
	var list []Rule
	if t := bytes.TrimSpace(doc); len(t) > 0 && t[0] == '{' {
		var wrapped struct {
			Faults []Rule `json:"faults"`
		}
		if err := strictDecode(doc, &wrapped); err != nil {
			return fmt.Errorf("faults file: %v", err)
		}
		list = wrapped.Faults
	} else if err := strictDecode(doc, &list); err != nil {
		return fmt.Errorf("faults file: want a list of rules or {faults: [...]}: %v", err)
	}
	for i := range list {
		if err := list[i].Check(s.known); err != nil {
			return fmt.Errorf("faults file, rule %d: %v", i+1, err)
		}
	}
	for i, r := range list {
		if _, err := s.Add(r, true); err != nil {
			return fmt.Errorf("faults file, rule %d: %v", i+1, err)
		}
	}
	return nil
}

// Match is one request's place in the fault rules: which vendor, operation and tenant.
type Match struct {
	Vendor, Operation, Tenant string
	Request                   *core.Request
}

// Outcome is what the rules do to one request: wait Delay, then (when Action is set) respond,
// drop or hang as Rule says.
type Outcome struct {
	Delay  time.Duration
	Action string
	Rule   Rule
}

// Request applies the request-level rules (respond, delay, drop, hang) in order: every delay
// that fires adds up, and the first respond, drop or hang that fires decides the answer. Each
// fired rule is marked on the request and published as fault.applied.
func (s *Set) Request(m Match) Outcome {
	var out Outcome
	var fired []core.FaultApplied
	s.mu.Lock()
	for _, e := range s.rules {
		r := &e.rule
		if r.Action == FailDelivery || !e.matches(m.Vendor, m.Operation, m.Tenant) {
			continue
		}
		s.changed() // counters and draws move
		if !e.fire() {
			continue
		}
		f := core.FaultApplied{Rule: r.ID, Action: r.Action, Vendor: m.Vendor, Operation: m.Operation, Tenant: m.Tenant, RequestID: m.Request.ID}
		if r.Action == Delay {
			d := r.Delay.draw(e.rng.Float64(), e.rng.Float64())
			out.Delay += d
			f.DelayMS = d.Milliseconds()
			fired = append(fired, f)
			continue
		}
		out.Action, out.Rule = r.Action, *r
		f.Status = r.Status
		fired = append(fired, f)
		break
	}
	s.mu.Unlock()
	s.announce(m.Request, fired)
	return out
}

// FailDelivery implements core.DeliveryFaults with the fail-delivery rules.
func (s *Set) FailDelivery(req *core.Request, vendor, tenant, recipient string) (string, bool) {
	if !s.Active() {
		return "", false
	}
	op := ""
	if req != nil {
		op = req.Operation
	}
	s.mu.Lock()
	var hit *core.FaultApplied
	for _, e := range s.rules {
		r := &e.rule
		if r.Action != FailDelivery || !e.matches(vendor, op, tenant) || (r.Recipient != "" && !sameRecipient(r.Recipient, recipient)) {
			continue
		}
		s.changed() // counters and draws move
		if !e.fire() {
			continue
		}
		hit = &core.FaultApplied{Rule: r.ID, Action: r.Action, Vendor: vendor, Operation: op, Tenant: tenant, Recipient: recipient}
		if req != nil {
			hit.RequestID = req.ID
		}
		break
	}
	s.mu.Unlock()
	if hit == nil {
		return "", false
	}
	s.announce(req, []core.FaultApplied{*hit})
	if req != nil {
		req.Note("fault %s: delivery to %s fails", hit.Rule, recipient)
	}
	return hit.Rule, true
}

func (s *Set) announce(req *core.Request, fired []core.FaultApplied) {
	for _, f := range fired {
		if req != nil {
			req.MarkFault(f.Rule)
		}
		s.env.PublishFault(f)
	}
}

// matches is the rule's static filter; the caller holds the set's lock.
func (e *entry) matches(vendor, op, tenant string) bool {
	r := &e.rule
	return r.Vendor == vendor &&
		(r.Operation == "" || r.Operation == op) &&
		(r.Tenant == "" || strings.EqualFold(r.Tenant, tenant))
}

// fire counts a match and says whether the rule acts on it: not while After matches pass, not
// once Count firings are spent, and only when the seeded draw falls under Probability.
func (e *entry) fire() bool {
	r := &e.rule
	if r.Count > 0 && e.fired >= r.Count {
		return false
	}
	e.matched++
	if e.matched <= r.After {
		return false
	}
	if r.Probability != nil && e.rng.Float64() >= *r.Probability {
		return false
	}
	e.fired++
	return true
}

// sameRecipient compares recipient ids as the vendors write them: case aside, and phone numbers
// with or without their leading +.
func sameRecipient(a, b string) bool {
	return strings.EqualFold(a, b) || strings.TrimPrefix(a, "+") == strings.TrimPrefix(b, "+")
}

// Answer is the response a respond rule gives when the vendor's own body is not replaced; render
// is the vendor's Reject. Retry-After goes with 429 and 503.
func Answer(r Rule, req *core.Request, render func(*core.Request, core.Rejection) core.Response) core.Response {
	problem := core.Problem{Rule: "fault", Reason: fmt.Sprintf("fault rule %s answered %d %s", r.ID, r.Status, http.StatusText(r.Status))}
	var resp core.Response
	if len(r.Body) > 0 {
		resp = core.Response{Status: r.Status, Body: core.RawBody{ContentType: "application/json", Data: r.Body}, Problems: []core.Problem{problem}}
	} else {
		resp = render(req, core.Rejection{Kind: core.RejectFault, Status: r.Status, Problems: []core.Problem{problem}})
		resp.Status = r.Status
	}
	if ra := r.retryAfter(); ra != "" {
		if resp.Header == nil {
			resp.Header = http.Header{}
		}
		resp.Header.Set("Retry-After", ra)
	}
	return resp
}

func vendorList(known map[string][]string) string {
	names := make([]string, 0, len(known))
	for n := range known {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// strictDecode refuses unknown fields: a misspelt "probabilty" must not silently fire always.
func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
