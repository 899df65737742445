package fault

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/notifysim/notifysim/simulator/core"
)

var known = map[string][]string{
	"luma": {"notifyLumaUser"},
	"kore": {"getProactiveNotificationStatus", "sendProactiveNotification"},
}

func newSet(t *testing.T, seed uint64) (*Set, *core.Subscription) {
	t.Helper()
	env := &core.Env{Bus: core.NewBus(), Clock: core.NewClock()}
	sub := env.Bus.Subscribe(1024, nil)
	t.Cleanup(sub.Close)
	return New(env, known, seed), sub
}

func mustAdd(t *testing.T, s *Set, r Rule) State {
	t.Helper()
	st, err := s.Add(r, false)
	if err != nil {
		t.Fatalf("Add(%+v): %v", r, err)
	}
	return st
}

func request(s *Set, vendor, op, tenant string) (Outcome, *core.Request) {
	req := &core.Request{ID: "r", Operation: op}
	return s.Request(Match{Vendor: vendor, Operation: op, Tenant: tenant, Request: req}), req
}

func TestCheckNamesTheField(t *testing.T) {
	tests := []struct {
		rule string
		want string
	}{
		{`{"vendor":"twilio","action":"drop"}`, `vendor: must be one of kore, luma`},
		{`{"vendor":"luma","operation":"send","action":"drop"}`, `operation: luma has no operation "send"`},
		{`{"vendor":"luma","action":"explode"}`, `action: must be one of respond, delay`},
		{`{"vendor":"luma","action":"respond"}`, `status: respond needs an error status`},
		{`{"vendor":"luma","action":"respond","status":200}`, `status:`},
		{`{"vendor":"luma","action":"respond","status":503,"retryAfter":-1}`, `retryAfter:`},
		{`{"vendor":"luma","action":"delay"}`, `delay: the delay action needs`},
		{`{"vendor":"luma","action":"delay","delay":"0s"}`, `delay.fixed: must be a positive`},
		{`{"vendor":"luma","action":"delay","delay":"1h"}`, `delay.fixed: 1h0m0s is longer`},
		{`{"vendor":"luma","action":"delay","delay":{"distribution":"uniform","min":"2s","max":"1s"}}`, `delay.min, max`},
		{`{"vendor":"luma","action":"delay","delay":{"distribution":"lognormal"}}`, `delay.median`},
		{`{"vendor":"luma","action":"delay","delay":{"distribution":"lognormal","median":"1s","sigma":9}}`, `delay.sigma`},
		{`{"vendor":"luma","action":"delay","delay":{"distribution":"poisson"}}`, `delay.distribution`},
		{`{"vendor":"luma","action":"drop","status":503}`, `only the respond action answers`},
		{`{"vendor":"luma","action":"drop","delay":"1s"}`, `delay: only the delay action waits`},
		{`{"vendor":"luma","action":"drop","recipient":"ruth"}`, `recipient: only fail-delivery`},
		{`{"vendor":"luma","action":"drop","probability":1.5}`, `probability: must be between 0 and 1`},
		{`{"vendor":"luma","action":"drop","count":-1}`, `count:`},
		{`{"vendor":"luma","action":"drop","after":-1}`, `after:`},
		{`{"vendor":"luma","action":"drop","id":"a b"}`, `id:`},
		{`{"vendor":"luma","action":"respond","status":503,"body":{"x":1},"count":2,"after":1}`, ``},
		{`{"vendor":"kore","action":"fail-delivery","recipient":"alice@example.com","tenant":"st-demo-bot"}`, ``},
		{`{"vendor":"luma","action":"delay","delay":{"distribution":"uniform","min":"1ms","max":"2ms"}}`, ``},
	}
	for _, tc := range tests {
		var r Rule
		if err := json.Unmarshal([]byte(tc.rule), &r); err != nil {
			t.Fatalf("%s: %v", tc.rule, err)
		}
		err := r.Check(known)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.rule, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want one containing %q", tc.rule, err, tc.want)
		}
	}
}

func TestLatencyJSON(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{`"300ms"`, ""},
		{`{"distribution":"uniform","min":"1ms","max":"2ms"}`, ""},
		{`"soon"`, `"soon" is not a duration`},
		{`{"distribution":"uniform","mean":"1ms"}`, "unknown field"},
		{`5`, "must be a duration"},
	}
	for _, tc := range tests {
		var l Latency
		err := json.Unmarshal([]byte(tc.in), &l)
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: error %v, want %q", tc.in, err, tc.want)
		}
	}
	out, _ := json.Marshal(Fixed(300 * time.Millisecond))
	if string(out) != `{"fixed":"300ms"}` {
		t.Errorf("Fixed marshals as %s", out)
	}
}

