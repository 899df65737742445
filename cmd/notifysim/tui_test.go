package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTUIRefusesBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"tui", "--help"}, 0, "NOTIFYSIM_SERVER"},
		{[]string{"tui", "--server", "ftp://x"}, 2, "--server: server URL \"ftp://x\": want an http:// or https:// URL"},
		{[]string{"tui", "extra"}, 2, "unexpected argument"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(tc.args, &stdout, &stderr); code != tc.code || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr.String(), tc.code, tc.want)
		}
	}
}

func TestLogFileIsCreatedWithItsFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "notifysim.log")
	f, err := openLogFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := os.Stat(path); err != nil {
		t.Error(err)
	}
	if _, err := openLogFile(filepath.Join(path, "under-a-file.log")); err == nil || !strings.Contains(err.Error(), "--log-file") {
		t.Errorf("a log file under a file gave %v, want an error naming --log-file", err)
	}
	if !strings.HasSuffix(defaultLogFile(), filepath.Join("notifysim", "notifysim.log")) {
		t.Errorf("default log file %s", defaultLogFile())
	}
}
