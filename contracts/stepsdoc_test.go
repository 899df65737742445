package contracts

import (
	"bytes"
	"os"
	"testing"
)

// TestStepsDocIsCurrent fails when a step was added, changed or moved without running
// go generate ./contracts/.
func TestStepsDocIsCurrent(t *testing.T) {
	var want bytes.Buffer
	if err := WriteStepsDoc(&want, "."); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("STEPS.md")
	if err != nil {
		t.Fatalf("%v; run go generate ./contracts/", err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("contracts/STEPS.md is stale; run go generate ./contracts/")
	}
}
