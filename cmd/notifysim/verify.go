package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/notifysim/notifysim/contracts"
)

func verify(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("verify", `notifysim verify - run the Gherkin contracts (embedded in this binary)

Without --target every scenario runs on its own in-process sandbox. With --target the scenarios
run one at a time against that base URL; a notifysim there is reset before each scenario.`, stderr)
	target := fs.String("target", "", "base URL to verify, e.g. http://127.0.0.1:4545 (default: in-process)")
	tags := fs.String("tags", "", `scenarios to run by tag, e.g. "@luma && ~@slow"`)
	format := fs.String("format", "pretty", "report format: pretty, progress, junit or cucumber (JSON)")
	output := fs.String("output", "", "write the report to this file instead of stdout")
	apis := fs.String("apis", "", "comma-separated feature folders to run: luma, luminous, mykaarma, kore, admin (default all)")
	concurrency := fs.Int("concurrency", 4, "scenarios run at once (in-process only)")
	if err := parse(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "notifysim verify:", err)
		return 2
	}
	out := stdout
	if *output != "" {
		f, err := os.Create(*output)
		if err != nil {
			fmt.Fprintln(stderr, "notifysim verify:", err)
			return 2
		}
		defer f.Close()
		out = f
	}
	var paths []string
	for _, a := range strings.Split(*apis, ",") {
		if a = strings.TrimSpace(a); a != "" {
			paths = append(paths, a)
		}
	}
	status := contracts.Run(contracts.Options{
		Target: *target, Tags: *tags, Format: *format, Output: out, Paths: paths, Concurrency: *concurrency,
	})
	if status != 0 {
		fmt.Fprintf(stderr, "notifysim verify: contracts failed (status %d)\n", status)
	}
	return status
}
