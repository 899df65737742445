// Command testsummary reads `go test -json` on stdin and writes what a person or a CI log wants
// from a long run: one line per package as it finishes, the Gherkin scenarios (the subtests of
// TestFeatures) as they finish, a dot each, the output of every failed test in full, a line on
// what is still running whenever nothing else was printed for a while (a cold build compiles
// for a minute or two before any test runs), and a last line that counts tests and scenarios.
// It exits 1 when anything failed, including a build, and when the stream held no result at all.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// quiet is how long the output may stay silent before a line says what is still running.
const quiet = 15 * time.Second

func main() {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	os.Exit(summarize(os.Stdin, os.Stdout, time.Now, tick.C))
}

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action     string
	Package    string
	Test       string
	Output     string
	Elapsed    float64
	ImportPath string
}

// counts are what the last line reports.
type counts struct {
	passed, failed, skipped          int
	scenariosPassed, scenariosFailed int
	packagesFailed                   int
	packages                         int
}

func (c counts) line(took time.Duration) string {
	return fmt.Sprintf("%d tests passed, %d failed, %d skipped; %d scenarios passed, %d failed; %d packages (%d failed) in %s",
		c.passed, c.failed, c.skipped, c.scenariosPassed, c.scenariosFailed, c.packages, c.packagesFailed, took.Round(time.Second))
}

// isScenario reports whether a test is a contract scenario: a subtest of TestFeatures.
func isScenario(test string) bool { return strings.HasPrefix(test, "TestFeatures/") }

// dotsPerLine is how many scenario marks a progress line holds, as in notifysim verify's report.
const dotsPerLine = 70

// summary is the state of one run: what it counted, what it keeps to show, and the progress
// line being written.
type summary struct {
	out   io.Writer
	start time.Time
	c     counts

	output      map[string][]string // package + test → its output lines
	failedTests map[string][]string // package → failed tests, in order
	build       map[string][]string // import path → build output
	running     map[string]time.Time
	finished    int

	dots      int // scenario marks on the open progress line (0: no line open)
	scenarios int // scenarios finished
	lastPrint time.Time
}

func newSummary(out io.Writer, start time.Time) *summary {
	return &summary{out: out, start: start, lastPrint: start,
		output: map[string][]string{}, failedTests: map[string][]string{}, build: map[string][]string{}, running: map[string]time.Time{}}
}

// summarize runs the summary over in until it ends, saying what still runs on the ticks of tick
// that follow a quiet spell, and returns the exit status.
func summarize(in io.Reader, out io.Writer, now func() time.Time, tick <-chan time.Time) int {
	s := newSummary(out, now())
	lines := make(chan []byte)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			lines <- append([]byte(nil), sc.Bytes()...)
		}
	}()
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				return s.finish(now())
			}
			s.line(line, now())
		case <-tick:
			s.heartbeat(now())
		}
	}
}

// printf writes a whole line, first ending an open progress line with the count so far, so
// that every progress line ends with one, whatever came between.
func (s *summary) printf(at time.Time, format string, args ...any) {
	if s.dots > 0 {
		fmt.Fprintf(s.out, " %d\n", s.scenarios)
		s.dots = 0
	}
	fmt.Fprintf(s.out, format, args...)
	s.lastPrint = at
}

// mark adds one scenario's mark to the progress line.
func (s *summary) mark(at time.Time, m string) {
	if s.dots == 0 {
		fmt.Fprint(s.out, "     scenarios ")
	}
	fmt.Fprint(s.out, m)
	s.dots++
	s.scenarios++
	if s.dots == dotsPerLine {
		fmt.Fprintf(s.out, " %d\n", s.scenarios)
		s.dots = 0
	}
	s.lastPrint = at
}

