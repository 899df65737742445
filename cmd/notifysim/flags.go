package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// newFlags returns a flag set whose usage names the NOTIFYSIM_* variable of every flag.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "%s\n\nFlags (each also read from the environment variable shown):\n", synopsis)
		fs.VisitAll(func(f *flag.Flag) { fmt.Fprintln(stderr, usageLine(fs, f)) })
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
// line itself, so a flag always beats its variable. --help prints the command's help and returns
// flag.ErrHelp; any other problem comes back once, as an error that quotes the flag's own usage
// line, instead of the flag package printing it and the whole help before the caller prints it
// again.
func parse(fs *flag.FlagSet, args []string) error {
	help := fs.Usage
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.Usage = help
	if errors.Is(err, flag.ErrHelp) {
		help()
		return err
	}
	if err != nil {
		return flagError(fs, err)
	}
	if fs.NArg() > 0 {
		// Every command takes flags only: a stray word is a typo, not something to ignore.
		return fmt.Errorf("unexpected argument %q: this command takes flags only; see notifysim %s --help", fs.Arg(0), fs.Name())
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		if v, ok := os.LookupEnv(envName(fs.Name(), f.Name)); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %v\n%s", envName(fs.Name(), f.Name), v, e, usageLine(fs, f))
			}
		}
	})
	return err
}

// flagNamed finds the flag an error of the flag package is about ("… for flag -journal-cap: …",
// "flag needs an argument: -addr").
var flagNamed = regexp.MustCompile(`(?:flag |: )--?([A-Za-z0-9][A-Za-z0-9_-]*)`)

// flagError rewrites an error of the flag package in the command's own terms: --name rather than
// -name, followed by that flag's usage line, or a pointer to --help for an unknown flag.
func flagError(fs *flag.FlagSet, err error) error {
	msg := err.Error()
	m := flagNamed.FindStringSubmatch(msg)
	if m == nil {
		return fmt.Errorf("%s; see notifysim %s --help", msg, fs.Name())
	}
	msg = strings.Replace(msg, "-"+m[1], "--"+m[1], 1)
	msg = strings.Replace(msg, "---"+m[1], "--"+m[1], 1)
	if f := fs.Lookup(m[1]); f != nil {
		return fmt.Errorf("%s\n%s", msg, usageLine(fs, f))
	}
	return fmt.Errorf("%s; see notifysim %s --help for the flags", msg, fs.Name())
}

// usageLine is one flag's entry of the help.
func usageLine(fs *flag.FlagSet, f *flag.Flag) string {
	def := ""
	if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
		def = fmt.Sprintf(" (default %s)", f.DefValue)
	}
	return fmt.Sprintf("  --%s  [%s]\n      %s%s", f.Name, envName(fs.Name(), f.Name), f.Usage, def)
}
