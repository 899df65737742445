package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/notifysim/notifysim/simulator"
)

// syncBuffer is a bytes.Buffer safe to write from the server's goroutines while a test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// clearEnv unsets every NOTIFYSIM_* variable for the test, so the developer's shell can't change
// what it sees.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "NOTIFYSIM_") {
			t.Setenv(name, "") // restores the value after the test
			os.Unsetenv(name)
		}
	}
}

func TestRun(t *testing.T) {
	clearEnv(t)
	badFaults := filepath.Join(t.TempDir(), "faults.yaml")
	if err := os.WriteFile(badFaults, []byte("- {vendor: twilio, action: drop}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string
		wantStderr []string
		quietOut   bool // nothing on stdout
		quietErr   bool // nothing on stderr
		notStderr  []string
	}{
		{name: "no arguments prints usage and fails", args: nil, wantCode: 2,
			wantStderr: []string{"Usage:", "notifysim serve", "NOTIFYSIM_JOURNAL_CAP"}, quietOut: true},
		{name: "unknown command", args: []string{"frobnicate"}, wantCode: 2,
			wantStderr: []string{`unknown command "frobnicate"`, "Usage:"}, quietOut: true},
		{name: "version", args: []string{"version"}, wantCode: 0, wantStdout: []string{"notifysim " + version + "\n"}, quietErr: true},
		{name: "--version", args: []string{"--version"}, wantCode: 0, wantStdout: []string{"notifysim " + version}, quietErr: true},
		{name: "help", args: []string{"help"}, wantCode: 0, wantStdout: []string{"Usage:", "notifysim verify"}, quietErr: true},
		{name: "--help", args: []string{"--help"}, wantCode: 0, wantStdout: []string{"Usage:"}, quietErr: true},
		{name: "-h", args: []string{"-h"}, wantCode: 0, wantStdout: []string{"Usage:"}, quietErr: true},
		{name: "serve --help lists flags with their variables", args: []string{"serve", "--help"}, wantCode: 0,
			wantStderr: []string{"--addr", "[NOTIFYSIM_ADDR]", "--log-format", "[NOTIFYSIM_LOG_FORMAT]", "(default 127.0.0.1:4545)"}},
		{name: "serve with an unknown flag", args: []string{"serve", "--nope"}, wantCode: 2,
			wantStderr: []string{"flag provided but not defined: --nope", "see notifysim serve --help"}},
		{name: "serve with a bad --log-format", args: []string{"serve", "--log-format", "xml"}, wantCode: 2,
			wantStderr: []string{`--log-format must be text or json, not "xml"`}},
		{name: "serve with a bad --log-level", args: []string{"serve", "--log-level", "loud"}, wantCode: 2,
			wantStderr: []string{"--log-level"}},
		{name: "serve with a missing --fixtures file", args: []string{"serve", "--fixtures", filepath.Join(t.TempDir(), "missing.yaml")}, wantCode: 1,
			wantStderr: []string{"notifysim serve:", "missing.yaml", "no such file"}},
		{name: "serve with a missing --faults file", args: []string{"serve", "--faults", filepath.Join(t.TempDir(), "faults.yaml")}, wantCode: 1,
			wantStderr: []string{"notifysim serve:", "faults.yaml", "no such file"}},
		{name: "serve with a --faults file naming an unknown vendor", args: []string{"serve", "--addr", "127.0.0.1:0", "--faults", badFaults}, wantCode: 1,
			wantStderr: []string{"notifysim serve: faults file, rule 1: vendor: must be one of kore, luma, luminous, mykaarma", `"twilio"`}},
		{name: "serve with a bad --journal-cap", args: []string{"serve", "--journal-cap", "many"}, wantCode: 2,
			wantStderr: []string{"invalid value", "journal-cap"}},
		{name: "verify with an --output it can't create", args: []string{"verify", "--output", filepath.Join(t.TempDir(), "no", "such", "dir", "r.xml")}, wantCode: 2,
			wantStderr: []string{"notifysim verify:", "no such file"}},
		{name: "verify --help", args: []string{"verify", "--help"}, wantCode: 0, wantStderr: []string{"--target", "[NOTIFYSIM_TARGET]",
			"feature folders to run: admin, compat, faults, kore, luma, luminous, mykaarma (default all)"}},
		{name: "serve with a negative --journal-cap", args: []string{"serve", "--journal-cap", "-1"}, wantCode: 2,
			wantStderr: []string{"--journal-cap must be at least 1"}},
		{name: "serve with a blank --admin-token", args: []string{"serve", "--admin-token", " "}, wantCode: 2,
			wantStderr: []string{`notifysim serve: --admin-token (or NOTIFYSIM_ADMIN_TOKEN) is blank (" ")`, "openssl rand -hex 16", "leave it out"}, quietOut: true},
		{name: "serve with a blank --admin-token on a public address", args: []string{"serve", "--addr", "0.0.0.0:0", "--admin-token", "\t"}, wantCode: 2,
			wantStderr: []string{"is blank"}, quietOut: true},
		{name: "serve with an --admin-token padded with spaces", args: []string{"serve", "--admin-token", " s3cret "}, wantCode: 2,
			wantStderr: []string{`" s3cret " starts or ends with white space`}, quietOut: true},
		{name: "serve with a stray argument", args: []string{"serve", "extra-arg"}, wantCode: 2,
			wantStderr: []string{`unexpected argument "extra-arg"`}},
		{name: "kore token with a stray argument", args: []string{"kore", "token", "extra"}, wantCode: 2,
			wantStderr: []string{`unexpected argument "extra"`}},
		{name: "verify with an unknown format", args: []string{"verify", "--format", "xml"}, wantCode: 2,
			wantStderr: []string{`--format "xml" is not one of concise, pretty, progress, junit, cucumber`}},
		{name: "help serve is serve --help", args: []string{"help", "serve"}, wantCode: 0,
			wantStderr: []string{"notifysim serve - run the sandbox", "[NOTIFYSIM_ADDR]"}},
		{name: "version with a stray argument", args: []string{"version", "extra"}, wantCode: 2,
			wantStderr: []string{`unexpected argument "extra"`}, quietOut: true},
		{name: "version --help", args: []string{"version", "--help"}, wantCode: 0,
			wantStderr: []string{"notifysim version - print the version"}, quietOut: true},
		{name: "a bad value is reported once with its usage line", args: []string{"serve", "--journal-cap", "many"}, wantCode: 2,
			wantStderr: []string{"invalid value \"many\" for flag --journal-cap", "  --journal-cap  [NOTIFYSIM_JOURNAL_CAP]"},
			notStderr:  []string{"Flags (each", "-addr"}},
		{name: "kore token with an empty --jti", args: []string{"kore", "token", "--jti", ""}, wantCode: 2,
			wantStderr: []string{"--jti is empty", "uuidgen"}, quietOut: true},
		{name: "verify against a notifysim without --reset is refused", args: []string{"verify", "--target", "SIM"}, wantCode: 2,
			wantStderr: []string{"Add --reset"}},
		{name: "verify with an unknown API", args: []string{"verify", "--apis", "luma,bogus"}, wantCode: 2,
			wantStderr: []string{`no contracts for "bogus"; there are admin, compat, faults, kore, luma, luminous, mykaarma`}},
		{name: "verify with a target that is not a URL", args: []string{"verify", "--target", "127.0.0.1:4545"}, wantCode: 2,
			wantStderr: []string{"not an absolute http(s) URL"}},
		{name: "verify with a target nobody answers", args: []string{"verify", "--target", "http://127.0.0.1:1"}, wantCode: 2,
			wantStderr: []string{"does not answer"}},
		{name: "verify selecting no scenario", args: []string{"verify", "--tags", "@no-such-tag", "--format", "progress"}, wantCode: 3,
			wantStderr: []string{"no scenario matches"}},
	}
	sim, err := simulator.New(simulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(func() { srv.Close(); sim.Close() })
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := slices.Clone(tc.args)
			for i, a := range args {
				if a == "SIM" { // a running sandbox
					args[i] = srv.URL
				}
			}
			code := run(args, &stdout, &stderr)
			if code != tc.wantCode {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tc.wantCode, stdout.String(), stderr.String())
			}
			for _, w := range tc.wantStdout {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
			for _, w := range tc.wantStderr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
			for _, w := range tc.notStderr {
				if strings.Contains(stderr.String(), w) {
					t.Errorf("stderr has %q:\n%s", w, stderr.String())
				}
			}
			if tc.quietOut && stdout.Len() > 0 {
				t.Errorf("unexpected stdout: %s", stdout.String())
			}
			if tc.quietErr && stderr.Len() > 0 {
				t.Errorf("unexpected stderr: %s", stderr.String())
			}
		})
	}
}

