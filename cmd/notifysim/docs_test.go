package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/notifysim/notifysim/simulator/fixtures"
)

// asCLI makes the test binary act as the notifysim command, so the documentation's commands run the
// code under test without a separate build.
const asCLI = "NOTIFYSIM_TEST_AS_CLI"

// TestMain also serves the shutdown tests, which run this binary as a real serve process
// (NOTIFYSIM_TEST_RUN_MAIN) so it gets a real SIGTERM.
func TestMain(m *testing.M) {
	if os.Getenv(asCLI) == "1" {
		main()
		return
	}
	if os.Getenv("NOTIFYSIM_TEST_RUN_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	if _, set := os.LookupEnv("GORACE"); !set {
		// The CLI processes the tests start (this binary, with -race under make test) would
		// each pause a second at exit for goroutines still running to report a race.
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	os.Exit(m.Run())
}

// docCommand is one command of a ```sh block with the output the file shows under it.
type docCommand struct {
	line     int    // where it starts in its file
	text     string // the command, continuation lines joined
	expected string // the "# " lines under it, joined; empty when none
	exit     int    // the exit status the file shows, "(exit status N)"; 0 when none
}

type docBlock struct {
	line     int
	commands []docCommand
}

// savedFile is a file a doc says the reader saves ("Saved as `my.yaml`"), taken from the
// code block before that sentence.
type savedFile struct{ name, content string }

var (
	savedAs    = regexp.MustCompile("[Ss]aved as `([A-Za-z0-9_.-]+)`")
	exitStatus = regexp.MustCompile(`^\(exit status (\d+)\)$`)
)

// parseDoc finds every ```sh block of a doc file, its commands and their shown output, and the
// files it asks the reader to save.
func parseDoc(t *testing.T, text string) ([]docBlock, []savedFile) {
	t.Helper()
	var blocks []docBlock
	var files []savedFile
	lines := strings.Split(text, "\n")
	var lastBlock string
	for i := 0; i < len(lines); i++ {
		if m := savedAs.FindStringSubmatch(lines[i]); m != nil && lastBlock != "" {
			files = append(files, savedFile{m[1], lastBlock})
		}
		fence := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(fence, "```") || fence == "```" {
			continue
		}
		lang := strings.TrimPrefix(fence, "```")
		start := i
		var body []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			body = append(body, lines[i])
		}
		lastBlock = strings.Join(body, "\n") + "\n"
		if lang != "sh" {
			continue
		}
		block := docBlock{line: start + 1}
		for j := 0; j < len(body); j++ {
			l := body[j]
			if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
				continue
			}
			cmd := docCommand{line: start + 2 + j, text: l}
			for strings.HasSuffix(strings.TrimRight(cmd.text, " "), "\\") && j+1 < len(body) {
				j++
				cmd.text += "\n" + body[j]
			}
			// A command's quoted argument may go on over several lines without backslashes.
			for quoteOpen(cmd.text) && j+1 < len(body) {
				j++
				cmd.text += "\n" + body[j]
			}
			var out []string
			for j+1 < len(body) && strings.HasPrefix(body[j+1], "#") {
				j++
				out = append(out, strings.TrimSpace(strings.TrimPrefix(body[j], "#")))
			}
			if n := len(out); n > 0 {
				if m := exitStatus.FindStringSubmatch(out[n-1]); m != nil {
					cmd.exit, _ = strconv.Atoi(m[1])
					out = out[:n-1]
				}
			}
			cmd.expected = jsonOnly(strings.Join(out, ""))
			block.commands = append(block.commands, cmd)
		}
		blocks = append(blocks, block)
	}
	return blocks, files
}

// masks hide what changes from run to run, in the shown output and the real one alike.
var masks = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`), "<uuid>"},
	{regexp.MustCompile(`\d{4}-\d\d-\d\dT`), "<date>T"},
	{regexp.MustCompile(`T\d\d:\d\d:\d\d`), "T<hh:mm:ss>"},
	{regexp.MustCompile(`\.\d+(Z|[+-]\d\d:\d\d)`), ".<frac>$1"},
	{regexp.MustCompile(`\b1\d{12}\b`), "<epoch ms>"},
	{regexp.MustCompile(`"uptimeSeconds":[0-9.e+-]+`), `"uptimeSeconds":<n>`},
	{regexp.MustCompile(`\(\d+(\.\d+)?(ms|s)\)`), "(<duration>)"},
	{regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`), "<jwt>"},
}

func mask(s string) string {
	for _, m := range masks {
		s = m.re.ReplaceAllString(s, m.with)
	}
	return s
}

