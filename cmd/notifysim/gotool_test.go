package main

import (
	"bytes"
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

// TestPathIsRestored: this test binary links the same packages as notifysim; the PATH it sees
// once initialised is the one it was started with.
func TestPathIsRestored(t *testing.T) {
	environ, err := os.ReadFile("/proc/self/environ")
	if err != nil {
		t.Skip("no /proc here to read the starting environment from")
	}
	for _, kv := range strings.Split(string(environ), "\x00") {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			if got := os.Getenv("PATH"); got != v {
				t.Errorf("PATH after start-up is %q, the process was started with %q", got, v)
			}
			return
		}
	}
	if got, ok := os.LookupEnv("PATH"); ok {
		t.Errorf("started without a PATH, has %q", got)
	}
}
