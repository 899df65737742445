// Command peerbench drives `make bench-peers`: it starts notifysim, WireMock, Prism and a bare
// net/http handler (the ceiling) one after the other on free loopback ports, measures each one's
// start-up to its first answer, drives the same route with the same wrk load, reads its RSS, stops
// it by its own PID, and writes the side-by-side table into BENCHMARKS.md between markers.
//
// `peerbench ceiling --addr HOST:PORT` is the ceiling itself: a handler answering a fixed body.
// `peerbench section --file F --name N --title T` replaces section N of F with standard input
// (scripts/bench.sh writes its part of BENCHMARKS.md with it).
// `peerbench startup --n 30` only starts notifysim (and the ceiling) n times each, alternating,
// and prints the least, median and greatest time from exec to the first Luma answer: the
// start-up figure of the table, with enough runs to compare two builds on a noisy machine.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "ceiling":
			os.Exit(ceiling(os.Args[2:]))
		case "section":
			os.Exit(section(os.Args[2:]))
		case "startup":
			os.Exit(startup(os.Args[2:]))
		}
	}
	os.Exit(run(os.Args[1:]))
}

// ceiling serves every path with a fixed JSON body: no routing, no parsing, no state. It reads
// the request body so the connection is reused the way a real handler's would be.
func ceiling(args []string) int {
	fs := flag.NewFlagSet("ceiling", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	body := []byte(`{"status":"success","message":"ok","errors":[],"data":[{"id":"ruth"}]}`)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	if err := http.ListenAndServe(*addr, h); err != nil {
		fmt.Fprintln(os.Stderr, "ceiling:", err)
		return 1
	}
	return 0
}

// startup starts each server n times, one after the other in turn (so a busy second costs them
// alike), and prints each one's least, median and greatest time from exec to its first answer.
func startup(args []string) int {
	fs := flag.NewFlagSet("startup", flag.ContinueOnError)
	n := fs.Int("n", 30, "starts of each server")
	fixtures := fs.String("fixtures", "scripts/peerbench/fixtures.yaml", "dataset for notifysim")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	bins := fs.Args()
	if len(bins) == 0 {
		bins = []string{"bin/notifysim"}
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "peerbench:", err)
		return 1
	}
	rt := allRoutes("")[0]
	servers := []server{{label: "ceiling", cmd: []string{self, "ceiling", "--addr", "{addr}"}}}
	for _, b := range bins {
		servers = append(servers, server{label: b, cmd: []string{b, "serve", "--addr", "{addr}", "--fixtures", *fixtures, "--log-level", "warn"}})
	}
	times := make([][]time.Duration, len(servers))
	for range *n {
		for i, srv := range servers {
			d, err := startOnce(rt, srv)
			if err != nil {
				fmt.Fprintf(os.Stderr, "peerbench: %s: %v\n", srv.label, err)
				return 1
			}
			times[i] = append(times[i], d)
		}
	}
	for i, srv := range servers {
		ts := times[i]
		sort.Slice(ts, func(a, b int) bool { return ts[a] < ts[b] })
		fmt.Printf("%-40s starts %3d  least %6.1f ms  median %6.1f ms  greatest %6.1f ms\n", srv.label, len(ts),
			ms(ts[0]), ms(ts[len(ts)/2]), ms(ts[len(ts)-1]))
	}
	return 0
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// startOnce starts srv on a free port and returns the time from exec to its first 2xx answer to rt.
func startOnce(rt route, srv server) (time.Duration, error) {
	port, err := freePort()
	if err != nil {
		return 0, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	args := make([]string, len(srv.cmd))
	for i, a := range srv.cmd {
		args[i] = strings.ReplaceAll(a, "{addr}", addr)
	}
	cmd := exec.Command(args[0], args[1:]...)
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer stop(cmd)
	if err := firstAnswer("http://"+addr+rt.path, rt, 60*time.Second); err != nil {
		return 0, fmt.Errorf("%v: %s", err, logs.String())
	}
	return time.Since(start), nil
}

// route is one vendor request, sent identically to every server.
type route struct {
	name   string
	spec   string // openapi/<spec>.yaml, for Prism
	method string
	path   string
	// base is the path of the spec's server that path starts with ("/vsa" for Luma). Prism
	// serves the spec's paths without it, so Prism is driven at path minus base: the same
	// operation.
	base    string
	headers map[string]string
	body    string
	// reply is what the WireMock stub and the ceiling answer: the vendor's success shape.
	reply string
}

// server is one process under test for one route.
type server struct {
	label string
	cmd   []string
	env   []string
}

type result struct {
	route, label        string
	rps, p50, p99       float64 // p50 and p99 in ms
	startup             time.Duration
	rssMiB, rssStart    float64
	stored              int64 // messages notifysim held after the run (0 for the others)
	requests, non2xx    int64
	socketErrs, timeout int64
	err                 error
}

func run(args []string) int {
	fs := flag.NewFlagSet("peerbench", flag.ContinueOnError)
	bin := fs.String("notifysim", "bin/notifysim", "the notifysim binary")
	peers := fs.String("peers", ".bench/peers", "where npm installed Prism and WireMock")
	fixtures := fs.String("fixtures", "scripts/peerbench/fixtures.yaml", "dataset for notifysim")
	out := fs.String("out", "BENCHMARKS.md", "file whose peers section is replaced")
	duration := fs.Duration("duration", 10*time.Second, "wrk duration per server and route")
	threads := fs.Int("threads", 2, "wrk threads")
	conns := fs.Int("conns", 32, "wrk connections")
	only := fs.String("routes", "luma,luminous,kore", "routes to run, comma-separated")
	repeat := fs.Int("repeat", 1, "rounds of every server; each figure is the round with the median rps")
	shipped := fs.Bool("shipped", false, "also run every server as shipped: each logging (or journaling) every request")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "peerbench:", err)
		return 1
	}
	token, err := exec.Command(*bin, "kore", "token").Output()
	if err != nil {
		fmt.Fprintf(os.Stderr, "peerbench: %s kore token: %v (build it with make build)\n", *bin, err)
		return 1
	}
	work, err := os.MkdirTemp("", "peerbench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "peerbench:", err)
		return 1
	}
	defer os.RemoveAll(work)

	routes := allRoutes(strings.TrimSpace(string(token)))
	wiremockJar, _ := filepath.Glob(filepath.Join(*peers, "node_modules/wiremock/build/wiremock-standalone-*.jar"))
	prism := filepath.Join(*peers, "node_modules/@stoplight/prism-cli/dist/index.js")
	round := func() []result {
		var results []result
		results = append(results, measure(routes[0], "bare net/http handler (ceiling)", server{cmd: []string{self, "ceiling", "--addr", "{addr}"}}, *duration, *threads, *conns, work))
		for _, rt := range routes {
			if !strings.Contains(","+*only+",", ","+rt.name+",") {
				continue
			}
			results = append(results, peersOf(rt, quiet, *bin, *fixtures, wiremockJar, prism, work, *duration, *threads, *conns)...)
			if *shipped {
				results = append(results, peersOf(rt, asShipped, *bin, *fixtures, wiremockJar, prism, work, *duration, *threads, *conns)...)
			}
		}
		return results
	}
	var all []result
	for range max(*repeat, 1) {
		all = append(all, round()...)
	}
	results, rounds := medians(all)
	table := render(results, *duration, *threads, *conns) + rounds
	fmt.Print(table)
	if err := replaceSection(*out, "peers", "Side by side with WireMock and Prism", table); err != nil {
		fmt.Fprintln(os.Stderr, "peerbench:", err)
		return 1
	}
	fmt.Fprintln(os.Stderr, "wrote the peers section of", *out)
	return 0
}

