package main

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// failing is a feature file whose second scenario fails.
const failing = `Feature: make targets
  Scenario: health answers
    When I send a GET request to "/_sim/health"
    Then the response status is 200

  Scenario: a route that is not there
    When I send a GET request to "/_sim/nothing"
    Then the response status is 200
`

// TestMakeTargetsFailWithTheScenario runs the Makefile as CI does: a failing scenario must fail
// the target, name the file and line, and a JUnit report on stdout must be nothing but XML.
func TestMakeTargetsFailWithTheScenario(t *testing.T) {
	clearEnv(t)
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatalf("make is needed to test the Makefile: %v", err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "make.feature"), []byte(failing), 0o644); err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	// The targets run this test binary as notifysim instead of `go run`, which would compile
	// the command again (without -race, so every package) in the middle of make test.
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		wantStdout []string
		junit      bool
	}{
		{name: "features", args: []string{"features", "FEATURES=" + dir},
			wantStdout: []string{dir + "/make.feature:6  a route that is not there", "status is 404, want 200", "2 scenarios: 1 passed, 1 failed"}},
		{name: "verify junit", args: []string{"verify", "FEATURES=" + dir, "FORMAT=junit"}, junit: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			cmd := exec.Command("make", append([]string{"--no-print-directory", "-C", root, "NOTIFYSIM=" + exe}, tc.args...)...)
			cmd.Env = append(os.Environ(), asCLI+"=1")
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if err == nil {
				t.Fatalf("make %v passed with a failing scenario; stdout:\n%s", tc.args, stdout.String())
			}
			for _, w := range tc.wantStdout {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s\nstderr:\n%s", w, stdout.String(), stderr.String())
				}
			}
			if tc.junit {
				var doc struct {
					Failures int `xml:"failures,attr"`
				}
				if err := xml.Unmarshal(stdout.Bytes(), &doc); err != nil || doc.Failures != 1 {
					t.Errorf("stdout is not the JUnit report alone (%v, %d failures):\n%s", err, doc.Failures, stdout.String())
				}
			}
		})
	}
}
