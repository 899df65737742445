package fault_test

import (
	"fmt"

	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/fault"
)

// A rule that lets the first request pass and answers the next two with 503.
func ExampleSet_Request() {
	env := &core.Env{Bus: core.NewBus(), Clock: core.NewClock()}
	rules := fault.New(env, map[string][]string{"luma": {"notifyLumaUser"}}, 1)
	if _, err := rules.Add(fault.Rule{Vendor: "luma", Action: fault.Respond, Status: 503, After: 1, Count: 2}, false); err != nil {
		panic(err)
	}
	for i := range 4 {
		req := &core.Request{ID: fmt.Sprint("req-", i), Operation: "notifyLumaUser"}
		out := rules.Request(fault.Match{Vendor: "luma", Operation: req.Operation, Tenant: "acme", Request: req})
		fmt.Printf("%s: %q %d %v\n", req.ID, out.Action, out.Rule.Status, req.Faults())
	}
	// Output:
	// req-0: "" 0 []
	// req-1: "respond" 503 [f-1]
	// req-2: "respond" 503 [f-1]
	// req-3: "" 0 []
}