// Modes a server runs in: quiet is every server without per-request logging (notifysim at
// --log-level warn, WireMock without its request journal, Prism at --verboseLevel=warn); asShipped
// is each one's defaults, which log or journal every request.
const (
	quiet     = ""
	asShipped = ", as shipped"
)

// peersOf measures notifysim (without and with --strict), WireMock and Prism on rt in one mode.
func peersOf(rt route, mode, bin, fixtures string, wiremockJar []string, prism, work string, d time.Duration, threads, conns int) []result {
	var results []result
	base := []string{bin, "serve", "--addr", "{addr}", "--fixtures", fixtures}
	if mode == quiet {
		base = append(base, "--log-level", "warn")
	}
	results = append(results,
		measure(rt, "notifysim serve"+mode, server{cmd: base}, d, threads, conns, work),
		measure(rt, "notifysim serve --strict"+mode, server{cmd: append(append([]string{}, base...), "--strict")}, d, threads, conns, work))
	if len(wiremockJar) == 1 {
		dir, err := wiremockRoot(work, rt)
		if err != nil {
			results = append(results, result{route: rt.name, label: "WireMock" + mode, err: err})
		} else {
			cmd := []string{"java", "-jar", wiremockJar[0], "--port", "{port}", "--bind-address", "127.0.0.1", "--root-dir", dir, "--disable-banner"}
			label := "WireMock 3.13 stub, request journal on" + mode
			if mode == quiet {
				cmd, label = append(cmd, "--no-request-journal"), "WireMock 3.13 stub, no journal"
			}
			results = append(results, measure(rt, label, server{cmd: cmd}, d, threads, conns, work))
		}
	}
	if _, err := os.Stat(prism); err == nil {
		spec := filepath.Join(work, rt.spec+".yaml")
		if err := copyFile(filepath.Join("openapi", rt.spec+".yaml"), spec); err != nil {
			results = append(results, result{route: rt.name, label: "Prism" + mode, err: err})
		} else {
			prt := rt
			prt.path = strings.TrimPrefix(rt.path, rt.base)
			cmd := []string{"node", prism, "mock", "-h", "127.0.0.1", "-p", "{port}", "--multiprocess=false"}
			if mode == quiet {
				cmd = append(cmd, "--verboseLevel=warn")
			}
			results = append(results, measure(prt, "Prism 5 mock of the same spec, one process"+mode, server{cmd: append(cmd, spec)}, d, threads, conns, work))
		}
	}
	return results
}

