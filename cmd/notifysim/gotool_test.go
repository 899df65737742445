package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestStartRunsNoGoCommand: starting notifysim runs no `go` (godog's builder would run `go env`
// while packages are initialised), and the PATH the process sees afterwards is the one it was
// given. A fake go first on the PATH records any run.
func TestStartRunsNoGoCommand(t *testing.T) {
	bin := cliBinary(t)
	fake := t.TempDir()
	marker := filepath.Join(t.TempDir(), "go-ran")
	script := "#!/bin/sh\necho \"$@\" >> " + marker + "\n"
	if err := os.WriteFile(filepath.Join(fake, "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	path := fake + string(os.PathListSeparator) + os.Getenv("PATH")
	cmd := exec.Command(bin, "version")
	cmd.Env = append(os.Environ(), "PATH="+path, asCLI+"=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("notifysim version: %v\n%s", err, out)
	}
	if ran, err := os.ReadFile(marker); err == nil {
		t.Errorf("starting notifysim ran go %s", bytes.TrimSpace(ran))
	}
}

// TestPathIsRestored: this test binary links the same packages as notifysim; started again with
// a PATH of the test's choosing, the PATH it sees once initialised is that one.
func TestPathIsRestored(t *testing.T) {
	if want, ok := os.LookupEnv("NOTIFYSIM_TEST_WANT_PATH"); ok {
		// The child: report to the parent through the exit status and stderr.
		if got := os.Getenv("PATH"); got != want {
			t.Fatalf("PATH after start-up is %q, the process was started with %q", got, want)
		}
		return
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// Absolute entries only: a relative one is what gotool adds, and this process is notifysim
	// too. With go on it, the child's gotool has something to hide.
	dirs := []string{t.TempDir()}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if filepath.IsAbs(dir) {
			dirs = append(dirs, dir)
		}
	}
	want := strings.Join(dirs, string(os.PathListSeparator))
	if _, err := exec.LookPath("go"); err != nil && !errors.Is(err, exec.ErrDot) {
		t.Fatalf("go is not on the PATH, so start-up would change nothing to restore: %v", err)
	}
	cmd := exec.Command(exe, "-test.run=^TestPathIsRestored$", "-test.count=1")
	cmd.Env = append(os.Environ(), "PATH="+want, "NOTIFYSIM_TEST_WANT_PATH="+want)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the test binary started again: %v\n%s", err, out)
	}
}