func TestLatencyDrawStaysInBounds(t *testing.T) {
	uniform := &Latency{Distribution: "uniform", Min: Duration(100 * time.Millisecond), Max: Duration(200 * time.Millisecond)}
	lognormal := &Latency{Distribution: "lognormal", Median: Duration(time.Second), Sigma: 5}
	for _, u := range []float64{0, 0.25, 0.5, 0.999999} {
		if d := uniform.draw(u, 0.3); d < 100*time.Millisecond || d > 200*time.Millisecond {
			t.Errorf("uniform draw %v out of [100ms, 200ms]", d)
		}
		if d := lognormal.draw(u, 0.3); d <= 0 || d > MaxDelay {
			t.Errorf("lognormal draw %v out of (0, %s]", d, MaxDelay)
		}
	}
	if d := lognormal.draw(0.5, 0.25); d != time.Second { // z = 0 at the median
		t.Errorf("lognormal median draw = %v, want 1s", d)
	}
}

func TestCountAndAfter(t *testing.T) {
	s, sub := newSet(t, 1)
	mustAdd(t, s, Rule{Vendor: "luma", Action: Respond, Status: 503, After: 1, Count: 2})
	var got []string
	for range 5 {
		out, req := request(s, "luma", "notifyLumaUser", "acme")
		got = append(got, out.Action)
		if (out.Action != "") != (len(req.Faults()) == 1) {
			t.Errorf("request marked %v for outcome %q", req.Faults(), out.Action)
		}
	}
	want := []string{"", Respond, Respond, "", ""}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("outcomes %q, want %q", got, want)
	}
	st := s.List()[0]
	if st.Matched != 3 || st.Fired != 2 || !st.Expired {
		t.Errorf("state %+v: want matched 3 (after expiry no more), fired 2, expired", st)
	}
	// Events reach C from the bus's own goroutine, one at a time: receive them.
	var events []core.Event
	for len(events) < 2 {
		select {
		case e := <-sub.C:
			events = append(events, e)
		case <-time.After(5 * time.Second): // a hang guard, not a speed assertion
			t.Fatalf("%d fault.applied events, want 2", len(events))
		}
	}
	if e := events[0]; e.Type != core.EventFaultApplied || e.Data.(core.FaultApplied).Rule != "f-1" || e.Data.(core.FaultApplied).Status != 503 {
		t.Errorf("event %+v", e)
	}
	select {
	case e := <-sub.C:
		t.Errorf("a third event %+v, want 2", e)
	case <-time.After(50 * time.Millisecond):
	}
}

func TestMatching(t *testing.T) {
	s, _ := newSet(t, 1)
	mustAdd(t, s, Rule{Vendor: "kore", Operation: "sendProactiveNotification", Tenant: "st-demo-bot", Action: Drop})
	tests := []struct {
		vendor, op, tenant string
		want               string
	}{
		{"kore", "sendProactiveNotification", "ST-DEMO-BOT", Drop},
		{"kore", "getProactiveNotificationStatus", "st-demo-bot", ""},
		{"kore", "sendProactiveNotification", "st-other-bot", ""},
		{"luma", "sendProactiveNotification", "st-demo-bot", ""},
	}
	for _, tc := range tests {
		if out, _ := request(s, tc.vendor, tc.op, tc.tenant); out.Action != tc.want {
			t.Errorf("%s %s %s: %q, want %q", tc.vendor, tc.op, tc.tenant, out.Action, tc.want)
		}
	}
}

func TestDelaysAddUpBeforeTheFirstAnswer(t *testing.T) {
	s, _ := newSet(t, 1)
	mustAdd(t, s, Rule{Vendor: "luma", Action: Delay, Delay: Fixed(100 * time.Millisecond)})
	mustAdd(t, s, Rule{Vendor: "luma", Action: Delay, Delay: Fixed(200 * time.Millisecond)})
	mustAdd(t, s, Rule{Vendor: "luma", Action: Hang})
	mustAdd(t, s, Rule{Vendor: "luma", Action: Drop})
	out, req := request(s, "luma", "notifyLumaUser", "")
	if out.Delay != 300*time.Millisecond || out.Action != Hang || out.Rule.ID != "f-3" {
		t.Errorf("outcome %+v: want 300ms then hang by f-3", out)
	}
	if got := strings.Join(req.Faults(), ","); got != "f-1,f-2,f-3" {
		t.Errorf("request marked %s", got)
	}
	if s.List()[3].Matched != 0 {
		t.Error("a rule after the deciding one counted a match")
	}
}

