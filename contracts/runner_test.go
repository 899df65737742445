package contracts

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v21"

	"github.com/notifysim/notifysim/simulator"
)

func TestRunRefusesASelectionWithNoScenario(t *testing.T) {
	var out bytes.Buffer
	if got := Run(Options{Tags: "@no-such-tag", Output: &out, Log: &out}); got != NoScenario {
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

// outline has a plain scenario and an outline whose second row fails.
var outline = fstest.MapFS{"x/status.feature": {Data: []byte(`Feature: health checks
  Scenario: the sandbox is up
    When I send a GET request to "/_sim/health"
    Then the response status is 200

  Scenario Outline: routes answer
    When I send a GET request to "<path>"
    Then the response status is <status>

    Examples:
      | path          | status |
      | /_sim/health  | 200    |
      | /_sim/nothing | 200    |
`)}}

func TestConciseReportNamesTheFailedScenarioStepAndWhy(t *testing.T) {
	var out bytes.Buffer
	status, results := RunResults(Options{FS: outline, Output: &out})
	if status != Failed {
		t.Fatalf("status %d, want %d; output:\n%s", status, Failed, out.String())
	}
	for _, want := range []string{
		"--- FAILED: x/status.feature:13  routes answer [path=/_sim/nothing, status=200]",
		"step x/status.feature:8  Then the response status is 200",
		"status is 404, want 200",
		"3 scenarios: 2 passed, 1 failed",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if len(results) != 3 || results[0].Line != 2 || results[1].Line != 12 {
		t.Errorf("results out of file order: %+v", results)
	}
}

func TestJUnitReportIsValidXMLWithClassnamesAndRowNames(t *testing.T) {
	var out, log bytes.Buffer
	if got := Run(Options{FS: outline, Format: "junit", Output: &out, Log: &log}); got != Failed {
		t.Fatalf("status %d; log: %s", got, log.String())
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name      string `xml:"name,attr"`
				Classname string `xml:"classname,attr"`
				Failure   *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, out.String())
	}
	if doc.Tests != 3 || doc.Failures != 1 || len(doc.Suites) != 1 {
		t.Fatalf("counts: %+v", doc)
	}
	cases := doc.Suites[0].Cases
	names := []string{"the sandbox is up", "routes answer [path=/_sim/health, status=200]", "routes answer [path=/_sim/nothing, status=200]"}
	for i, c := range cases {
		if c.Name != names[i] || c.Classname != "health checks" {
			t.Errorf("case %d is %q (classname %q), want %q (health checks)", i, c.Name, c.Classname, names[i])
		}
	}
	if f := cases[2].Failure; f == nil || !strings.HasPrefix(f.Message, "Then the response status is 200: status is 404, want 200") {
		t.Errorf("failure message: %+v", cases[2].Failure)
	}
}

func TestTargetNeedsResetAndGetsItsDatasetBack(t *testing.T) {
	lumaOnly := []byte("luma:\n  tenants:\n    - {id: t1, token: tok-1, users: [{login: u1, name: U One, role: -3}]}\n")
	sim, err := simulator.New(simulator.Options{Fixtures: lumaOnly})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(func() { srv.Close(); sim.Close() })
	luma := fstest.MapFS{"luma/x.feature": {Data: []byte(`Feature: demo tenant
  Scenario: the demo token works
    Given I set header "Authorization" to "Bearer luma-demo-token"
    When I send a POST request to "/vsa/public/notifylumauser/message" with body:
      """
      {"recipients": {"contacts": ["sam.phyll"]}, "message": "hi"}
      """
    Then the response status is 200
`)}}

	var out, log bytes.Buffer
	if got := Run(Options{FS: luma, Target: srv.URL, Output: &out, Log: &log}); got != BadOptions {
		t.Fatalf("without Reset: status %d, want %d (BadOptions); out %s log %s", got, BadOptions, out.String(), log.String())
	}
	if !strings.Contains(log.String(), "its own dataset (luma)") || !strings.Contains(log.String(), "--reset") {
		t.Errorf("the refusal does not say what and how: %s", log.String())
	}

	out.Reset()
	if got := Run(Options{FS: luma, Target: srv.URL, Reset: true, Output: &out, Log: &log}); got != Passed {
		t.Fatalf("with Reset: status %d; out %s", got, out.String())
	}
	if !strings.HasPrefix(out.String(), "Target "+srv.URL+": notifysim") || !strings.Contains(out.String(), "the demo dataset is loaded") {
		t.Errorf("no header saying what the run changes: %s", out.String())
	}
	if n := len(sim.Messages(simulator.Filter{})); n != 0 {
		t.Errorf("the run left %d messages behind", n)
	}
	resp, err := http.Get(srv.URL + "/_sim/fixtures")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), "tok-1") || strings.Contains(string(body), "luma-demo-token") {
		t.Errorf("the target's own dataset is not back: %s", body)
	}
}

