package contracts

import (
	"os"
	"testing"
)

// TestFeatures runs every feature file, each scenario on its own in-process simulator. Set
// NOTIFYSIM_TARGET to run them against a running notifysim instead, and NOTIFYSIM_TAGS to filter.
func TestFeatures(t *testing.T) {
	status := Run(Options{
		Target:   os.Getenv("NOTIFYSIM_TARGET"),
		Tags:     os.Getenv("NOTIFYSIM_TAGS"),
		TestingT: t,
	})
	if status != 0 {
		t.Fatalf("contracts failed (godog status %d)", status)
	}
}