// medians keeps, for each route and server (in the order first run), the round with the median
// rps, and writes every round's rps under the tables when there was more than one: on a shared
// 2-core machine one round can land on a busy second.
func medians(all []result) ([]result, string) {
	type key struct{ route, label string }
	var order []key
	groups := map[key][]result{}
	for _, r := range all {
		k := key{r.route, r.label}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	var out []result
	var notes []string
	for _, k := range order {
		g := groups[k]
		var ok []result
		var rps []string
		for _, r := range g {
			if r.err == nil {
				ok = append(ok, r)
				rps = append(rps, kilo(r.rps))
			} else {
				rps = append(rps, "failed")
			}
		}
		if len(g) > 1 {
			notes = append(notes, fmt.Sprintf("%s, %s: %s", k.route, k.label, strings.Join(rps, " · ")))
		}
		if len(ok) == 0 {
			out = append(out, g[0])
			continue
		}
		sort.Slice(ok, func(i, j int) bool { return ok[i].rps < ok[j].rps })
		out = append(out, ok[len(ok)/2])
	}
	if len(notes) == 0 {
		return out, ""
	}
	return out, "\nEach row is the round with the median rps of " + fmt.Sprint(len(groups[order[0]])) +
		" rounds run one after another; every round's rps, in the order run:\n\n- " + strings.Join(notes, "\n- ") + "\n"
}

func allRoutes(koreToken string) []route {
	return []route{
		{name: "luma", spec: "luma", method: "POST", path: "/vsa/public/notifylumauser/message", base: "/vsa",
			headers: map[string]string{"Authorization": "Bearer luma-demo-token", "Content-Type": "application/json"},
			body:    `{"recipients":{"contacts":["ruth"]},"responseType":"TEXT","message":"Exchange is down until 9 PM"}`,
			reply:   `{"timestamp":1764460800000,"status":"success","message":"Notification sent","errors":[],"data":[{"loginId":"ruth"}]}`},
		{name: "luminous", spec: "luminous", method: "POST", path: "/campaign/t1/api/v2",
			headers: map[string]string{"Content-Type": "application/json"},
			body:    `{"apiKey":"luminous-demo-key","campaignName":"order_update","destination":"+256751351363","userName":"Test User","templateParams":["Test User","ORD-1"]}`,
			reply:   `{"success":"true","submitted_message_id":"6c3b3f0e-7d1a-4a8e-9a55-0d7c4f0b8a21"}`},
		{name: "kore", spec: "kore", method: "POST", path: "/api/public/bot/st-demo-bot/notify",
			headers: map[string]string{"auth": koreToken, "Content-Type": "application/json"},
			body:    `{"channel":"msteams","userIdentityType":"resolve","identities":["alice@example.com"],"message":{"type":"text","val":"Please reset your password."}}`,
			reply:   `{"requestId":"ntf-6c3b3f0e","status":"IN_PROGRESS","createdBy":"u-5b0c1f7e-6a2d-4c3b-9e8f-1a2b3c4d5e6f"}`},
	}
}

// measure starts srv, waits for its first answer to rt, drives it with wrk, reads its RSS and
// stops it. A failure is recorded in the result rather than ending the whole run.
func measure(rt route, label string, srv server, d time.Duration, threads, conns int, work string) result {
	res := result{route: rt.name, label: label}
	port, err := freePort()
	if err != nil {
		res.err = err
		return res
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	args := make([]string, len(srv.cmd))
	for i, a := range srv.cmd {
		a = strings.ReplaceAll(a, "{addr}", addr)
		args[i] = strings.ReplaceAll(a, "{port}", strconv.Itoa(port))
	}
	logPath := filepath.Join(work, fmt.Sprintf("%s-%d.log", rt.name, port))
	logFile, err := os.Create(logPath)
	if err != nil {
		res.err = err
		return res
	}
	defer logFile.Close()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), srv.env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	fmt.Fprintf(os.Stderr, "== %s: %s\n", rt.name, label)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		res.err = err
		return res
	}
	defer stop(cmd)
	url := "http://" + addr + rt.path
	if err := firstAnswer(url, rt, 60*time.Second); err != nil {
		res.err = fmt.Errorf("%v (log: %s)", err, tail(logPath))
		return res
	}
	res.startup = time.Since(start)
	res.rssStart = rss(cmd.Process.Pid)
	if err := wrk(&res, url, rt, d, threads, conns, work); err != nil {
		res.err = err
		return res
	}
	res.rssMiB = rss(cmd.Process.Pid)
	if strings.HasPrefix(label, "notifysim") {
		res.stored = storedMessages("http://" + addr)
	}
	return res
}

