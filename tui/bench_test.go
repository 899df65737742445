package tui_test

import (
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
	"sync"
	"testing"
	"time"
)

// BenchmarkTUIUnderLoad is the TUI as a developer runs it during a load test: `notifysim serve`
// and `notifysim tui` as separate processes, the TUI in a 120×40 pseudo-terminal on the All
// tab, while Luma fan-outs deliver 1,000 messages a second for 10 seconds (BENCH_TUI_SECONDS
// changes it). It reports the TUI process's CPU (from /proc, share of one core), how long a
// message took from its send to a row on the emulated screen, and how long after the last send
// the TUI's counts equal /_sim/health's (it fails if they never do).
func BenchmarkTUIUnderLoad(b *testing.B) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		b.Skip("needs /proc to read the TUI's CPU time")
	}
	seconds := 10
	if s, err := strconv.Atoi(os.Getenv("BENCH_TUI_SECONDS")); err == nil && s > 0 {
		seconds = s
	}
	// BENCH_TUI_BIN measures another build (an older one, for a before/after).
	bin := os.Getenv("BENCH_TUI_BIN")
	if bin == "" {
		bin = buildBinary(b)
	}
	for range b.N {
		addr := freePort(b)
		server := startServe(b, bin, addr)
		// In colour, as people run it: styling every row is part of the cost.
		tuiCmd, scr, _ := runInPtyEnv(b, []string{"TERM=xterm-256color", "COLORTERM=truecolor"}, bin, "tui", "--server", "http://"+addr)
		scr.waitFor(b, "the connected header", connected)
		time.Sleep(500 * time.Millisecond) // let the first screen's loads finish before counting

		const rate, fanout = 1000, 7 // a Luma fan-out to "0" reaches the demo tenant's 7 users
		var (
			mu   sync.Mutex
			sent = map[int]time.Time{}
			lags []time.Duration
			seen = map[int]bool{}
		)
		stop := make(chan struct{})
		var pollers sync.WaitGroup
		pollers.Add(1)
		go func() { // watches the screen for rows, as a reader would
			defer pollers.Done()
			marker := regexp.MustCompile(`L(\d{7})`)
			for {
				select {
				case <-stop:
					return
				case <-time.After(2 * time.Millisecond):
				}
				now := time.Now()
				for _, m := range marker.FindAllStringSubmatch(scr.text(), -1) {
					n, _ := strconv.Atoi(m[1])
					mu.Lock()
					if at, ok := sent[n]; ok && !seen[n] {
						seen[n] = true
						lags = append(lags, now.Sub(at))
					}
					mu.Unlock()
				}
			}
		}()

		cpu0, wall0 := cpuTicks(b, tuiCmd.Process.Pid), time.Now()
		hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2}}
		tick := time.NewTicker(time.Second * fanout / rate)
		requests := seconds * rate / fanout
		for i := range requests {
			<-tick.C
			mu.Lock()
			sent[i] = time.Now()
			mu.Unlock()
			if err := postLuma(hc, addr, fmt.Sprintf(`{"recipients":{"contacts":"0"},"message":"L%07d"}`, i)); err != nil {
				b.Fatal(err)
			}
		}
		tick.Stop()
		last := time.Now()
		wall := last.Sub(wall0)
		cpu := cpuTicks(b, tuiCmd.Process.Pid) - cpu0

		want := health(b, addr)
		settle := time.Duration(-1)
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			s := scr.text()
			if strings.Contains(s, fmt.Sprintf("  %d msgs  ", want)) && strings.Contains(s, fmt.Sprintf("All messages · %d messages", want)) {
				settle = time.Since(last)
				break
			}
		}
		if settle < 0 {
			b.Errorf("a minute after the load the TUI still does not count the server's %d messages:\n%s", want, scr.text())
		}
		close(stop)
		pollers.Wait()

		mu.Lock()
		slices.Sort(lags)
		pct := func(p float64) float64 {
			if len(lags) == 0 {
				return 0
			}
			return float64(lags[min(int(p*float64(len(lags))), len(lags)-1)].Microseconds()) / 1000
		}
		b.ReportMetric(float64(cpu)/float64(clockTicks())/wall.Seconds()*100, "cpu-%")
		b.ReportMetric(pct(0.50), "lag-p50-ms")
		b.ReportMetric(pct(0.95), "lag-p95-ms")
		b.ReportMetric(pct(1), "lag-max-ms")
		b.ReportMetric(float64(len(seen))*100/float64(requests), "rows-seen-%")
		b.ReportMetric(float64(requests*fanout)/wall.Seconds(), "msgs/s")
		b.ReportMetric(float64(settle.Milliseconds()), "counts-settle-ms")
		b.ReportMetric(float64(rssKB(tuiCmd.Process.Pid))/1024, "tui-rss-MB")
		mu.Unlock()

		_ = tuiCmd.Process.Kill()
		_ = server.Process.Kill()
	}
}

