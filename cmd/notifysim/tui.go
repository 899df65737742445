package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/notifysim/notifysim/simulator/client"
	"github.com/notifysim/notifysim/tui"
)

// tuiCommand attaches the terminal UI to a running sandbox over HTTP.
func tuiCommand(args []string, stderr io.Writer) int {
	fs := newFlags("tui", "notifysim tui - watch every inbox of a running sandbox, live", stderr)
	server := fs.String("server", client.DefaultURL, "base URL of the sandbox to watch")
	token := fs.String("admin-token", "", "bearer token for /_sim when the sandbox was started with --admin-token")
	if err := parse(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "notifysim tui:", err)
		return 2
	}
	c, err := client.New(*server, client.WithToken(*token))
	if err != nil {
		fmt.Fprintf(stderr, "notifysim tui: --server: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if err := tui.Run(ctx, c, tui.Options{Color: tui.ColorFromEnv()}); err != nil {
		fmt.Fprintln(stderr, "notifysim tui:", err)
		return 1
	}
	return 0
}

// defaultLogFile is where serve --tui logs: the TUI owns the screen.
func defaultLogFile() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "notifysim", "notifysim.log")
}

// openLogFile creates the log file's folder and appends to it.
func openLogFile(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("--log-file: %v", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("--log-file: %v", err)
	}
	return f, nil
}