func TestEnvName(t *testing.T) {
	for _, tc := range []struct{ command, flag, want string }{
		{"serve", "addr", "NOTIFYSIM_ADDR"},
		{"serve", "journal-cap", "NOTIFYSIM_JOURNAL_CAP"},
		{"verify", "log-format", "NOTIFYSIM_LOG_FORMAT"},
		{"kore token", "client-id", "NOTIFYSIM_KORE_CLIENT_ID"},
	} {
		if got := envName(tc.command, tc.flag); got != tc.want {
			t.Errorf("envName(%q, %q) = %q, want %q", tc.command, tc.flag, got, tc.want)
		}
	}
}

func TestParseReadsEnvironment(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantAddr string
		wantCap  int
		wantOn   bool
		wantErr  string
	}{
		{name: "defaults", wantAddr: "default", wantCap: 10},
		{name: "variables", env: map[string]string{"NOTIFYSIM_ADDR": "env:1", "NOTIFYSIM_JOURNAL_CAP": "7", "NOTIFYSIM_STRICT": "true"},
			wantAddr: "env:1", wantCap: 7, wantOn: true},
		{name: "a flag beats its variable", env: map[string]string{"NOTIFYSIM_ADDR": "env:1", "NOTIFYSIM_JOURNAL_CAP": "7"},
			args: []string{"--addr", "flag:2"}, wantAddr: "flag:2", wantCap: 7},
		{name: "a flag set to its default still beats the variable", env: map[string]string{"NOTIFYSIM_JOURNAL_CAP": "7"},
			args: []string{"--journal-cap=10"}, wantAddr: "default", wantCap: 10},
		{name: "a bad variable names itself", env: map[string]string{"NOTIFYSIM_JOURNAL_CAP": "lots"},
			wantErr: `NOTIFYSIM_JOURNAL_CAP="lots"`},
		{name: "a bad variable is ignored when the flag is given", env: map[string]string{"NOTIFYSIM_JOURNAL_CAP": "lots"},
			args: []string{"--journal-cap", "3"}, wantAddr: "default", wantCap: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			fs := newFlags("test", "test", io.Discard)
			addr := fs.String("addr", "default", "")
			journalCap := fs.Int("journal-cap", 10, "")
			strict := fs.Bool("strict", false, "")
			err := parse(fs, tc.args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("parse error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if *addr != tc.wantAddr || *journalCap != tc.wantCap || *strict != tc.wantOn {
				t.Errorf("addr %q cap %d strict %v, want %q %d %v", *addr, *journalCap, *strict, tc.wantAddr, tc.wantCap, tc.wantOn)
			}
		})
	}
	t.Run("--help is flag.ErrHelp", func(t *testing.T) {
		clearEnv(t)
		fs := newFlags("test", "test", io.Discard)
		if err := parse(fs, []string{"--help"}); err != flag.ErrHelp {
			t.Errorf("err = %v", err)
		}
	})
}

