package fault

import (
	"encoding/json"
	"testing"

	"github.com/notifysim/notifysim/simulator/core"
)

// FuzzRule feeds any JSON to a rule as POST /_sim/faults does: a rule is either refused with an
// error or added, and applying it never panics.
func FuzzRule(f *testing.F) {
	for _, seed := range []string{
		`{"vendor":"luma","action":"respond","status":503,"count":1}`,
		`{"vendor":"kore","action":"delay","delay":{"distribution":"lognormal","median":"1ms","sigma":5}}`,
		`{"vendor":"kore","action":"delay","delay":{"distribution":"uniform","min":"0s","max":"1ms"},"probability":0.3}`,
		`{"vendor":"luma","action":"fail-delivery","recipient":"+1","after":2}`,
		`{"vendor":"luma","action":"respond","status":429,"body":[1,2],"retryAfter":9}`,
		`{"delay":"-1s"}`, `null`, `[]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Rule
		if json.Unmarshal(data, &r) != nil {
			return
		}
		env := &core.Env{Bus: core.NewBus(), Clock: core.NewClock()}
		s := New(env, known, 9)
		st, err := s.Add(r, false)
		if err != nil {
			return
		}
		req := &core.Request{ID: "r", Operation: "notifyLumaUser"}
		for range 3 {
			out := s.Request(Match{Vendor: r.Vendor, Operation: req.Operation, Tenant: r.Tenant, Request: req})
			if out.Delay < 0 || out.Delay > 3*MaxDelay {
				t.Fatalf("rule %s drew delay %v", data, out.Delay)
			}
			s.FailDelivery(req, r.Vendor, r.Tenant, r.Recipient)
		}
		if _, err := json.Marshal(s.List()); err != nil {
			t.Fatalf("rule %s does not list: %v", st.ID, err)
		}
	})
}

// FuzzLoad feeds any file to serve --faults: it loads or says why, never panics.
func FuzzLoad(f *testing.F) {
	f.Add([]byte("- {vendor: luma, action: drop}\n"))
	f.Add([]byte("faults:\n  - vendor: kore\n    action: delay\n    delay: 300ms\n"))
	f.Add([]byte("{\"faults\": 3}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := New(&core.Env{Bus: core.NewBus(), Clock: core.NewClock()}, known, 1)
		if err := s.Load(data); err != nil && len(s.List()) != 0 {
			t.Fatalf("a file that failed to load added %d rules", len(s.List()))
		}
	})
}
