// Command notifysim runs the notification API sandbox. It only wires flags to the simulator
// package; the behaviour lives there.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	// Before godog's builder, whose init would run `go env`; restore puts the PATH back after it.
	_ "github.com/notifysim/notifysim/cmd/notifysim/internal/gotool"
	_ "github.com/notifysim/notifysim/cmd/notifysim/internal/gotool/restore"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `notifysim - a local sandbox for the Luma, Luminous (WhatsApp), myKaarma and Kore.ai
notification APIs.

Usage:
  notifysim serve   [flags]   run the sandbox (default 127.0.0.1:4545, demo dataset)
  notifysim tui     [flags]   watch every inbox of a running sandbox, live (--server URL)
  notifysim verify  [flags]   run the Gherkin contracts against the sandbox or a base URL
  notifysim wait    [flags]   wait for messages in a running sandbox, print them as JSON lines
  notifysim messages [flags]  list a running sandbox's messages (table or --json)
  notifysim reset   [flags]   put a running sandbox back to its loaded dataset
  notifysim kore token [flags] mint a Kore.ai JWT for the sandbox (demo app by default)
  notifysim version           print the version
  notifysim <command> --help  flags of a command

Every flag can also be set with a NOTIFYSIM_* environment variable: --journal-cap is
NOTIFYSIM_JOURNAL_CAP.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stdout, stderr)
	case "verify":
		return verify(args[1:], stdout, stderr)
	case "tui":
		return tuiCommand(args[1:], stderr)
	case "wait":
		return wait(args[1:], stdout, stderr)
	case "messages":
		return messages(args[1:], stdout, stderr)
	case "reset":
		return reset(args[1:], stdout, stderr)
	case "kore":
		return kore(args[1:], stdout, stderr)
	case "version", "--version", "-v":
		return printVersion(args[1:], stdout, stderr)
	case "help", "--help", "-h":
		if len(args) > 1 && args[0] == "help" {
			// "notifysim help serve" is "notifysim serve --help".
			return run(append(args[1:2:2], "--help"), stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "notifysim: unknown command %q\n\n%s", args[0], usage)
	return 2
}

func printVersion(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("version", "notifysim version - print the version", stderr)
	if err := parse(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "notifysim version:", err)
		return 2
	}
	fmt.Fprintln(stdout, "notifysim", version)
	return 0
}
