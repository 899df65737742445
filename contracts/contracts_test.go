package contracts

import (
	"bytes"
	"os"
	"testing"

	"github.com/notifysim/notifysim/simulator"
)

// TestFeatures runs every feature file the way `notifysim verify --target URL --reset` does: one
// long-lived sandbox behind a real listener, its dataset loaded again before each scenario. That
// is how CI jobs use the contracts, and it catches state a reset forgets to start over (ids,
// counters, rules, event history), which a fresh simulator per scenario never would. The
// scenarios that need a sandbox started with options of their own get an in-process one.
// Set NOTIFYSIM_TARGET to run them against a running notifysim instead (its dataset is put back
// at the end), and NOTIFYSIM_TAGS to filter.
func TestFeatures(t *testing.T) {
	target := os.Getenv("NOTIFYSIM_TARGET")
	if target == "" {
		// Strict, like serve --strict: an answer outside the spec fails the test that got it.
		target = simulator.RunT(t).URL()
	}
	status, results := RunResults(Options{
		Target:       target,
		Reset:        true,
		OwnSandboxes: true,
		Tags:         os.Getenv("NOTIFYSIM_TAGS"),
		TestingT:     t,
	})
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
