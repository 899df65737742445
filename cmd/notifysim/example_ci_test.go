package main

import (
	"encoding/xml"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// TestExampleCI runs contracts/examples/ci.sh, the password-reset example's CI job, with this
// test binary as notifysim: sandbox, the service's tests against it, notifysim wait, and the
// contracts as a JUnit report.
func TestExampleCI(t *testing.T) {
	clearEnv(t)
	_, env := cliOnPath(t, "the example CI job", "bash", "curl", "go")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	report := filepath.Join(t.TempDir(), "report.xml")
	cmd := exec.Command("bash", "../../contracts/examples/ci.sh")
	cmd.Env = append(env, "ADDR="+addr, "REPORT="+report)
	if raceEnabled {
		// The job's go test then reuses the packages make test compiled with -race.
		cmd.Env = append(cmd.Env, "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -race"))
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ci.sh failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), `"recipient":{"id":"sam.phyll"`) {
		t.Errorf("notifysim wait printed no message for sam.phyll:\n%s", out)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var junit struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal(data, &junit); err != nil || junit.Tests != 4 || junit.Failures != 0 {
		t.Errorf("JUnit report: %v, %+v\n%s", err, junit, data)
	}
}

// TestExampleWorkflow checks that the GitHub workflow is YAML that installs notifysim, runs ci.sh
// and publishes the report it writes.
func TestExampleWorkflow(t *testing.T) {
	data, err := os.ReadFile("../../contracts/examples/ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	var runs, reports []string
	for _, job := range wf.Jobs {
		for _, s := range job.Steps {
			runs = append(runs, s.Run)
			if p := s.With["report_paths"]; p != "" {
				reports = append(reports, p)
			}
		}
	}
	all := strings.Join(runs, "\n")
	for _, want := range []string{"go build -o", "./cmd/notifysim", "REPORT=report.xml contracts/examples/ci.sh"} {
		if !strings.Contains(all, want) {
			t.Errorf("the workflow does not run %q", want)
		}
	}
	if len(reports) != 1 || reports[0] != "report.xml" {
		t.Errorf("the workflow publishes %v, want the report.xml ci.sh writes", reports)
	}
}