func TestServeEnvironment(t *testing.T) {
	tests := []serveRefusal{
		{name: "a bad NOTIFYSIM_LOG_FORMAT", env: map[string]string{"NOTIFYSIM_LOG_FORMAT": "xml"},
			wantCode: 2, wantStderr: `--log-format must be text or json, not "xml"`},
		// The flag wins, so serve gets past the logger and stops at the missing file instead.
		{name: "--log-format beats NOTIFYSIM_LOG_FORMAT", env: map[string]string{"NOTIFYSIM_LOG_FORMAT": "xml", "NOTIFYSIM_FIXTURES": "/nonexistent/x.yaml"},
			args: []string{"--log-format", "json"}, wantCode: 1, wantStderr: "/nonexistent/x.yaml"},
		{name: "NOTIFYSIM_FIXTURES names a missing file", env: map[string]string{"NOTIFYSIM_FIXTURES": "/nonexistent/y.yaml"},
			wantCode: 1, wantStderr: "/nonexistent/y.yaml"},
		{name: "a bad NOTIFYSIM_SEED", env: map[string]string{"NOTIFYSIM_SEED": "-1"},
			wantCode: 2, wantStderr: "NOTIFYSIM_SEED"},
	}
	checkServeRefusals(t, tests)
}

// serveRefusal is `notifysim serve` run with args and env, and the exit code and stderr it should give.
type serveRefusal struct {
	name       string
	env        map[string]string
	args       []string
	wantCode   int
	wantStderr string
}