// heartbeat says what is still running when nothing was printed for a while.
func (s *summary) heartbeat(at time.Time) {
	if at.Sub(s.lastPrint) < quiet {
		return
	}
	took := at.Sub(s.start).Round(time.Second)
	if len(s.running) == 0 {
		if s.finished == 0 {
			s.printf(at, "     %s: compiling; no package has started its tests yet\n", took)
		} else {
			s.printf(at, "     %s: compiling; %d packages done\n", took, s.finished)
		}
		return
	}
	names := make([]string, 0, len(s.running))
	for p := range s.running {
		names = append(names, p)
	}
	sort.Slice(names, func(i, j int) bool { return s.running[names[i]].Before(s.running[names[j]]) })
	for i, p := range names {
		names[i] = fmt.Sprintf("%s (%s)", p, at.Sub(s.running[p]).Round(time.Second))
	}
	s.printf(at, "     %s: %d packages done, running %s\n", took, s.finished, strings.Join(names, ", "))
}

func (s *summary) line(line []byte, at time.Time) {
	var e event
	if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
		// Not test2json: the go command speaking on stdout. Pass it on.
		s.printf(at, "%s\n", line)
		return
	}
	key := e.Package + "\x00" + e.Test
	switch e.Action {
	case "start":
		s.running[e.Package] = at
	case "build-output":
		s.build[e.ImportPath] = append(s.build[e.ImportPath], e.Output)
	case "output":
		// Keep output only while the test may still fail; passed tests drop theirs.
		if len(s.output[key]) < 10000 {
			s.output[key] = append(s.output[key], e.Output)
		}
	case "pass", "fail", "skip":
		if e.Test == "" {
			s.packageDone(e, at)
			return
		}
		s.testDone(e, key, at)
	}
}

func (s *summary) packageDone(e event, at time.Time) {
	delete(s.running, e.Package)
	s.finished++
	s.c.packages++
	status, took := "ok  ", fmt.Sprintf("  %.1fs", e.Elapsed)
	switch e.Action {
	case "fail":
		status = "FAIL"
		s.c.packagesFailed++
	case "skip":
		status, took = "--  ", "  no tests"
	}
	s.printf(at, "%s %s%s\n", status, e.Package, took)
	if e.Action != "fail" {
		return
	}
	for _, t := range s.failedTests[e.Package] {
		s.printf(at, "\n=== %s %s\n%s", e.Package, t, strings.Join(s.output[e.Package+"\x00"+t], ""))
	}
	if len(s.failedTests[e.Package]) == 0 {
		// A package that failed without a failed test: a build error, a panic outside a test,
		// a TestMain that exited.
		s.printf(at, "%s", strings.Join(s.output[e.Package+"\x00"], ""))
		for path, lines := range s.build {
			if path == e.Package || strings.HasPrefix(path, e.Package+" ") {
				s.printf(at, "%s", strings.Join(lines, ""))
			}
		}
	}
	s.printf(at, "\n")
}

func (s *summary) testDone(e event, key string, at time.Time) {
	scenario := isScenario(e.Test)
	switch e.Action {
	case "pass":
		s.c.passed++
		delete(s.output, key)
		if scenario {
			s.c.scenariosPassed++
			s.mark(at, ".")
		}
	case "fail":
		s.c.failed++
		s.failedTests[e.Package] = append(s.failedTests[e.Package], e.Test)
		if scenario {
			s.c.scenariosFailed++
			s.mark(at, "F")
			// Said at once; its output comes with the package's result.
			s.printf(at, "     FAIL %s\n", strings.TrimPrefix(e.Test, "TestFeatures/"))
		}
	case "skip":
		s.c.skipped++
		delete(s.output, key)
		if scenario {
			s.mark(at, "s")
		}
	}
}

func (s *summary) finish(at time.Time) int {
	s.printf(at, "%s\n", s.c.line(at.Sub(s.start)))
	if s.c.failed > 0 || s.c.packagesFailed > 0 || s.c.packages == 0 {
		return 1
	}
	return 0
}
