// Command testsummary reads `go test -json` on stdin and writes what a person or a CI log wants
// from a long run: one line per package as it finishes, the output of every failed test in full,
// and a last line that counts tests and Gherkin scenarios (the subtests of TestFeatures). It exits
// 1 when anything failed, including a build, and when the stream held no result at all.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

func main() {
	os.Exit(summarize(os.Stdin, os.Stdout, time.Now))
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

func summarize(in io.Reader, out io.Writer, now func() time.Time) int {
	start := now()
	var c counts
	output := map[string][]string{}      // package + test → its output lines
	failedTests := map[string][]string{} // package → failed tests, in order
	build := map[string][]string{}       // import path → build output
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			// Not test2json: go vet or the go command speaking on stdout. Pass it on.
			fmt.Fprintln(out, string(line))
			continue
		}
		key := e.Package + "\x00" + e.Test
		switch e.Action {
		case "build-output":
			build[e.ImportPath] = append(build[e.ImportPath], e.Output)
		case "output":
			// Keep output only while the test may still fail; passed tests drop theirs.
			if len(output[key]) < 10000 {
				output[key] = append(output[key], e.Output)
			}
		case "pass", "fail", "skip":
			if e.Test == "" {
				c.packages++
				status := "ok  "
				if e.Action == "fail" {
					status = "FAIL"
					c.packagesFailed++
				}
				tests := ""
				if e.Action != "skip" {
					tests = fmt.Sprintf("  %.1fs", e.Elapsed)
				} else {
					status = "--  "
					tests = "  no tests"
				}
				fmt.Fprintf(out, "%s %s%s\n", status, e.Package, tests)
				if e.Action == "fail" {
					for _, t := range failedTests[e.Package] {
						fmt.Fprintf(out, "\n=== %s %s\n%s", e.Package, t, strings.Join(output[e.Package+"\x00"+t], ""))
					}
					if len(failedTests[e.Package]) == 0 {
						// A package that failed without a failed test: a build error, a panic
						// outside a test, a TestMain that exited.
						fmt.Fprint(out, strings.Join(output[e.Package+"\x00"], ""))
						for path, lines := range build {
							if path == e.Package || strings.HasPrefix(path, e.Package+" ") {
								fmt.Fprint(out, strings.Join(lines, ""))
							}
						}
					}
					fmt.Fprintln(out)
				}
				continue
			}
			if isScenario(e.Test) && e.Action != "skip" && (c.scenariosPassed+c.scenariosFailed+1)%100 == 0 {
				// The contracts take longest: say they are moving.
				fmt.Fprintf(out, "     %s: %d scenarios run\n", e.Package, c.scenariosPassed+c.scenariosFailed+1)
			}
			switch e.Action {
			case "pass":
				c.passed++
				if isScenario(e.Test) {
					c.scenariosPassed++
				}
				delete(output, key)
			case "fail":
				c.failed++
				if isScenario(e.Test) {
					c.scenariosFailed++
				}
				failedTests[e.Package] = append(failedTests[e.Package], e.Test)
			case "skip":
				c.skipped++
				delete(output, key)
			}
		}
	}
	fmt.Fprintln(out, c.line(now().Sub(start)))
	if c.failed > 0 || c.packagesFailed > 0 || c.packages == 0 {
		return 1
	}
	return 0
}
