// Package contracts is the step library and runner for the Gherkin contracts in features/. Each
// scenario runs against its own in-process simulator, so scenarios run concurrently; or, with a
// Target, against any base URL (one scenario at a time, resetting the target's state first).
package contracts

import (
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cucumber/godog"

	"github.com/notifysim/notifysim/features"
)

// Options configure a contracts run.
type Options struct {
	// Target is the base URL to test. Empty: every scenario gets its own in-process simulator.
	Target string
	// AdminToken is sent as a Bearer token on every /_sim request, for a target started with
	// --admin-token.
	AdminToken string
	// Paths are feature files or folders inside FS (default: all).
	Paths []string
	// FS holds the features (default: the embedded features.FS).
	FS fs.FS
	// Tags filters scenarios, e.g. "@luma && ~@slow".
	Tags string
	// Format is a godog formatter: pretty, progress, junit, cucumber (default progress).
	Format string
	Output io.Writer
	// Concurrency is how many scenarios run at once (default 4; forced to 1 with a Target).
	Concurrency int
	// Seed randomises scenario order when not 0.
	Seed int64
	// TestingT runs each scenario as a subtest.
	TestingT *testing.T

	// targetFixtures is the Target's dataset at the start of the run, put back before each
	// scenario.
	targetFixtures []byte
}

// Exit statuses of Run.
const (
	Passed     = 0
	Failed     = 1
	BadOptions = 2
	NoScenario = 3 // the paths and tags selected no scenario: a mistyped tag must not pass CI
)

// Run runs the contracts and returns an exit status: Passed, Failed, BadOptions or NoScenario.
func Run(opts Options) int {
	if opts.FS == nil {
		opts.FS = features.FS
	}
	if len(opts.Paths) == 0 {
		opts.Paths = []string{"."}
	}
	if opts.Format == "" {
		opts.Format = "progress"
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
	if opts.Target != "" {
		opts.Concurrency = 1
		opts.targetFixtures = fetchFixtures(opts.Target, opts.AdminToken)
	}
	var ran atomic.Int64
	suite := godog.TestSuite{
		Name: "notifysim",
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			ran.Add(1)
			newWorld(opts).register(sc)
		},
		Options: &godog.Options{
			NoColors:    !isTerminal(opts.Output),
			Format:      opts.Format,
			Output:      opts.Output,
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
		fmt.Fprintf(opts.Output, "no scenario matches paths %v and tags %q\n", opts.Paths, opts.Tags)
		return NoScenario
	}
	return status
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

// fetchFixtures reads a notifysim target's dataset; nil when the target has no /_sim API.
func fetchFixtures(target, token string) []byte {
	req, err := http.NewRequest(http.MethodGet, strings.TrimRight(target, "/")+"/_sim/fixtures", nil)
	if err != nil {
		return nil
	}
	bearer(req, token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil
	}
	return data
}

// bearer adds the admin token to a /_sim request, when there is one.
func bearer(req *http.Request, token string) {
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
}