// cpuTicks is the user and system time of process pid, in clock ticks (/proc/PID/stat fields
// 14 and 15).
func cpuTicks(b *testing.B, pid int) int64 {
	b.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	// The command name (field 2) may hold spaces: count fields after its closing parenthesis.
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return utime + stime
}

// clockTicks is the kernel's clock ticks per second (CLK_TCK), 100 on every common Linux.
func clockTicks() int64 {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if n, perr := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64); err == nil && perr == nil && n > 0 {
		return n
	}
	return 100
}

func rssKB(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// BenchmarkTUIWrkFanout is issue 19's scenario: with the TUI on All, `wrk -t1 -c2 -d20s` sends
// Luma fan-outs to "0" as fast as the sandbox takes them, far more events than a terminal can
// show, so the event stream drops some (gaps). It reports the TUI's CPU during the run, the
// counts it shows right after, and how long until they equal the server's. It runs only with
// BENCH_TUI_WRK=1 and wrk installed (apt-get install wrk); BENCH_TUI_WRK_DURATION changes 20s.
func BenchmarkTUIWrkFanout(b *testing.B) {
	if os.Getenv("BENCH_TUI_WRK") != "1" {
		b.Skip("set BENCH_TUI_WRK=1 to run wrk against a sandbox with the TUI attached")
	}
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		b.Skip("wrk is not installed")
	}
	duration := os.Getenv("BENCH_TUI_WRK_DURATION")
	if duration == "" {
		duration = "20s"
	}
	bin := os.Getenv("BENCH_TUI_BIN")
	if bin == "" {
		bin = buildBinary(b)
	}
	script := filepath.Join(b.TempDir(), "fanout.lua")
	if err := os.WriteFile(script, []byte(`wrk.method = "POST"
wrk.body = '{"recipients":{"contacts":"0"},"message":"m"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer luma-demo-token"
`), 0o644); err != nil {
		b.Fatal(err)
	}
	counts := regexp.MustCompile(`(\d+) msgs[\s\S]*All messages · (\d+) messages`)
	for range b.N {
		addr := freePort(b)
		server := startServe(b, bin, addr)
		tuiCmd, scr, _ := runInPtyEnv(b, []string{"TERM=xterm-256color", "COLORTERM=truecolor"}, bin, "tui", "--server", "http://"+addr)
		scr.waitFor(b, "the connected header", connected)
		time.Sleep(500 * time.Millisecond)
		cpu0, wall0 := cpuTicks(b, tuiCmd.Process.Pid), time.Now()
		out, err := exec.Command(wrk, "-t1", "-c2", "-d"+duration, "-s", script, "http://"+addr+"/vsa/public/notifylumauser/message").CombinedOutput()
		if err != nil {
			b.Fatalf("wrk: %v\n%s", err, out)
		}
		last := time.Now()
		cpu := cpuTicks(b, tuiCmd.Process.Pid) - cpu0
		want := health(b, addr)
		var header, inbox int
		if m := counts.FindStringSubmatch(scr.text()); m != nil {
			header, _ = strconv.Atoi(m[1])
			inbox, _ = strconv.Atoi(m[2])
		}
		settle := time.Duration(-1)
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if m := counts.FindStringSubmatch(scr.text()); m != nil && m[1] == strconv.Itoa(want) && m[2] == strconv.Itoa(want) {
				settle = time.Since(last)
				break
			}
		}
		rps := 0.0
		if m := regexp.MustCompile(`Requests/sec:\s+([\d.]+)`).FindSubmatch(out); m != nil {
			rps, _ = strconv.ParseFloat(string(m[1]), 64)
		}
		b.ReportMetric(float64(cpu)/float64(clockTicks())/last.Sub(wall0).Seconds()*100, "cpu-%")
		b.ReportMetric(rps, "wrk-req/s")
		b.ReportMetric(float64(want), "server-msgs")
		b.ReportMetric(float64(header), "header-msgs")
		b.ReportMetric(float64(inbox), "inbox-msgs")
		b.ReportMetric(float64(droppedEvents(b, addr)), "events-dropped")
		b.ReportMetric(float64(settle.Milliseconds()), "counts-settle-ms")
		b.ReportMetric(float64(rssKB(tuiCmd.Process.Pid))/1024, "tui-rss-MB")
		_ = tuiCmd.Process.Kill()
		_ = server.Process.Kill()
	}
}

// droppedEvents reads notifysim_events_dropped_total from /metrics.
func droppedEvents(b *testing.B, addr string) int64 {
	b.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if m := regexp.MustCompile(`(?m)^notifysim_events_dropped_total ([\d.e+]+)`).FindSubmatch(data); m != nil {
		f, _ := strconv.ParseFloat(string(m[1]), 64)
		return int64(f)
	}
	return 0
}