// elision is "…" in shown output: any text, with the characters of an id it cuts short
// ("ds-…", "69087bbe-…"), any words between two of them ("{…the request as sent…}") and the
// commas and blanks around it (", …, ").
var elision = regexp.MustCompile(`,?\s*[A-Za-z0-9_-]*…(?:[^…"{}\[\],]*…)?\s*,?\s*`)

// outputPattern turns shown output into a regular expression the real output must match.
func outputPattern(shown string) *regexp.Regexp {
	parts := elision.Split(mask(shown), -1)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`(?s)^` + strings.Join(parts, `.*?`) + `$`)
}

// comparable reports whether the "# " lines under a command are its output rather than a remark:
// JSON, or what a notifysim command prints.
func comparable(c docCommand) bool {
	if c.expected == "" {
		return false
	}
	if strings.HasPrefix(c.expected, "{") || strings.HasPrefix(c.expected, "[") {
		return true
	}
	return strings.HasPrefix(c.text, "notifysim ")
}

// sandbox is a real notifysim serve process (this test binary acting as the CLI).
type sandbox struct {
	url string
	cmd *exec.Cmd
}

func startSandbox(t *testing.T, exe string, env []string) *sandbox {
	t.Helper()
	cmd := exec.Command(exe, "serve", "--addr", "127.0.0.1:0", "--log-level", "error")
	cmd.Env = env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() {
		t.Fatalf("notifysim serve printed nothing: %v", sc.Err())
	}
	_, url, ok := strings.Cut(sc.Text(), " listening on ")
	if !ok {
		t.Fatalf("unexpected banner %q", sc.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return &sandbox{url: url, cmd: cmd}
}

// reset puts the demo dataset back, so every block starts from the sandbox `make run` gives.
func (s *sandbox) reset(t *testing.T) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, s.url+"/_sim/fixtures", bytes.NewReader(fixtures.DemoYAML()))
	req.Header.Set("Content-Type", "application/yaml")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("resetting the sandbox: %d", resp.StatusCode)
	}
}

// contractsDir holds one small scenario per API folder, so that the documentation's verify commands
// run their real options quickly instead of the whole suite (make test runs that already).
func contractsDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, api := range []string{"luma", "luminous", "mykaarma", "kore", "admin"} {
		if err := os.MkdirAll(filepath.Join(dir, api), 0o755); err != nil {
			t.Fatal(err)
		}
		feature := fmt.Sprintf("@%s\nFeature: %s answers\n  Scenario: the sandbox is up\n    When I send a GET request to \"/_sim/health\"\n    Then the response status is 200\n", api, api)
		if err := os.WriteFile(filepath.Join(dir, api, "up.feature"), []byte(feature), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var (
	sandboxURL   = regexp.MustCompile(`https?://(127\.0\.0\.1|localhost):4545`)
	goRunCLI     = regexp.MustCompile(`(go run \./cmd/notifysim|bin/notifysim)\b`)
	idToFill     = regexp.MustCompile(`([A-Za-z]+-)…`)
	assignment   = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=`)
	streaming    = regexp.MustCompile(`^curl\b.*\s(-[a-zA-Z]*N[a-zA-Z]*|--no-buffer)\b`)
	notRunPrefix = []string{"make ", "notifysim serve", "go "}
)

// repoRoot is the repository, seen from this package's directory (where go test runs it).
const repoRoot = "../.."

// docFiles are the Markdown files a newcomer reads, relative to the repository: README.md, then
// every page of docs/ by name. Their examples run and their links are checked.
func docFiles(t *testing.T) []string {
	t.Helper()
	pages, err := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files := []string{"README.md"}
	for _, p := range pages {
		rel, err := filepath.Rel(repoRoot, p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, filepath.ToSlash(rel))
	}
	return files
}

// docRun is what the examples of the doc files share: one sandbox (starting one per file would
// cost a second each under -race), the CLI on PATH, and the small feature files.
type docRun struct {
	sb       *sandbox
	host     string
	env      []string
	features string
}

// TestDocsExamples runs every command of every ```sh block of README.md and of each page of
// docs/, file by file and in order, against one real sandbox, and compares what it prints with
// the output the file shows under it (ids, times and "…" elisions masked). Each block starts
// from the demo dataset; shell variables set by earlier blocks of the same file (TOKEN=…) stay
// set for the rest of that file, as they would for a reader going down the page. A command must
// exit 0 unless the file shows "# (exit status N)" under it. Failures name file:line.
func TestDocsExamples(t *testing.T) {
	clearEnv(t)
	exe, env := cliOnPath(t, "the documentation's examples", "bash", "curl")
	sb := startSandbox(t, exe, env)
	run := &docRun{
		sb:       sb,
		host:     strings.TrimPrefix(sb.url, "http://"),
		env:      append(env, "NOTIFYSIM_SERVER="+sb.url), // wait, messages and reset talk to it
		features: contractsDir(t),
	}
	total := 0
	for _, file := range docFiles(t) {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(repoRoot, file))
			if err != nil {
				t.Fatal(err)
			}
			blocks, files := parseDoc(t, string(data))
			ran := run.file(t, file, blocks, files)
			if file == "README.md" && ran == 0 {
				t.Fatal("found no command to run in README.md")
			}
			t.Logf("ran %d commands from %d blocks", ran, len(blocks))
			total += ran
		})
	}
	t.Logf("ran %d commands in all", total)
}

