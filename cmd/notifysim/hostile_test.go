package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/notifysim/notifysim/simulator/fixtures"
	koreapi "github.com/notifysim/notifysim/simulator/kore"
)

// hostileScript is the runaway allocation of the hostile-input issue: without a bound on what a
// script allocates, ten jobs of it took a serve process to 5 GB and Luma's p99 to seconds.
const hostileScript = `var s="x"; while(true){ s = s + s; }`

// BenchmarkHostileScripts runs notifysim serve as a real process and drives Luma sends from 32
// clients in alternating windows: quiet, then while Kore.ai jobs of hostileScript run back to
// back (ten in flight, a new one as each ends), NOTIFYSIM_BENCH_ROUNDS times (default 3; the
// jobs of a hostile window are waited for before the next quiet one). Alternating, and taking
// medians, keeps a machine whose load drifts (other processes) from reading as the scripts'
// doing. It reports the median over rounds of each kind's Luma p99, their ratio, the pooled
// p50, p99 and max of each kind, the process's peak RSS and its RSS 3 s after the last job, and how many
// identities the hostile scripts failed with the memory comment. Run it once:
//
//	go test -run '^$' -bench HostileScripts -benchtime 1x ./cmd/notifysim/
//
// NOTIFYSIM_BENCH_BIN runs another build instead (a release, to compare),
// NOTIFYSIM_BENCH_WINDOW sets each window (default 10s), NOTIFYSIM_BENCH_RATE paces the Luma
// sends at that many a second in all (default 1000; 0: each client as fast as it is answered,
// which measures capacity: a script worker takes a core from Luma by design), and
// NOTIFYSIM_BENCH_SCRIPT runs another script (while(true){} to see what a script costs in CPU
// alone).
func BenchmarkHostileScripts(b *testing.B) {
	bin := os.Getenv("NOTIFYSIM_BENCH_BIN")
	if bin == "" {
		bin = buildBench(b)
	}
	window := benchEnv(b, "NOTIFYSIM_BENCH_WINDOW", 10*time.Second, time.ParseDuration)
	rate := benchEnv(b, "NOTIFYSIM_BENCH_RATE", 1000.0, func(s string) (float64, error) { return strconv.ParseFloat(s, 64) })
	rounds := benchEnv(b, "NOTIFYSIM_BENCH_ROUNDS", 3, strconv.Atoi)
	src := benchEnv(b, "NOTIFYSIM_BENCH_SCRIPT", hostileScript, func(s string) (string, error) { return s, nil })
	token, err := koreapi.Token(koreapi.TokenOptions{ClientID: koreapi.DemoClientID, Secret: koreapi.DemoSecret})
	if err != nil {
		b.Fatal(err)
	}
	// The demo bot's rate limit (600 calls a minute) would refuse the jobs' status polls.
	demo := string(fixtures.DemoYAML())
	limited := "rateLimit: { perMinute: 600, perHour: 18000 }"
	if !strings.Contains(demo, limited) {
		b.Fatalf("the demo dataset no longer has %q", limited)
	}
	dataset := filepath.Join(b.TempDir(), "hostile.yaml")
	if err := os.WriteFile(dataset, []byte(strings.Replace(demo, limited, "rateLimit: { perMinute: 1000000, perHour: 1000000 }", 1)), 0o600); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		proc, url := startProcess(b, bin, "--fixtures", dataset)
		// A failure stops the benchmark's goroutine: the server must not outlive it.
		stopped := false
		defer func() {
			if !stopped {
				_ = proc.Process.Kill()
				_ = proc.Wait()
			}
		}()
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 60 * time.Second}
		var quiet, hostile latencies
		var quietP99, hostileP99 []float64
		var peak atomic.Int64
		var memoryFailures, jobsRun atomic.Int64
		for range rounds {
			q := lumaLoad(b, client, url, window, rate)
			quiet, quietP99 = append(quiet, q...), append(quietP99, q.p(99))

			stop := make(chan struct{})
			var sampler, jobs sync.WaitGroup
			sampler.Go(func() {
				for {
					peak.Store(max(peak.Load(), rssBytes(b, proc.Process.Pid)))
					select {
					case <-stop:
						return
					case <-time.After(50 * time.Millisecond):
					}
				}
			})
			for range 10 {
				jobs.Go(func() {
					for {
						select {
						case <-stop:
							return
						default:
						}
						n, err := hostileJob(client, url, token, src)
						if err != nil {
							b.Error(err)
							return
						}
						jobsRun.Add(1)
						memoryFailures.Add(int64(n))
					}
				})
			}
			h := lumaLoad(b, client, url, window, rate)
			hostile, hostileP99 = append(hostile, h...), append(hostileP99, h.p(99))
			close(stop)
			jobs.Wait()
			sampler.Wait()
		}
		// A Runner hands memory back a second after its last heavy run (script.releaseDelay).
		time.Sleep(3 * time.Second)
		final := rssBytes(b, proc.Process.Pid)
		_ = proc.Process.Kill()
		_ = proc.Wait()
		stopped = true

		qm, hm := median(quietP99), median(hostileP99)
		b.ReportMetric(qm, "quiet-p99-ms")
		b.ReportMetric(hm, "hostile-p99-ms")
		b.ReportMetric(hm/qm, "p99-ratio")
		b.ReportMetric(quiet.p(50), "quiet-all-p50-ms")
		b.ReportMetric(quiet.p(99), "quiet-all-p99-ms")
		b.ReportMetric(quiet.max(), "quiet-all-max-ms")
		b.ReportMetric(hostile.p(50), "hostile-all-p50-ms")
		b.ReportMetric(hostile.p(99), "hostile-all-p99-ms")
		b.ReportMetric(hostile.max(), "hostile-all-max-ms")
		b.ReportMetric(float64(peak.Load())/(1<<20), "peak-MB-RSS")
		b.ReportMetric(float64(final)/(1<<20), "final-MB-RSS")
		b.ReportMetric(float64(jobsRun.Load()), "hostile-jobs")
		b.ReportMetric(float64(memoryFailures.Load()), "memory-failures")
		b.Logf("Luma p99 per round (ms): quiet %.1f, hostile %.1f", quietP99, hostileP99)
	}
}

