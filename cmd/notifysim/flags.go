package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// newFlags returns a flag set whose usage names the NOTIFYSIM_* variable of every flag.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "%s\n\nFlags (each also read from the environment variable shown):\n", synopsis)
		fs.VisitAll(func(f *flag.Flag) {
			def := ""
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
				def = fmt.Sprintf(" (default %s)", f.DefValue)
			}
			fmt.Fprintf(stderr, "  --%s  [%s]\n      %s%s\n", f.Name, envName(fs.Name(), f.Name), f.Usage, def)
		})
	}
	return fs
}

// envName is the variable for a flag: NOTIFYSIM_<FLAG> for the top-level commands, and
// NOTIFYSIM_<GROUP>_<FLAG> for grouped ones ("kore token" --client-id is
// NOTIFYSIM_KORE_CLIENT_ID), so a vendor helper's generic flag names can't collide with serve's.
func envName(command, flagName string) string {
	prefix := "NOTIFYSIM_"
	if group, _, ok := strings.Cut(command, " "); ok {
		prefix += strings.ToUpper(group) + "_"
	}
	return prefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parse reads NOTIFYSIM_* variables for flags not given on the command line, then the command
// line itself, so a flag always beats its variable.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		// Every command takes flags only: a stray word is a typo, not something to ignore.
		return fmt.Errorf("unexpected argument %q; see --help", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		if v, ok := os.LookupEnv(envName(fs.Name(), f.Name)); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %v", envName(fs.Name(), f.Name), v, e)
			}
		}
	})
	return err
}