// draws returns which of n matches a probability rule fires on.
func draws(t *testing.T, s *Set, n int) string {
	t.Helper()
	var b strings.Builder
	for range n {
		out, _ := request(s, "luma", "notifyLumaUser", "")
		if out.Action != "" {
			b.WriteByte('x')
		} else {
			b.WriteByte('.')
		}
	}
	return b.String()
}

func TestProbabilityReplaysWithASeed(t *testing.T) {
	run := func(simSeed, ruleSeed uint64) string {
		s, _ := newSet(t, simSeed)
		mustAdd(t, s, Rule{Vendor: "luma", Action: Drop, Probability: Chance(0.5), Seed: ruleSeed})
		return draws(t, s, 40)
	}
	a, b := run(42, 0), run(42, 0)
	if a != b {
		t.Errorf("the same simulator seed drew %s then %s", a, b)
	}
	if strings.Count(a, "x") == 0 || strings.Count(a, ".") == 0 {
		t.Errorf("probability 0.5 drew %s", a)
	}
	if c, d := run(1, 7), run(2, 7); c != d {
		t.Errorf("a rule's own seed drew %s and %s under different simulator seeds", c, d)
	}
	never, _ := newSet(t, 3)
	mustAdd(t, never, Rule{Vendor: "luma", Action: Drop, Probability: Chance(0)})
	if got := draws(t, never, 20); strings.Contains(got, "x") {
		t.Errorf("probability 0 fired: %s", got)
	}
}

func TestResetKeepsFileRulesStartedOver(t *testing.T) {
	s, _ := newSet(t, 5)
	if err := s.Load([]byte("faults:\n  - {vendor: luma, action: drop, probability: 0.5}\n")); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, s, Rule{Vendor: "kore", Action: Hang})
	first := draws(t, s, 30)
	s.Reset()
	list := s.List()
	if len(list) != 1 || !list[0].FromFile || list[0].Matched != 0 || list[0].Fired != 0 {
		t.Fatalf("after reset: %+v", list)
	}
	if again := draws(t, s, 30); again != first {
		t.Errorf("after reset the file rule drew %s, before %s", again, first)
	}
	s.Clear()
	if len(s.List()) != 0 {
		t.Error("Clear left rules")
	}
}

// TestResetStartsIdsAndSeedsOver: after a reset the rules added through the API get the ids and
// seeds they get on a fresh set holding the same file, so a contract that expects f-1 passes on a
// long-lived sandbox that is reset before each scenario.
func TestResetStartsIdsAndSeedsOver(t *testing.T) {
	tests := []struct {
		name string
		file string
		want string // the id of the first rule added after a reset
	}{
		{"no file", "", "f-1"},
		{"a file rule without an id", "- {vendor: luma, action: drop}\n", "f-2"},
		{"a file rule named f-1", "- {id: f-1, vendor: luma, action: drop, seed: 9}\n", "f-2"},
		{"a file rule named f-2", "- {id: f-2, vendor: luma, action: drop}\n", "f-1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			load := func() *Set {
				s, _ := newSet(t, 11)
				if tc.file != "" {
					if err := s.Load([]byte(tc.file)); err != nil {
						t.Fatal(err)
					}
				}
				return s
			}
			fresh := mustAdd(t, load(), Rule{Vendor: "kore", Action: Hang})
			s := load()
			for range 9 {
				mustAdd(t, s, Rule{Vendor: "kore", Action: Hang})
			}
			s.Reset()
			got := mustAdd(t, s, Rule{Vendor: "kore", Action: Hang})
			if got.ID != tc.want || fresh.ID != tc.want {
				t.Errorf("first id after a reset %s, on a fresh set %s; want %s", got.ID, fresh.ID, tc.want)
			}
			if got.Seed != fresh.Seed {
				t.Errorf("first seed after a reset %d, on a fresh set %d", got.Seed, fresh.Seed)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name, file, want string
		rules            int
	}{
		{"YAML list", "- {vendor: luma, action: respond, status: 503}\n- {vendor: kore, action: delay, delay: 300ms}\n", "", 2},
		{"JSON object", `{"faults":[{"vendor":"luma","action":"drop"}]}`, "", 1},
		{"misspelt field", "- {vendor: luma, action: drop, probabilty: 0.5}\n", "unknown field", 0},
		{"second rule wrong", "- {vendor: luma, action: drop}\n- {vendor: luma, action: nap}\n", "rule 2: action", 0},
		{"not YAML", "\t- [", "faults file", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newSet(t, 1)
			err := s.Load([]byte(tc.file))
			if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
			if len(s.List()) != tc.rules {
				t.Errorf("%d rules loaded, want %d", len(s.List()), tc.rules)
			}
		})
	}
}

