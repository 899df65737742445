package contracts

import (
	"bytes"
	"os"
	"testing"

	"github.com/notifysim/notifysim/simulator"
)

// sandboxes is how many served sandboxes the scenarios share. Against a target they run one at
// a time, so one sandbox makes the suite as long as the sum of its scenarios' round trips (a
// minute and more under -race on two busy cores, the longest package of make test). With three,
// each scenario takes the next free one: every sandbox still goes through the files in order,
// reset before each scenario after a couple of hundred others ran there.
const sandboxes = 3

// TestFeatures runs every feature file the way `notifysim verify --target URL --reset` does:
// against long-lived sandboxes behind real listeners, the demo dataset loaded again before each
// scenario. That is how CI jobs use the contracts, and it catches state a reset forgets to start
// over (ids, counters, rules, event history), which a fresh simulator per scenario never would.
// The scenarios that need a sandbox started with options of their own get an in-process one.
// Set NOTIFYSIM_TARGET to run them against a running notifysim instead (its dataset is put back
// at the end), and NOTIFYSIM_TAGS to filter.
func TestFeatures(t *testing.T) {
	opts := Options{
		Target:       os.Getenv("NOTIFYSIM_TARGET"),
		Reset:        true,
		OwnSandboxes: true,
		Tags:         os.Getenv("NOTIFYSIM_TAGS"),
		TestingT:     t,
	}
	if opts.Target == "" {
		for range sandboxes {
			// Strict, like serve --strict: an answer outside the spec fails the test.
			opts.sandboxes = append(opts.sandboxes, simulator.RunT(t).URL())
		}
	}
	status, results := RunResults(opts)
	var failures bytes.Buffer
	for _, r := range results {
		if r.Status != "passed" {
			writeFailure(&failures, r)
		}
	}
	// The summary line is what make test counts scenarios by.
	t.Log(Summary(results, 0))
	if status != Passed || failures.Len() > 0 {
		t.Fatalf("contracts failed (status %d):\n%s", status, failures.String())
	}
}