// file runs the blocks of one doc file and answers how many commands ran.
func (r *docRun) file(t *testing.T, file string, blocks []docBlock, files []savedFile) int {
	t.Helper()
	work := t.TempDir()
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(work, f.name), []byte(f.content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var vars []string   // NAME=value of the assignments made so far, for later commands
	var previous string // the last command's output, where "ds-…" ids are taken from
	ran := 0
	for _, b := range blocks {
		r.sb.reset(t)
		for _, c := range b.commands {
			skip := false
			for _, p := range notRunPrefix {
				skip = skip || strings.HasPrefix(c.text, p)
			}
			if skip {
				continue
			}
			name := fmt.Sprintf("%s:%d", file, c.line)
			cmd := sandboxURL.ReplaceAllString(c.text, "http://"+r.host)
			cmd = goRunCLI.ReplaceAllString(cmd, "notifysim")
			cmd = idToFill.ReplaceAllStringFunc(cmd, func(s string) string {
				prefix := strings.TrimSuffix(s, "…")
				if id := regexp.MustCompile(regexp.QuoteMeta(prefix) + `[A-Za-z0-9_-]+`).FindString(previous); id != "" {
					return id
				}
				t.Errorf("%s: no %s id in the output before to fill %q with", name, prefix, s)
				return s
			})
			if strings.HasPrefix(cmd, "notifysim verify") {
				cmd = strings.Replace(cmd, "notifysim verify", "notifysim verify --features "+r.features, 1)
			}
			// An assignment (TOKEN=$(notifysim kore token)) runs once; its value is read back
			// after a NUL and handed to later commands in their environment, instead of
			// running it again before each of them.
			assigned := ""
			if m := assignment.FindString(cmd); m != "" {
				assigned = strings.TrimSuffix(m, "=")
				cmd += fmt.Sprintf("\nprintf '\\000%%s' \"$%s\"", assigned)
			}
			limit := 60 * time.Second
			if streaming.MatchString(cmd) {
				// An event stream never ends: show that it answers, then stop it.
				limit = 2 * time.Second
			}
			ctx, cancel := context.WithTimeout(context.Background(), limit)
			sh := exec.CommandContext(ctx, "bash", "-c", cmd)
			sh.Dir, sh.Env = work, slices.Concat(r.env, vars)
			out, err := sh.CombinedOutput()
			cancel()
			if assigned != "" {
				var value []byte
				out, value, _ = bytes.Cut(out, []byte{0})
				vars = append(vars, assigned+"="+string(value))
			}
			ran++
			if streaming.MatchString(cmd) {
				if len(out) == 0 {
					t.Errorf("%s: the stream sent nothing in %s", name, limit)
				}
				continue
			}
			code := 0
			var exitErr *exec.ExitError
			if errors.As(err, &exitErr) {
				code = exitErr.ExitCode()
			} else if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			// The sandbox's real address reads as the documentation's.
			got := strings.ReplaceAll(strings.TrimRight(string(out), "\n"), r.host, "127.0.0.1:4545")
			if got != "" { // a silent command (sleep 1) keeps the output ids are taken from
				previous = got
			}
			if code != c.exit {
				t.Errorf("%s: `%s` exited %d, the file says %d; it printed:\n%s", name, firstLine(c.text), code, c.exit, got)
				continue
			}
			if comparable(c) {
				if re := outputPattern(c.expected); !re.MatchString(mask(joinTrimmed(got))) {
					t.Errorf("%s: `%s` printed\n  %s\nthe file shows\n  %s", name, firstLine(c.text), got, c.expected)
				}
			}
		}
	}
	return ran
}

// jsonOnly cuts shown JSON output where its outermost brackets close: "# " lines after it are
// remarks about it ("# payload: {…}").
func jsonOnly(shown string) string {
	if !strings.HasPrefix(shown, "{") && !strings.HasPrefix(shown, "[") {
		return shown
	}
	depth, inString, escaped := 0, false, false
	for i, r := range shown {
		switch {
		case escaped:
			escaped = false
		case inString && r == '\\':
			escaped = true
		case r == '"':
			inString = !inString
		case inString:
		case r == '{' || r == '[':
			depth++
		case r == '}' || r == ']':
			depth--
			if depth == 0 {
				return shown[:i+1]
			}
		}
	}
	return shown
}

// quoteOpen reports whether a shell command ends inside a quoted string, so that its next line
// belongs to it; a # comment outside quotes ends a line ("# the analyst's inbox").
func quoteOpen(cmd string) bool {
	var quote rune
	prev := ' '
	for _, line := range strings.Split(cmd, "\n") {
		prev = ' '
		for _, r := range line {
			switch {
			case quote != 0:
				if r == quote && (quote == '\'' || prev != '\\') {
					quote = 0
				}
			case r == '\'' || r == '"':
				quote = r
			case r == '#' && (prev == ' ' || prev == '\t'):
				prev = r
				goto nextLine
			}
			prev = r
		}
	nextLine:
	}
	return quote != 0
}

// joinTrimmed joins lines without their surrounding blanks, as the documentation's "# " lines are.
func joinTrimmed(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, "")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func TestOutputPattern(t *testing.T) {
	tests := []struct {
		shown, real string
		match       bool
	}{
		{`{"timestamp":1795240015748,"status":200}`, `{"timestamp":1800000000123,"status":200}`, true},
		{`{"timestamp":…,"status":401}`, `{"timestamp":1800000000123,"status":401}`, true},
		{`{"timestamp":…,"status":401}`, `{"timestamp":1800000000123,"status":400}`, false},
		{`{"id":"69087bbe-…","payload":{…the request as sent…},"status":"sent",…}`, `{"id":"0b6c9a7e-1d2f-4a8b-9c3d-112233445566","payload":{"a":1},"status":"sent","seen":false}`, true},
		{`{"_id":"ds-…","lMod":"…T06:56:48.000Z"}`, `{"_id":"ds-0b6c9a7e-1d2f-4a8b-9c3d-112233445566","lMod":"2026-01-01T10:11:12.000Z"}`, true},
		{`{"status":"IN_PROGRESS", …, "_id":"ds-…", …}`, `{"status":"IN_PROGRESS","percentageComplete":0,"_id":"ds-0b6c9a7e-1d2f-4a8b-9c3d-112233445566","__v":0}`, true},
		{`{"data":{"campaign":"x",…,"waId":"256"},"status":"sent",…}]}`, `{"data":{"campaign":"x","language":"en","waId":"256"},"status":"sent","seen":false}]}`, true},
		{jsonOnly(`{"jwt":"eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.sig"}payload: {"a":1}`), `{"jwt":"eyJhbGciOiJIUzI1NiJ9.eyJiIjoyfQ.other"}`, true},
		{`notifysim version: unexpected argument "extra": this command takes flags only; see notifysim version --help`, `notifysim version: unexpected argument "extra": this command takes flags only; see notifysim version --help`, true},
	}
	for _, tc := range tests {
		if got := outputPattern(tc.shown).MatchString(mask(tc.real)); got != tc.match {
			t.Errorf("%s\n  against %s: match %v, want %v", tc.shown, tc.real, got, tc.match)
		}
	}
}

// TestDocsNameGoModsGoVersion: the Go the README (and any page) asks for is the one go.mod
// needs, so a newcomer with an older toolchain learns it before a build fails.
func TestDocsNameGoModsGoVersion(t *testing.T) {
	mod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	version := regexp.MustCompile(`\bGo \(?(1\.\d+(?:\.\d+)?)`)
	for _, file := range docFiles(t) {
		text, err := os.ReadFile(filepath.Join(repoRoot, file))
		if err != nil {
			t.Fatal(err)
		}
		named := version.FindAllSubmatch(text, -1)
		if file == "README.md" && len(named) == 0 {
			t.Errorf("README.md names no Go version; go.mod needs %s", m[1])
		}
		for _, n := range named {
			if string(n[1]) != string(m[1]) {
				t.Errorf("%s asks for Go %s, go.mod needs %s", file, n[1], m[1])
			}
		}
	}
}

// cliOnPath checks that what (the documentation's examples, a CI job) finds the tools it needs,
// and returns this test binary and an environment in which a command runs it as notifysim: the
// binary is first on the PATH under that name, told to act as the CLI.
func cliOnPath(t *testing.T, what string, tools ...string) (exe string, env []string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s run %s, which is not on the PATH: %v", what, tool, err)
		}
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	if err := os.Symlink(exe, filepath.Join(bin, "notifysim")); err != nil {
		t.Fatal(err)
	}
	return exe, append(os.Environ(), asCLI+"=1", "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}
