package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// cliBinary is the notifysim a test runs as a real process: this test binary, which acts as the
// CLI (asCLI), so the code under test is the one built for the run (with -race under make test)
// and nothing is compiled again.
func cliBinary(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

// execGoBuild compiles the notifysim command without the race detector, for the benchmarks,
// whose figures are those of the binary users run.
func execGoBuild(bin string) ([]byte, error) {
	return exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
}

// startProcess runs notifysim serve with args on a free loopback port and returns its base URL.
func startProcess(t testing.TB, bin string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "warn"}, args...)...)
	cmd.Env = append(os.Environ(), "NOTIFYSIM_DATA=", "NOTIFYSIM_FIXTURES=", asCLI+"=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if _, url, ok := strings.Cut(sc.Text(), " listening on "); ok {
				lines <- url
			}
		}
		close(lines)
	}()
	select {
	case url, ok := <-lines:
		if !ok {
			_ = cmd.Wait()
			t.Fatalf("notifysim serve %v exited before listening: %s", args, stderr.String())
		}
		return cmd, url
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("notifysim serve %v did not start listening: %s", args, stderr.String())
	}
	return nil, ""
}

// TestCrashLosesNoAcknowledgedRequest is the durability contract of --data: 32 clients send Luma
// notifications (every fifth one invalid), the process is killed with SIGKILL in the middle,
// and a new process on the same file must hold the message of every request answered 200 and
// none of a request answered otherwise. Requests cut off by the kill got no answer; their
// messages may or may not be there.
func TestCrashLosesNoAcknowledgedRequest(t *testing.T) {
	bin := cliBinary(t)
	data := filepath.Join(t.TempDir(), "sandbox.db")
	proc, url := startProcess(t, bin, "--data", data)

	const clients, perClient, killAfter = 32, 200, 400
	var (
		mu       sync.Mutex
		acked    = map[string]bool{} // message text → answered 200
		refused  = map[string]bool{} // answered, not 200
		okCount  atomic.Int64
		wg       sync.WaitGroup
		killOnce sync.Once
	)
	client := &http.Client{Timeout: 30 * time.Second}
	kill := func() {
		killOnce.Do(func() { _ = proc.Process.Kill() })
	}
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perClient {
				text := fmt.Sprintf("crash-%02d-%04d", c, i)
				body := fmt.Sprintf(`{"recipients": {"contacts": ["ruth"]}, "message": %q}`, text)
				if i%5 == 4 {
					body = fmt.Sprintf(`{"recipients": {"contacts": ["ruth", "nobody.here"]}, "template_id": 1001, "message": %q}`, text)
				}
				status, err := postLuma(client, url, body)
				if err != nil {
					return // killed: this request and the rest of this client got no answer
				}
				mu.Lock()
				if status == http.StatusOK {
					acked[text] = true
				} else {
					refused[text] = true
				}
				mu.Unlock()
				if status == http.StatusOK && okCount.Add(1) == killAfter {
					kill()
				}
			}
		}()
	}
	wg.Wait()
	kill()
	_ = proc.Wait()
	if len(acked) < killAfter || len(refused) == 0 {
		t.Fatalf("only %d answered 200 and %d refused before the kill; the test needs both", len(acked), len(refused))
	}

	proc, url = startProcess(t, bin, "--data", data)
	defer func() {
		_ = proc.Process.Kill()
		_ = proc.Wait()
	}()
	resp, err := client.Get(url + "/_sim/messages?vendor=luma&limit=100000")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Messages []struct {
			Body string `json:"body"`
		} `json:"messages"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	stored := map[string]int{}
	for _, m := range got.Messages {
		stored[m.Body]++
	}
	missing := 0
	for text := range acked {
		if stored[text] != 1 {
			missing++
			if missing <= 5 {
				t.Errorf("request %s was answered 200 but after the restart its message is there %d times", text, stored[text])
			}
		}
	}
	for text := range refused {
		if stored[text] > 0 {
			t.Errorf("request %s was refused but its message is there after the restart", text)
		}
	}
	extra := len(stored) - len(acked)
	t.Logf("%d answered 200, %d refused, %d stored after kill -9 and restart (%d sent but unanswered), %d missing",
		len(acked), len(refused), len(stored), extra, missing)
	if missing > 0 {
		t.Fatalf("%d acknowledged requests lost", missing)
	}
}
