// Package contracts is the step library and runner for the Gherkin contracts in features/. Each
// scenario runs against its own in-process simulator, so scenarios run concurrently; or, with a
// Target, against any base URL (one scenario at a time, resetting the target's state first).
package contracts

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cucumber/godog"

	"github.com/notifysim/notifysim/features"
)

// Options configure a contracts run.
type Options struct {
	// Target is the base URL to test. Empty: every scenario gets its own in-process simulator.
	Target string
	// Reset allows the run to change a notifysim Target: before each scenario its dataset is
	// replaced by the demo dataset (which also forgets its messages, journal and clock), and its
	// own dataset is put back at the end. Without it, a notifysim Target is refused, since the
	// scenarios would fail on (or change) whatever it holds.
	Reset bool
	// AdminToken is sent as a Bearer token on every /_sim request, for a target started with
	// --admin-token.
	AdminToken string
	// OwnSandboxes lets a scenario that needs a sandbox started with options of its own (an admin
	// token) run on an in-process one when there is a Target, instead of being skipped: a test
	// that serves its own target covers every scenario in one run.
	OwnSandboxes bool
	// Paths are feature files or folders inside FS (default: all).
	Paths []string
	// FS holds the features (default: the embedded features.FS).
	FS fs.FS
	// FilePrefix is put before feature paths in reports, so that they name files as the user
	// finds them (default "features/" for the embedded features).
	FilePrefix string
	// Tags filters scenarios, e.g. "@luma && ~@slow".
	Tags string
	// Format is concise (default: a dot per scenario, each failure in full, a summary line),
	// junit, or one of godog's: pretty, progress, cucumber.
	Format string
	Output io.Writer
	// Log receives what is not the report itself (the target header before a JUnit or cucumber
	// report, errors about the options); default os.Stderr.
	Log io.Writer
	// Concurrency is how many scenarios run at once (default 4; forced to 1 with a Target).
	Concurrency int
	// Seed randomises scenario order when not 0.
	Seed int64
	// TestingT runs each scenario as a subtest.
	TestingT *testing.T

	target targetInfo
	// sandboxes, when set, are several notifysim targets (Target is the first): the scenarios
	// run one per sandbox at a time, each taking the next free one, like a --target run split
	// over them.
	sandboxes []string
	pool      chan string
	// serial lets a scenario tagged @serial run alone: it takes it exclusively, the others
	// shared. Made by RunResults.
	serial *sync.RWMutex
}

// Exit statuses of Run.
const (
	Passed     = 0
	Failed     = 1
	BadOptions = 2
	NoScenario = 3 // the paths and tags selected no scenario: a mistyped tag must not pass CI
)

// Formats returns the report formats Run knows.
func Formats() []string { return []string{"concise", "pretty", "progress", "junit", "cucumber"} }

// Run runs the contracts and returns an exit status: Passed, Failed, BadOptions or NoScenario.
func Run(opts Options) int {
	status, _ := RunResults(opts)
	return status
}

// RunResults is Run that also returns every scenario's result, ordered by file and line.
func RunResults(opts Options) (int, []Result) {
	if opts.FS == nil {
		opts.FS = features.FS
	}
	prefix := opts.FilePrefix
	if opts.FS == features.FS && prefix == "" {
		prefix = "features/"
	}
	if len(opts.Paths) == 0 {
		opts.Paths = []string{"."}
	}
	if opts.Format == "" {
		opts.Format = "concise"
	}
	if opts.Log == nil {
		opts.Log = os.Stderr
	}
	if opts.Output == nil {
		opts.Output = os.Stdout
		if opts.TestingT != nil {
			// Under go test each scenario is a subtest that reports its own failure.
			opts.Output = io.Discard
		}
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	opts.serial = new(sync.RWMutex)
	mine := opts.Format == "concise" || opts.Format == "junit"
	// The target header goes before a text report, and beside (not into) a JUnit or JSON one.
	header := opts.Output
	if opts.Format == "junit" || opts.Format == "cucumber" {
		header = opts.Log
	}
	if len(opts.sandboxes) > 0 {
		opts.Target = opts.sandboxes[0]
		opts.pool = make(chan string, len(opts.sandboxes))
		for _, s := range opts.sandboxes {
			opts.pool <- s
		}
	}
	if opts.Target != "" {
		opts.Concurrency = max(len(opts.sandboxes), 1)
		targets := opts.sandboxes
		if len(targets) == 0 {
			targets = []string{opts.Target}
		}
		for i, target := range targets {
			info, err := probeTarget(target, opts.Reset, opts.AdminToken)
			if err != nil {
				fmt.Fprintln(opts.Log, err)
				return BadOptions, nil
			}
			if i == 0 {
				opts.target = info
				fmt.Fprint(header, info.describe(target))
			}
			if info.reset {
				defer func() {
					if err := putFixtures(target, opts.AdminToken, "application/json", info.original); err != nil {
						fmt.Fprintf(opts.Log, "putting the target's own dataset back: %v\n", err)
					}
				}()
			}
		}
	}
	var live io.Writer
	if opts.Format == "concise" {
		live = opts.Output
	}
	rep := newReport(opts.FS, prefix, live)
	format, output := opts.Format, opts.Output
	if mine {
		format, output = "progress", io.Discard
	}
	var ran atomic.Int64
	suite := godog.TestSuite{
		Name: "notifysim",
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			ran.Add(1)
			newWorld(opts, rep).register(sc)
		},
		Options: &godog.Options{
			NoColors:    !isTerminal(output),
			Format:      format,
			Output:      output,
			Paths:       opts.Paths,
			FS:          opts.FS,
			Tags:        opts.Tags,
			Concurrency: opts.Concurrency,
			Randomize:   opts.Seed,
			Strict:      true,
			TestingT:    opts.TestingT,
		},
	}
	status := suite.Run()
	if status == Passed && ran.Load() == 0 {
		fmt.Fprintf(opts.Log, "no scenario matches paths %v and tags %q\n", opts.Paths, opts.Tags)
		return NoScenario, nil
	}
	switch opts.Format {
	case "concise":
		rep.writeConcise(opts.Output)
	case "junit":
		if err := rep.writeJUnit(opts.Output); err != nil {
			fmt.Fprintf(opts.Log, "writing the JUnit report: %v\n", err)
			return Failed, rep.Results()
		}
	}
	return status, rep.Results()
}

// isTerminal reports whether w is a terminal, where colour codes belong; a file or a pipe (a CI
// log, a report) gets plain text.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
