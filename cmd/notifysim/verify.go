package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/notifysim/notifysim/contracts"
	"github.com/notifysim/notifysim/features"
)

func verify(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("verify", `notifysim verify - run the Gherkin contracts (embedded in this binary)

Without --target every scenario runs on its own in-process sandbox. With --target the scenarios
run one at a time against that base URL; a notifysim there needs --reset, which loads the demo
dataset into it before each scenario and puts its own dataset back at the end.`, stderr)
	target := fs.String("target", "", "base URL to verify, e.g. http://127.0.0.1:4545 (default: in-process)")
	tags := fs.String("tags", "", `scenarios to run by tag, e.g. "@luma,@kore" (or) or "@kore && ~@slow"`)
	reset := fs.Bool("reset", false, "allow replacing a notifysim target's dataset before each scenario (its own is put back at the end)")
	format := fs.String("format", "concise", "report format: concise (a dot per scenario, failures in full), pretty, progress, junit or cucumber (JSON)")
	output := fs.String("output", "", "write the report to this file instead of stdout")
	dir := fs.String("features", "", "run the .feature files under this folder instead of the embedded contracts (your own scenarios, with the same steps)")
	apis := fs.String("apis", "", "comma-separated feature folders to run: "+strings.Join(featureFolders(features.FS), ", ")+" (default all)")
	concurrency := fs.Int("concurrency", 4, "scenarios run at once (in-process only)")
	adminToken := fs.String("admin-token", "", "Bearer token for the target's /_sim API, when it was started with --admin-token")
	if err := parse(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "notifysim verify:", err)
		return 2
	}
	var featureFS iofs.FS = features.FS
	if *dir != "" {
		if info, err := os.Stat(*dir); err != nil || !info.IsDir() {
			fmt.Fprintf(stderr, "notifysim verify: --features %s is not a folder of .feature files\n", *dir)
			return 2
		}
		featureFS = os.DirFS(*dir)
	}
	if err := checkVerifyOptions(featureFS, *format, *apis, *target); err != nil {
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
		Target: *target, Reset: *reset, Tags: *tags, Log: stderr, FS: featureFS, FilePrefix: filePrefix(*dir), Format: *format, Output: out, Paths: paths, Concurrency: *concurrency,
		AdminToken: *adminToken,
	})
	switch status {
	case contracts.Passed:
	case contracts.NoScenario:
		fmt.Fprintf(stderr, "notifysim verify: no scenario matches --apis %q and --tags %q\n", *apis, *tags)
	case contracts.BadOptions:
		fmt.Fprintln(stderr, "notifysim verify: the contracts could not run with these options (see above)")
	default:
		fmt.Fprintln(stderr, "notifysim verify: contracts failed")
	}
	return status
}

// checkVerifyOptions refuses what would otherwise show up as every scenario failing the same way:
// an unknown format or API folder, or a target that is not a reachable http(s) URL.
func checkVerifyOptions(featureFS iofs.FS, format, apis, target string) error {
	if !slices.Contains(contracts.Formats(), format) {
		return fmt.Errorf("--format %q is not one of %s", format, strings.Join(contracts.Formats(), ", "))
	}
	for _, a := range strings.Split(apis, ",") {
		if a = strings.TrimSpace(a); a == "" {
			continue
		}
		if info, err := iofs.Stat(featureFS, a); err != nil || !info.IsDir() {
			if featureFS != features.FS {
				return fmt.Errorf("--apis: no folder %q under --features", a)
			}
			return fmt.Errorf("--apis: no contracts for %q; there are %s", a, strings.Join(featureFolders(features.FS), ", "))
		}
	}
	if target == "" {
		return nil
	}
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--target %q is not an absolute http(s) URL such as http://127.0.0.1:4545", target)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(strings.TrimRight(target, "/") + "/_sim/health")
	if err != nil {
		return fmt.Errorf("--target %s does not answer: %v", target, err)
	}
	resp.Body.Close()
	return nil
}

// featureFolders are the folders of .feature files at the top of fsys: the values --apis takes,
// read from the contracts themselves so that a new folder (compat) is never left out.
func featureFolders(fsys iofs.FS) []string {
	entries, _ := iofs.ReadDir(fsys, ".")
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}

// filePrefix makes report paths name the files as the user wrote them: --features ./acceptance
// reports acceptance/reset.feature:12.
func filePrefix(dir string) string {
	if dir == "" {
		return ""
	}
	return filepath.ToSlash(filepath.Clean(dir)) + "/"
}
