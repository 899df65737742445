package contracts

import (
	"bytes"
	"os"
	"testing"
)

// TestFeatures runs every feature file, each scenario on its own in-process simulator. Set
// NOTIFYSIM_TARGET to run them against a running notifysim instead (its dataset is replaced
// before each scenario and put back at the end), and NOTIFYSIM_TAGS to filter.
func TestFeatures(t *testing.T) {
	status, results := RunResults(Options{
		Target:   os.Getenv("NOTIFYSIM_TARGET"),
		Reset:    true,
		Tags:     os.Getenv("NOTIFYSIM_TAGS"),
		TestingT: t,
	})
	var failures bytes.Buffer
	for _, r := range results {
		if r.Status != "passed" {
			writeFailure(&failures, r)
		}
	}
	// The summary line is what make test counts scenarios by.
	t.Log(Summary(results, 0))
	if status != Passed {
		t.Fatalf("contracts failed (status %d):\n%s", status, failures.String())
	}
}