func TestOutlineRowsWithValuesOnlyInDocStringsAreToldApart(t *testing.T) {
	fs := fstest.MapFS{"x/doc.feature": {Data: []byte(`Feature: doc strings
  Scenario Outline: bodies
    When I send a PUT request to "/_sim/fixtures" with content type "application/yaml" and body:
      """
      <fixtures>
      """
    Then the response status is 200

    Examples:
      | fixtures   |
      | luma: {}   |
      | twitter: {} |
`)}}
	var out bytes.Buffer
	_, results := RunResults(Options{FS: fs, Output: &out, Concurrency: 2})
	if len(results) != 2 {
		t.Fatalf("results: %+v", results)
	}
	if r := results[1]; r.Line != 12 || r.Status != "failed" || r.Name != "bodies [fixtures=twitter: {}]" {
		t.Errorf("the failing row is reported as %+v", r)
	}
	if r := results[0]; r.Line != 11 || r.Status != "passed" {
		t.Errorf("the passing row is reported as %+v", r)
	}
}

// TestScenariosATargetCannotRunAreSkippedSayingWhy: against a target, a scenario that needs a
// sandbox of its own is reported as skipped with the reason, not counted as passed; with
// OwnSandboxes it runs on an in-process sandbox instead.
func TestScenariosATargetCannotRunAreSkippedSayingWhy(t *testing.T) {
	target := simulator.RunT(t).URL()
	fs := fstest.MapFS{"x/token.feature": {Data: []byte(`Feature: admin token
  Scenario: the token is needed
    Given the sandbox requires the admin token "s3cret"
    When I send a GET request to "/_sim/messages"
    Then the response status is 401

  Scenario: health answers
    When I send a GET request to "/_sim/health"
    Then the response status is 200
`)}}
	tests := []struct {
		name   string
		own    bool
		format string
		want   []string
	}{
		{name: "concise", format: "concise", want: []string{"s.", "1 skipped:", "x/token.feature:2  the token is needed", "run without --target", "2 scenarios: 1 passed, 0 failed, 1 skipped"}},
		{name: "junit", format: "junit", want: []string{`skipped="1"`, `<skipped message="Given the sandbox requires the admin token &#34;s3cret&#34;: skipped: a target&#39;s admin token`}},
		{name: "own sandboxes", own: true, format: "concise", want: []string{"2 scenarios: 2 passed, 0 failed ("}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, log bytes.Buffer
			status, results := RunResults(Options{FS: fs, Target: target, Reset: true, OwnSandboxes: tc.own, Format: tc.format, Output: &out, Log: &log})
			if status != Passed || len(results) != 2 {
				t.Fatalf("status %d, %d results; out %s log %s", status, len(results), out.String(), log.String())
			}
			wantStatus := "skipped"
			if tc.own {
				wantStatus = "passed"
			}
			if results[0].Status != wantStatus {
				t.Errorf("the scenario needing a token is %q, want %q: %+v", results[0].Status, wantStatus, results[0])
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("report lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

// TestSerialScenariosRunAlone: a scenario tagged @serial waits for the running ones to end, and
// the others wait for it.
func TestSerialScenariosRunAlone(t *testing.T) {
	opts := Options{serial: new(sync.RWMutex)}
	plain := &godog.Scenario{Name: "plain"}
	serial := &godog.Scenario{Name: "serial", Tags: []*messages.PickleTag{{Name: "@other"}, {Name: serialTag}}}
	entered := func(w *world, sc *godog.Scenario) <-chan struct{} {
		in := make(chan struct{})
		go func() { w.enter(sc); close(in) }()
		return in
	}
	waiting := func(in <-chan struct{}, what string) {
		t.Helper()
		select {
		case <-in:
			t.Fatalf("%s ran beside another scenario", what)
		case <-time.After(50 * time.Millisecond): // still waiting: what the test wants
		}
	}
	in := func(ch <-chan struct{}, what string) {
		t.Helper()
		select {
		case <-ch:
		case <-time.After(10 * time.Second): // only keeps a broken lock from hanging the test
			t.Fatalf("%s never ran", what)
		}
	}

	a, b := &world{opts: opts}, &world{opts: opts}
	in(entered(a, plain), "the first plain scenario")
	in(entered(b, plain), "a second plain scenario beside it")
	s := &world{opts: opts}
	sIn := entered(s, serial)
	waiting(sIn, "the @serial scenario")
	a.exit()
	waiting(sIn, "the @serial scenario")
	b.exit()
	in(sIn, "the @serial scenario, once the others ended")
	c := &world{opts: opts}
	cIn := entered(c, plain)
	waiting(cIn, "a plain scenario")
	s.exit()
	s.exit() // a second exit (after a failed before) changes nothing
	in(cIn, "the plain scenario, once the @serial one ended")
	c.exit()
}
