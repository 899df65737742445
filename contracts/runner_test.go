package contracts

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"
)

func TestRunRefusesASelectionWithNoScenario(t *testing.T) {
	var out bytes.Buffer
	if got := Run(Options{Tags: "@no-such-tag", Output: &out}); got != NoScenario {
		t.Fatalf("status %d, want %d (NoScenario); output: %s", got, NoScenario, out.String())
	}
	if !strings.Contains(out.String(), "no scenario matches") {
		t.Errorf("output does not say why: %s", out.String())
	}
}

func TestRunReportsInPlainTextOffATerminal(t *testing.T) {
	fs := fstest.MapFS{"x/health.feature": {Data: []byte(`Feature: health
  Scenario: the sandbox is up
    When I send a GET request to "/_sim/health"
    Then the response status is 200
`)}}
	var out bytes.Buffer
	if got := Run(Options{FS: fs, Format: "pretty", Output: &out}); got != Passed {
		t.Fatalf("status %d; output: %s", got, out.String())
	}
	if strings.Contains(out.String(), "\x1b[") {
		t.Errorf("a report written to a buffer has colour codes: %q", out.String())
	}
	if !strings.Contains(out.String(), "1 scenarios (1 passed)") {
		t.Errorf("unexpected report: %s", out.String())
	}
}
