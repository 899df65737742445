package tui_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
)

// screen is a terminal emulator fed by the TUI's pseudo-terminal.
type screen struct {
	mu  sync.Mutex
	emu *vt.Emulator
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.Write(p)
}

func (s *screen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.String()
}

// waitFor polls the emulated screen until ok says yes. The bound only keeps a broken build
// from hanging the suite; nothing is asserted about how long it took.
func (s *screen) waitFor(t testing.TB, what string, ok func(string) bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !ok(s.text()) {
		if time.Now().After(deadline) {
			t.Fatalf("the screen never showed %s; it shows:\n%s", what, s.text())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freePort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "notifysim")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/notifysim/notifysim/cmd/notifysim").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startServe runs `notifysim serve` on addr and waits until it answers.
func startServe(t testing.TB, bin, addr string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr, "--seed", "3"}, args...)...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/_sim/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return cmd
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("notifysim serve never answered on %s: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestEndToEnd(t *testing.T) {
	bin := buildBinary(t)
	t.Run("tui attached to a serve process", func(t *testing.T) { attached(t, bin) })
	t.Run("serve --tui in one process", func(t *testing.T) { inProcess(t, bin) })
}

// runInPty starts bin with args in a 120×40 pseudo-terminal read by a terminal emulator.
func runInPty(t testing.TB, bin string, args ...string) (*exec.Cmd, *screen, io.Writer) {
	t.Helper()
	return runInPtyEnv(t, []string{"NO_COLOR=1", "TERM=xterm-256color"}, bin, args...)
}

func runInPtyEnv(t testing.TB, env []string, bin string, args ...string) (*exec.Cmd, *screen, io.Writer) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		t.Fatal(err)
	}
	scr := &screen{emu: vt.NewEmulator(120, 40)}
	var copies sync.WaitGroup
	copies.Add(2)
	go func() { defer copies.Done(); _, _ = io.Copy(scr, ptmx) }()
	// The emulator answers the program's terminal queries (colours, capabilities) through the pty.
	go func() { defer copies.Done(); _, _ = io.Copy(ptmx, scr.emu) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_, _ = cmd.Process.Wait()
		_ = ptmx.Close()
		// Emulator.Close races with a pending Read (vt v0.1.0); a device-attributes query makes
		// the emulator answer instead, and the responder ends writing it to the closed pty.
		_, _ = scr.Write([]byte("\x1b[c"))
		copies.Wait()
	})
	return cmd, scr, ptmx
}

func connected(s string) bool {
	head, _, _ := strings.Cut(s, "\n")
	return strings.Contains(head, "connected") && !strings.Contains(head, "reconnecting")
}

func sendLuma(t *testing.T, addr, text string) {
	t.Helper()
	if err := postLuma(http.DefaultClient, addr, `{"recipients":{"contacts":"0","roles":"-3"},"responseType":"TEXT","message":"`+text+`"}`); err != nil {
		t.Fatal(err)
	}
}

func postLuma(hc *http.Client, addr, body string) error {
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/vsa/public/notifylumauser/message", strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer luma-demo-token")
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the Luma send answered %d", resp.StatusCode)
	}
	return nil
}