// storedMessages asks a notifysim how many messages it holds (/_sim/health), so RSS can be put
// per stored message.
func storedMessages(base string) int64 {
	resp, err := http.Get(base + "/_sim/health")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	var h struct {
		Messages int64 `json:"messages"`
	}
	if json.NewDecoder(resp.Body).Decode(&h) != nil {
		return 0
	}
	return h.Messages
}

// firstAnswer polls until the server answers rt with a 2xx, every millisecond, so start-up is
// measured to the millisecond.
func firstAnswer(url string, rt route, limit time.Duration) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(limit)
	var last error
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest(rt.method, url, strings.NewReader(rt.body))
		for k, v := range rt.headers {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				return nil
			}
			return fmt.Errorf("first answer is %d, not 2xx: %s", resp.StatusCode, body)
		}
		last = err
		time.Sleep(time.Millisecond)
	}
	return fmt.Errorf("no answer within %s: %v", limit, last)
}

var (
	reRPS     = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	reReqs    = regexp.MustCompile(`(\d+) requests in`)
	reNon2xx  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	reSocket  = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
	rePercent = regexp.MustCompile(`(?m)^\s+(50|99)(?:\.000)?%\s+([0-9.]+)(us|ms|s)\s*$`)
)

func wrk(res *result, url string, rt route, d time.Duration, threads, conns int, work string) error {
	script := filepath.Join(work, rt.name+".lua")
	var lua strings.Builder
	fmt.Fprintf(&lua, "wrk.method = %q\nwrk.body = %q\n", rt.method, rt.body)
	for k, v := range rt.headers {
		fmt.Fprintf(&lua, "wrk.headers[%q] = %q\n", k, v)
	}
	if err := os.WriteFile(script, []byte(lua.String()), 0o644); err != nil {
		return err
	}
	secs := int(d.Round(time.Second) / time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), d+30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "wrk", fmt.Sprintf("-t%d", threads), fmt.Sprintf("-c%d", conns),
		fmt.Sprintf("-d%ds", secs), "--latency", "-s", script, url).CombinedOutput()
	if err != nil {
		return fmt.Errorf("wrk: %v: %s", err, out)
	}
	text := string(out)
	m := reRPS.FindStringSubmatch(text)
	if m == nil {
		return fmt.Errorf("wrk printed no Requests/sec: %s", text)
	}
	res.rps, _ = strconv.ParseFloat(m[1], 64)
	if m := reReqs.FindStringSubmatch(text); m != nil {
		res.requests, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if m := reNon2xx.FindStringSubmatch(text); m != nil {
		res.non2xx, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if m := reSocket.FindStringSubmatch(text); m != nil {
		for _, s := range m[1:4] {
			n, _ := strconv.ParseInt(s, 10, 64)
			res.socketErrs += n
		}
		res.timeout, _ = strconv.ParseInt(m[4], 10, 64)
	}
	for _, m := range rePercent.FindAllStringSubmatch(text, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		switch m[3] {
		case "us":
			v /= 1000
		case "s":
			v *= 1000
		}
		if m[1] == "50" {
			res.p50 = v
		} else {
			res.p99 = v
		}
	}
	return nil
}

// rss is the resident set of pid in MiB, from /proc (0 where /proc is not there).
func rss(pid int) float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) >= 2 && fields[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(fields[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// stop ends the server by its own PID: SIGTERM, then SIGKILL after five seconds.
func stop(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// wiremockRoot writes a WireMock root directory with one stub: rt's method and path answered
// with rt's reply.
func wiremockRoot(work string, rt route) (string, error) {
	dir := filepath.Join(work, "wiremock-"+rt.name)
	if err := os.MkdirAll(filepath.Join(dir, "mappings"), 0o755); err != nil {
		return "", err
	}
	stub := fmt.Sprintf(`{"request":{"method":%q,"url":%q},"response":{"status":200,"headers":{"Content-Type":"application/json"},"body":%q}}`,
		rt.method, rt.path, rt.reply)
	return dir, os.WriteFile(filepath.Join(dir, "mappings", rt.name+".json"), []byte(stub), 0o644)
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o644)
}

func tail(path string) string {
	data, _ := os.ReadFile(path)
	if len(data) > 600 {
		data = data[len(data)-600:]
	}
	return strings.TrimSpace(string(data))
}

func render(results []result, d time.Duration, threads, conns int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Written by `make bench-peers` (scripts/bench-peers.sh) on %s: %s, %d cores. Load: `wrk -t%d -c%d -d%s --latency` on loopback,\n",
		time.Now().UTC().Format(time.RFC3339), cpuName(), runtime.NumCPU(), threads, conns, d)
	b.WriteString("load generator and server on the same machine, one server at a time. notifysim runs `serve --fixtures\n")
	b.WriteString("scripts/peerbench/fixtures.yaml --log-level warn`; WireMock and Prism answer a fixed stub / the spec's example\n")
	b.WriteString("(Prism serves the spec's paths without the server's base path, so it gets Luma's request at /public/notifylumauser/message).\n")
	b.WriteString("RSS is read after the run (notifysim holds every message it stored by then). Rows without \"as shipped\" run every\n")
	b.WriteString("server without per-request logging (notifysim `--log-level warn`, WireMock `--no-request-journal`, Prism `--verboseLevel=warn`);\n")
	b.WriteString("rows \"as shipped\" run each with its defaults, logging (WireMock: journaling) every request, and compare with each other.\n\n")
	var ceil *result
	for i := range results {
		if results[i].label == "bare net/http handler (ceiling)" && results[i].err == nil {
			ceil = &results[i]
		}
	}
	b.WriteString("| route | server | rps | p50 | p99 | start to first answer | RSS after | non-2xx |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range results {
		if r.err != nil {
			fmt.Fprintf(&b, "| %s | %s | failed: %s | | | | | |\n", r.route, r.label, oneLine(r.err.Error()))
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %.2f ms | %.2f ms | %d ms | %.0f MiB | %d |\n", r.route, r.label, kilo(r.rps), r.p50, r.p99,
			r.startup.Milliseconds(), r.rssMiB, r.non2xx+r.socketErrs)
	}
	b.WriteString("\n| route | notifysim | rps / ceiling | rps / WireMock | rps / Prism | p99 / ceiling p99 | messages stored | RSS growth per message |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range results {
		if r.err != nil || !strings.HasPrefix(r.label, "notifysim") {
			continue
		}
		mode := quiet
		if strings.HasSuffix(r.label, asShipped) {
			mode = asShipped
		}
		peer := func(prefix string) string {
			for _, p := range results {
				if p.route == r.route && strings.HasPrefix(p.label, prefix) && strings.HasSuffix(p.label, asShipped) == (mode == asShipped) && p.err == nil && p.rps > 0 {
					return fmt.Sprintf("%.1f×", r.rps/p.rps)
				}
			}
			return "—"
		}
		c, cp99 := "—", "—"
		if ceil != nil {
			c = fmt.Sprintf("%.0f %%", 100*r.rps/ceil.rps)
			cp99 = fmt.Sprintf("%.1f×", r.p99/ceil.p99)
		}
		perMsg := "—"
		if r.stored > 0 {
			perMsg = fmt.Sprintf("%.0f B", (r.rssMiB-r.rssStart)*(1<<20)/float64(r.stored))
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | %s | %d | %s |\n", r.route, strings.TrimPrefix(r.label, "notifysim "), c, peer("WireMock"), peer("Prism"), cp99, r.stored, perMsg)
	}
	return b.String()
}

func kilo(v float64) string {
	if v >= 1000 {
		return fmt.Sprintf("%.1fk", v/1000)
	}
	return fmt.Sprintf("%.0f", v)
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "|", "/")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

func cpuName() string {
	data, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "model name") {
			if _, v, ok := strings.Cut(line, ":"); ok {
				return strings.TrimSpace(v)
			}
		}
	}
	return "unknown CPU"
}

func section(args []string) int {
	fs := flag.NewFlagSet("section", flag.ContinueOnError)
	file := fs.String("file", "BENCHMARKS.md", "file to edit")
	name := fs.String("name", "", "section marker name")
	title := fs.String("title", "", "heading to add with the markers when the file has none")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *name == "" || *title == "" {
		fmt.Fprintln(os.Stderr, "peerbench section: --name and --title are required")
		return 2
	}
	body, err := io.ReadAll(os.Stdin)
	if err == nil {
		err = replaceSection(*file, *name, *title, string(body))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "peerbench section:", err)
		return 1
	}
	return 0
}

// replaceSection puts body between <!-- name:begin --> and <!-- name:end --> in path, appending
// the markers under a heading when the file has none, so each bench script owns only its part.
func replaceSection(path, name, title, body string) error {
	begin, end := "<!-- "+name+":begin -->", "<!-- "+name+":end -->"
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	text := string(data)
	i, j := strings.Index(text, begin), strings.Index(text, end)
	block := begin + "\n" + body + end
	if i >= 0 && j > i {
		text = text[:i] + block + text[j+len(end):]
	} else {
		text = strings.TrimRight(text, "\n") + "\n\n## " + title + "\n\n" + block + "\n"
	}
	return os.WriteFile(path, []byte(text), 0o644)
}