// benchEnv reads a benchmark setting from the environment, def when unset.
func benchEnv[T any](b *testing.B, name string, def T, parse func(string) (T, error)) T {
	b.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	t, err := parse(v)
	if err != nil {
		b.Fatalf("%s: %v", name, err)
	}
	return t
}

func median(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	return s[len(s)/2]
}

// latencies are one window's Luma send times in milliseconds.
type latencies []float64

func (l latencies) p(q float64) float64 {
	if len(l) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(l))
	return s[min(len(s)-1, int(float64(len(s))*q/100))]
}

func (l latencies) max() float64 { return slices.Max(append(l, 0)) }

// lumaLoad sends small Luma notifications from 32 clients for d and returns every send's time:
// each client sends as soon as its last send is answered, or, with rate, at rate/32 a second.
func lumaLoad(b *testing.B, client *http.Client, url string, d time.Duration, rate float64) latencies {
	b.Helper()
	var mu sync.Mutex
	var all latencies
	var failed atomic.Int64
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for c := range 32 {
		wg.Go(func() {
			var mine latencies
			var pace <-chan time.Time
			if rate > 0 {
				t := time.NewTicker(time.Duration(float64(32*time.Second) / rate))
				defer t.Stop()
				pace = t.C
			}
			for i := 0; time.Now().Before(deadline); i++ {
				if pace != nil {
					<-pace
				}
				body := fmt.Sprintf(`{"recipients": {"contacts": ["ruth"]}, "message": "load %d-%d"}`, c, i)
				start := time.Now()
				status, err := postLuma(client, url, body)
				if err != nil {
					failed.Add(1)
					continue
				}
				mine = append(mine, float64(time.Since(start).Microseconds())/1000)
				if status != http.StatusOK {
					failed.Add(1)
				}
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d Luma sends failed", n)
	}
	return all
}

// hostileJob sends one Kore.ai job of src to alice and bob (the demo's msteams users), waits
// until it ends, and returns how many identities failed with the memory comment.
func hostileJob(client *http.Client, url, token, src string) (int, error) {
	body, _ := json.Marshal(map[string]any{
		"channel": "msteams", "userIdentityType": "resolve",
		"message":    map[string]string{"type": "script", "val": src},
		"identities": []string{"alice@example.com", "bob@example.com"},
	})
	req, _ := http.NewRequest("POST", url+"/api/public/bot/st-demo-bot/notify", strings.NewReader(string(body)))
	req.Header.Set("auth", token)
	req.Header.Set("Content-Type", "application/json")
	var job struct {
		ID         string `json:"_id"`
		Status     string `json:"status"`
		StatusLogs []struct {
			Comments string `json:"comments"`
		} `json:"statusLogs"`
	}
	if err := doJSON(client, req, &job); err != nil {
		return 0, fmt.Errorf("sending a hostile job: %w", err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for job.Status == "" || job.Status == "IN_PROGRESS" {
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("job %s still %s after 2 minutes", job.ID, job.Status)
		}
		time.Sleep(100 * time.Millisecond)
		req, _ := http.NewRequest("GET", url+"/api/public/bot/st-demo-bot/notify/status/"+job.ID, nil)
		req.Header.Set("auth", token)
		if err := doJSON(client, req, &job); err != nil {
			return 0, fmt.Errorf("polling job %s: %w", job.ID, err)
		}
	}
	n := 0
	for _, l := range job.StatusLogs {
		if strings.Contains(l.Comments, "of memory") {
			n++
		}
	}
	return n, nil
}

func doJSON(client *http.Client, req *http.Request, into any) error {
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, data)
	}
	return json.Unmarshal(data, into)
}
