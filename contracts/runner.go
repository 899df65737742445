// Package contracts is the step library and runner for the Gherkin contracts in features/. Each
// scenario runs against its own in-process simulator, so scenarios run concurrently; or, with a
// Target, against any base URL (one scenario at a time, resetting the target's state first).
package contracts

import (
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/cucumber/godog"

	"github.com/notifysim/notifysim/features"
)

// Options configure a contracts run.
type Options struct {
	// Target is the base URL to test. Empty: every scenario gets its own in-process simulator.
	Target string
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

// Run runs the contracts and returns godog's exit status: 0 passed, 1 failed, 2 bad options.
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
		opts.targetFixtures = fetchFixtures(opts.Target)
	}
	suite := godog.TestSuite{
		Name:                "notifysim",
		ScenarioInitializer: func(sc *godog.ScenarioContext) { newWorld(opts).register(sc) },
		Options: &godog.Options{
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
	return suite.Run()
}

// fetchFixtures reads a notifysim target's dataset; nil when the target has no /_sim API.
func fetchFixtures(target string) []byte {
	resp, err := http.Get(strings.TrimRight(target, "/") + "/_sim/fixtures")
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