func checkServeRefusals(t *testing.T, tests []serveRefusal) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			var stdout, stderr bytes.Buffer
			if code := run(append([]string{"serve"}, tc.args...), &stdout, &stderr); code != tc.wantCode {
				t.Errorf("exit code %d, want %d; stderr: %s", code, tc.wantCode, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.wantStderr, stderr.String())
			}
		})
	}
}

// startServe runs serveContext in the background and returns its base URL and a stop function
// that returns the exit code.
func startServe(tb testing.TB, args []string, stdout, stderr io.Writer) (url string, stop func() int) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	code := make(chan int, 1)
	go func() { code <- serveContext(ctx, args, stdout, stderr, func(u string) { ready <- u }) }()
	select {
	case url = <-ready:
	case c := <-code:
		cancel()
		tb.Fatalf("serve exited with %d before it was ready", c)
	case <-time.After(30 * time.Second):
		cancel()
		tb.Fatal("serve was not ready within 30s")
	}
	var once sync.Once
	result := -1
	stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case result = <-code:
			case <-time.After(30 * time.Second):
				tb.Fatal("serve did not stop within 30s of its context ending")
			}
		})
		return result
	}
	tb.Cleanup(func() { stop() })
	return url, stop
}

func TestServeStartsAndStops(t *testing.T) {
	clearEnv(t)
	fixtures := filepath.Join(t.TempDir(), "data.yaml")
	if err := os.WriteFile(fixtures, []byte("luma:\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NOTIFYSIM_ADDR", "127.0.0.1:0") // read from the environment: no flag given
	t.Setenv("NOTIFYSIM_FIXTURES", fixtures)
	var stdout, stderr syncBuffer
	url, stop := startServe(t, []string{"--log-format", "json"}, &stdout, &stderr)
	if !strings.HasPrefix(url, "http://127.0.0.1:") || strings.HasSuffix(url, ":0") {
		t.Fatalf("url %q", url)
	}
	resp, err := http.Get(url + "/_sim/health")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), version) {
		t.Errorf("health: %d %s", resp.StatusCode, body)
	}
	if !strings.Contains(stdout.String(), "listening on "+url) {
		t.Errorf("stdout: %q", stdout.String())
	}
	if code := stop(); code != 0 {
		t.Errorf("exit code after the context ended: %d; stderr %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), `"msg":"notifysim is up"`) || !strings.Contains(stderr.String(), `"msg":"shutting down"`) {
		t.Errorf("stderr is not the JSON log it was asked for:\n%s", stderr.String())
	}
	if _, err := http.Get(url + "/_sim/health"); err == nil {
		t.Error("the server still answers after stopping")
	}
}

func TestServeAddressInUse(t *testing.T) {
	clearEnv(t)
	url, _ := startServe(t, []string{"--addr", "127.0.0.1:0", "--log-level", "error"}, io.Discard, io.Discard)
	var stderr bytes.Buffer
	code := serveContext(context.Background(), []string{"--addr", strings.TrimPrefix(url, "http://"), "--log-level", "error"}, io.Discard, &stderr, nil)
	if code != 1 || !strings.Contains(stderr.String(), "address already in use") {
		t.Errorf("second serve on %s: exit %d, stderr %s", url, code, stderr.String())
	}
}

// BenchmarkServeStartup measures `notifysim serve` from start to its first answer: one iteration
// starts it on a loopback port, waits for GET /_sim/health to answer 200, and shuts it down.
func BenchmarkServeStartup(b *testing.B) {
	args := []string{"--addr", "127.0.0.1:0", "--log-level", "error"}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for b.Loop() {
		ctx, cancel := context.WithCancel(context.Background())
		ready := make(chan string, 1)
		code := make(chan int, 1)
		go func() { code <- serveContext(ctx, args, io.Discard, io.Discard, func(u string) { ready <- u }) }()
		var url string
		select {
		case url = <-ready:
		case c := <-code:
			b.Fatalf("serve exited with %d", c)
		}
		resp, err := client.Get(url + "/_sim/health")
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("health answered %d", resp.StatusCode)
		}
		cancel()
		if c := <-code; c != 0 {
			b.Fatalf("serve exited with %d", c)
		}
	}
}
