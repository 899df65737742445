package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// rssBytes reads a process's resident set size from /proc.
// postLuma sends body to Luma's notify route as the demo tenant and reads the answer to its end;
// it returns the status.
func postLuma(client *http.Client, url, body string) (int, error) {
	req, _ := http.NewRequest("POST", url+"/vsa/public/notifylumauser/message", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer luma-demo-token")
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func rssBytes(tb testing.TB, pid int) int64 {
	tb.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		tb.Fatalf("reading the RSS needs /proc: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				tb.Fatal(err)
			}
			return kb << 10
		}
	}
	tb.Fatal("no VmRSS in /proc status")
	return 0
}

// BenchmarkSoak runs notifysim serve as a real process and sends b.N small Luma notifications
// from 32 clients over loopback, then reports the process's RSS, the RSS per stored message and
// the throughput. Run it with a fixed count, for example -benchtime 200000x.
func BenchmarkSoak(b *testing.B) {
	bin := buildBench(b)
	modes := []struct {
		name string
		args []string
		max  int
	}{
		{"memory", nil, 100000},
		{"data", []string{"--data", "DATA"}, 100000},
		{"memory-max10k", []string{"--max-messages", "10000"}, 10000},
		{"data-max10k", []string{"--data", "DATA", "--max-messages", "10000"}, 10000},
		// The memory aim is RSS per stored message at 1,000,000 messages: run this one
		// with -benchtime 1000000x.
		{"memory-1M", []string{"--max-messages", "1000000"}, 1000000},
	}
	for _, m := range modes {
		b.Run(m.name, func(b *testing.B) {
			args := append([]string(nil), m.args...)
			for i, a := range args {
				if a == "DATA" {
					args[i] = filepath.Join(b.TempDir(), "soak.db")
				}
			}
			proc, url := startProcess(b, bin, args...)
			defer func() {
				_ = proc.Process.Kill()
				_ = proc.Wait()
			}()
			base := rssBytes(b, proc.Process.Pid)
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 30 * time.Second}
			var next atomic.Int64
			var failed atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for range 32 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
						body := fmt.Sprintf(`{"recipients": {"contacts": ["ruth"]}, "message": "soak %d"}`, i)
						if status, err := postLuma(client, url, body); err != nil || status != http.StatusOK {
							failed.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			if n := failed.Load(); n > 0 {
				b.Fatalf("%d of %d requests failed", n, b.N)
			}
			resp, err := client.Get(url + "/_sim/health")
			if err != nil {
				b.Fatal(err)
			}
			var health struct {
				Messages int `json:"messages"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&health)
			resp.Body.Close()
			if want := min(b.N, m.max); health.Messages != want {
				b.Fatalf("%d messages stored, want %d", health.Messages, want)
			}
			rss := rssBytes(b, proc.Process.Pid)
			b.ReportMetric(float64(rss)/(1<<20), "MB-RSS")
			b.ReportMetric(float64(health.Messages), "stored")
			if health.Messages > 0 {
				b.ReportMetric(float64(rss-base)/float64(health.Messages), "B-RSS/stored")
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
		})
	}
}

func buildBench(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "notifysim")
	if out, err := execGoBuild(bin); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