// burst sends n fan-outs to every Luma user (7 messages each) from a few connections at once,
// as a load test would.
func burst(t *testing.T, addr string, n int) {
	t.Helper()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 4 {
				if err := postLuma(hc, addr, fmt.Sprintf(`{"recipients":{"contacts":"0"},"message":"burst %d"}`, i)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// health reads the sandbox's own count of stored messages.
func health(t testing.TB, addr string) int {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/_sim/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct{ Messages int }
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	return h.Messages
}

func rowWith(parts ...string) func(string) bool {
	return func(s string) bool {
		for _, l := range strings.Split(s, "\n") {
			all := true
			for _, p := range parts {
				all = all && strings.Contains(l, p)
			}
			if all {
				return true
			}
		}
		return false
	}
}

// quit presses q and waits for a clean exit.
func quit(t *testing.T, cmd *exec.Cmd, in io.Writer) {
	t.Helper()
	quitWith(t, cmd, in, "q")
}

func quitWith(t *testing.T, cmd *exec.Cmd, in io.Writer, key string) {
	t.Helper()
	if _, err := in.Write([]byte(key)); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("%s exited with %v", cmd.Args[1], err)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not quit on q", cmd.Args[1])
	}
}

func inProcess(t *testing.T, bin string) {
	addr := freePort(t)
	logFile := filepath.Join(t.TempDir(), "logs", "notifysim.log")
	cmd, scr, in := runInPty(t, bin, "serve", "--tui", "--addr", addr, "--log-file", logFile)
	scr.waitFor(t, "the connected header", connected)
	sendLuma(t, addr, "Printer on fire")
	scr.waitFor(t, "sam.phyll's message", rowWith("sam.phyll", "Printer on fire"))
	// q stops the sandbox too: it asks, and anything but y keeps it running.
	if _, err := in.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	scr.waitFor(t, "the question", func(s string) bool { return strings.Contains(s, "Quit and stop the sandbox at http://"+addr+"? y/N") })
	if _, err := in.Write([]byte("n")); err != nil {
		t.Fatal(err)
	}
	scr.waitFor(t, "the TUI still running", func(s string) bool { return strings.Contains(s, "still running") })
	sendLuma(t, addr, "Still here")
	if _, err := in.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	scr.waitFor(t, "the question again", func(s string) bool { return strings.Contains(s, "y/N") })
	quitWith(t, cmd, in, "y")
	scr.waitFor(t, "where the logs went", func(s string) bool { return strings.Contains(s, "the logs are in "+logFile) })
	logs, err := os.ReadFile(logFile)
	if err != nil || !strings.Contains(string(logs), "notifysim is up") || !strings.Contains(string(logs), "/vsa/public/notifylumauser/message") {
		t.Errorf("the log file holds %q (%v), want the start-up line and the request", logs, err)
	}
}

func attached(t *testing.T, bin string) {
	addr := freePort(t)
	// A store smaller than the burst: the TUI's counts must follow the server's evictions.
	server := startServe(t, bin, addr, "--max-messages", "15000")

	tuiCmd, scr, in := runInPty(t, bin, "tui", "--server", "http://"+addr)
	scr.waitFor(t, "the connected header", connected)
	sendLuma(t, addr, "Exchange server is down")
	scr.waitFor(t, "sam.phyll's message", rowWith("sam.phyll", "Exchange server"))
	scr.waitFor(t, "sam.phyll's row with one unread message", func(s string) bool {
		for _, l := range strings.Split(s, "\n") {
			if left, _, ok := strings.Cut(l, "│"); ok && strings.Contains(left, "sam.phyll") && strings.Contains(left, "1 ●1") {
				return true
			}
		}
		return false
	})

	// A load test: 20,000 messages as fast as the sandbox takes them. The stream may fall
	// behind (gaps); afterwards the TUI shows exactly the server's counts.
	burst(t, addr, 2858)
	want := health(t, addr)
	if want != 15000 {
		t.Fatalf("the sandbox holds %d messages after the burst, want its cap of 15000", want)
	}
	scr.waitFor(t, fmt.Sprintf("the header and the inbox counting the server's %d messages", want), func(s string) bool {
		return strings.Contains(s, fmt.Sprintf("  %d msgs  ", want)) && strings.Contains(s, fmt.Sprintf("All messages · %d messages", want))
	})

	_ = server.Process.Kill()
	_ = server.Wait()
	scr.waitFor(t, "reconnecting", func(s string) bool { return strings.Contains(s, "reconnecting") })

	startServe(t, bin, addr)
	scr.waitFor(t, "connected again", connected)
	// A restarted sandbox starts empty: the reload shows it.
	scr.waitFor(t, "the emptied inbox", func(s string) bool { return strings.Contains(s, "0 messages") })

	quit(t, tuiCmd, in)
}