func TestFailDelivery(t *testing.T) {
	s, sub := newSet(t, 1)
	mustAdd(t, s, Rule{Vendor: "luma", Recipient: "+256751351363", Action: FailDelivery, Count: 1})
	mustAdd(t, s, Rule{Vendor: "luma", Action: Respond, Status: 500})
	req := &core.Request{ID: "r1"}
	if _, ok := s.FailDelivery(req, "luma", "acme", "ruth"); ok {
		t.Error("failed a recipient the rule does not name")
	}
	if rule, ok := s.FailDelivery(req, "luma", "acme", "256751351363"); !ok || rule != "f-1" {
		t.Errorf("FailDelivery = %q, %v; want f-1 (phone numbers match without their +)", rule, ok)
	}
	if _, ok := s.FailDelivery(req, "luma", "acme", "+256751351363"); ok {
		t.Error("count 1 failed a second delivery")
	}
	if strings.Join(req.Faults(), ",") != "f-1" || len(req.Notes()) != 1 {
		t.Errorf("request marks %v notes %v", req.Faults(), req.Notes())
	}
	if e := <-sub.C; e.Data.(core.FaultApplied).Recipient != "256751351363" {
		t.Errorf("event %+v", e)
	}
	if out, _ := request(s, "kore", "sendProactiveNotification", ""); out.Action != "" {
		t.Error("a respond rule for luma answered kore")
	}
}

func TestIDs(t *testing.T) {
	s, _ := newSet(t, 1)
	mustAdd(t, s, Rule{ID: "f-2", Vendor: "luma", Action: Drop})
	if st := mustAdd(t, s, Rule{Vendor: "luma", Action: Drop}); st.ID != "f-1" {
		t.Errorf("first generated id %s", st.ID)
	}
	if st := mustAdd(t, s, Rule{Vendor: "luma", Action: Drop}); st.ID != "f-3" {
		t.Errorf("generated id %s collides or skips", st.ID)
	}
	if _, err := s.Add(Rule{ID: "f-2", Vendor: "luma", Action: Drop}, false); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("duplicate id: %v", err)
	}
	if !s.Delete("f-2") || s.Delete("f-2") {
		t.Error("Delete")
	}
	if st := s.List()[0]; st.Seed == 0 || st.Seed >= 1<<53 {
		t.Errorf("derived seed %d: want a nonzero seed a JavaScript number holds", st.Seed)
	}
}

// TestActiveFollowsTheRules: Active, which lets a request skip the rules when there are none,
// follows every way rules come and go.
func TestActiveFollowsTheRules(t *testing.T) {
	s, _ := newSet(t, 5)
	steps := []struct {
		name string
		do   func()
		want bool
	}{
		{"new", func() {}, false},
		{"file rule loaded", func() {
			if err := s.Load([]byte("faults:\n  - {vendor: luma, action: drop}\n")); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"rule added", func() { mustAdd(t, s, Rule{ID: "k", Vendor: "kore", Action: Hang}) }, true},
		{"reset keeps the file rule", s.Reset, true},
		{"cleared", s.Clear, false},
		{"added again", func() { mustAdd(t, s, Rule{ID: "k", Vendor: "kore", Action: Hang}) }, true},
		{"deleted", func() { s.Delete("k") }, false},
	}
	for _, st := range steps {
		st.do()
		if got := s.Active(); got != st.want {
			t.Fatalf("%s: Active() = %v, want %v", st.name, got, st.want)
		}
	}
	if _, ok := s.FailDelivery(nil, "luma", "", "ruth"); ok {
		t.Fatal("FailDelivery failed a delivery with no rules")
	}
}
