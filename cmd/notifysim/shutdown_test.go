package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startSelfProcess runs `notifysim serve` (this test binary) in a child process and returns its URL.
func startSelfProcess(t *testing.T, args ...string) (*exec.Cmd, string, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "warn", "--log-format", "json"}, args...)...)
	cmd.Env = append(os.Environ(), "NOTIFYSIM_TEST_RUN_MAIN=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed no address: %v; stderr %s", err, stderr.String())
	}
	_, url, ok := strings.Cut(strings.TrimSpace(line), "listening on ")
	if !ok {
		t.Fatalf("unexpected first line %q", line)
	}
	return cmd, url, &stderr
}

func TestServeExitsZeroOnSIGTERMWithStuckReaderUnderLoad(t *testing.T) {
	cmd, url, stderr := startSelfProcess(t)
	host := strings.TrimPrefix(url, "http://")

	// An event stream whose client never reads, with enough delivered to fill its socket.
	stuck, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer stuck.Close()
	if tcp, ok := stuck.(*net.TCPConn); ok {
		_ = tcp.SetReadBuffer(4096)
	}
	fmt.Fprint(stuck, "GET /_sim/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	// A long-poll in flight.
	go func() {
		if resp, err := http.Get(url + "/_sim/messages?wait=60s&count=1000000"); err == nil {
			resp.Body.Close()
		}
	}()
	// Load: senders that keep notifying until the server goes away (bounded in count).
	var wg sync.WaitGroup
	body := `{"recipients":{"contacts":"0"},"message":"` + strings.Repeat("load ", 2000) + `"}`
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 10 * time.Second}
			for range 2000 {
				if _, err := postLuma(client, url, body); err != nil {
					return
				}
			}
		}()
	}
	time.Sleep(500 * time.Millisecond) // let the load build up and the stream fall behind

	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("serve exited with %v after SIGTERM; stderr:\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second): // a hang guard, not a speed assertion
		t.Fatalf("serve did not exit within 30s of SIGTERM; stderr:\n%s", stderr.String())
	}
	t.Logf("exited 0 %s after SIGTERM; stderr:\n%s", time.Since(start).Round(time.Millisecond), stderr.String())
	wg.Wait()
}
