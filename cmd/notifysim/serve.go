package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/notifysim/notifysim/simulator"
	"github.com/notifysim/notifysim/simulator/client"
	"github.com/notifysim/notifysim/simulator/fixtures"
	"github.com/notifysim/notifysim/simulator/guard"
	"github.com/notifysim/notifysim/tui"
)

func serve(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveContext(ctx, args, stdout, stderr, nil)
}

// serveContext runs the sandbox until ctx ends (serve ends it on SIGINT or SIGTERM). ready, when
// not nil, is called with the base URL once the listener accepts connections.
func serveContext(ctx context.Context, args []string, stdout, stderr io.Writer, ready func(url string)) int {
	fs := newFlags("serve", "notifysim serve - run the sandbox", stderr)
	addr := fs.String("addr", "127.0.0.1:4545", "address to listen on")
	fixturesFile := fs.String("fixtures", "", "dataset file (YAML or JSON) to load instead of the demo dataset")
	faultsFile := fs.String("faults", "", "fault rules file (YAML or JSON) in force from the start; POST /_sim/reset keeps them")
	strict := fs.Bool("strict", false, "check every response against the spec; a response outside it becomes a 500")
	seed := fs.Uint64("seed", 0, "seed for generated ids, so a run can be replayed (0 = random)")
	journalCap := fs.Int("journal-cap", 10000, "how many requests the journal (and the troubleshoot log) keeps, at least 1")
	journalBytes := byteSize(64 << 20)
	fs.Var(&journalBytes, "journal-bytes", "how many bytes of requests the journal (and the troubleshoot log) keeps, such as 64MiB")
	maxMessages := fs.Int("max-messages", 100000, "how many messages are kept, the oldest evicted first; at least 1")
	dataFile := fs.String("data", "", "SQLite file that keeps every message, request and vendor state across restarts (created if missing)")
	logFormat := fs.String("log-format", "text", "log format on stderr: text or json")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error")
	withTUI := fs.Bool("tui", false, "show the terminal UI in this terminal; logs go to --log-file")
	logFile := fs.String("log-file", defaultLogFile(), "with --tui: the file logs are appended to")
	adminToken := fs.String("admin-token", "", "Bearer token every /_sim request must carry; required to listen on a non-loopback --addr")
	readTimeout := fs.Duration("read-timeout", 30*time.Second, "how long a client may take to send a whole request, body included")
	writeTimeout := fs.Duration("write-timeout", 90*time.Second, "how long a response may take to write, counted from the end of the request (longer than the 60s a wait= long-poll may last; event streams set their own per write)")
	idleTimeout := fs.Duration("idle-timeout", 2*time.Minute, "how long a keep-alive connection may sit idle")
	drain := fs.Duration("shutdown-timeout", 500*time.Millisecond, "how long requests in flight get to finish after SIGTERM before their connections are cut")
	maxConns := fs.Int("max-conns", 1024, "most connections open at once; more wait until one closes (0 = no limit)")
	if err := parse(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "notifysim serve:", err)
		return 2
	}
	if *journalCap < 1 {
		fmt.Fprintf(stderr, "notifysim serve: --journal-cap must be at least 1, not %d\n", *journalCap)
		return 2
	}
	if *maxMessages < 1 {
		fmt.Fprintf(stderr, "notifysim serve: --max-messages must be at least 1, not %d\n", *maxMessages)
		return 2
	}
	if err := guard.CheckToken(*adminToken); err != nil {
		fmt.Fprintf(stderr, "notifysim serve: --admin-token (or NOTIFYSIM_ADMIN_TOKEN) %v; give it a secret such as the output of `openssl rand -hex 16`, or leave it out to keep /_sim to this machine\n", err)
		return 2
	}
	if *adminToken == "" && !guard.LoopbackAddr(*addr) {
		fmt.Fprintf(stderr, "notifysim serve: --addr %s can be reached from other machines, and /_sim would give them every token and secret of the dataset and let them reset it; set --admin-token (or NOTIFYSIM_ADMIN_TOKEN) to a secret to require it as a Bearer token, or listen on 127.0.0.1\n", *addr)
		return 2
	}
	for _, t := range []struct {
		name string
		d    time.Duration
	}{{"read-timeout", *readTimeout}, {"write-timeout", *writeTimeout}, {"idle-timeout", *idleTimeout}, {"shutdown-timeout", *drain}} {
		if t.d <= 0 {
			fmt.Fprintf(stderr, "notifysim serve: --%s must be a positive duration such as 30s, not %s\n", t.name, t.d)
			return 2
		}
	}
	if *maxConns < 0 {
		fmt.Fprintf(stderr, "notifysim serve: --max-conns must be 0 (no limit) or more, not %d\n", *maxConns)
		return 2
	}
	logOut := stderr
	if *withTUI {
		f, err := openLogFile(*logFile)
		if err != nil {
			fmt.Fprintln(stderr, "notifysim serve:", err)
			return 2
		}
		defer f.Close()
		logOut, stdout = f, f
	}
	logger, err := newLogger(logOut, *logFormat, *logLevel)
	if err != nil {
		fmt.Fprintln(stderr, "notifysim serve:", err)
		return 2
	}
	opts := simulator.Options{Strict: *strict, Seed: *seed, JournalCap: *journalCap, Logger: logger, Version: version,
		JournalBytes: int64(journalBytes), MaxMessages: *maxMessages, DataFile: *dataFile, AdminToken: *adminToken}
	if *fixturesFile != "" {
		data, err := os.ReadFile(*fixturesFile)
		if err != nil {
			fmt.Fprintln(stderr, "notifysim serve:", err)
			return 1
		}
		opts.Fixtures = data
	}
	if *faultsFile != "" {
		data, err := os.ReadFile(*faultsFile)
		if err != nil {
			fmt.Fprintln(stderr, "notifysim serve:", err)
			return 1
		}
		opts.Faults = data
	}
	start := time.Now()
	// Listening first: a client that connects while the simulator is being built waits in the
	// backlog and is answered the moment it is ready, rather than polling a refused port.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "notifysim serve:", err)
		return 1
	}
	defer ln.Close()
	releaseGC := holdGC(*dataFile != "")
	sim, err := simulator.New(opts)
	releaseGC()
	if err != nil {
		var fe *fixtures.Error
		if errors.As(err, &fe) && fe.Line > 0 {
			// file:line: first, as compilers do, so editors and CI logs link to it.
			fmt.Fprintf(stderr, "notifysim serve: %s:%d: %s: %s\n", *fixturesFile, fe.Line, fe.Path, fe.Msg)
			return 1
		}
		fmt.Fprintln(stderr, "notifysim serve:", err)
		return 1
	}
	defer sim.Close()
	gcCtx, stopGC := context.WithCancel(ctx)
	defer stopGC()
	go tuneGC(gcCtx)
	srv := newServer(sim, serverLimits{ReadHeader: min(10*time.Second, *readTimeout), Read: *readTimeout,
		Write: *writeTimeout, Idle: *idleTimeout, MaxConns: *maxConns})
	ln = limitConns(ln, *maxConns)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	url := "http://" + ln.Addr().String()
	logger.Info("notifysim is up", "url", url, "admin", url+"/_sim/messages", "events", url+"/_sim/events",
		"startup_ms", float64(time.Since(start).Microseconds())/1000)
	fmt.Fprintf(stdout, "notifysim %s listening on %s\n", version, url)
	if ready != nil {
		ready(url)
	}
	tuiDone := make(chan error, 1)
	if *withTUI {
		c, err := client.New(url, client.WithToken(*adminToken))
		if err != nil {
			fmt.Fprintln(stderr, "notifysim serve:", err)
			return 1
		}
		// Quitting the TUI stops the sandbox too, so q asks first.
		opts := tui.Options{Color: tui.ColorFromEnv(), ConfirmQuit: "Quit and stop the sandbox at " + url + "?", LogFile: *logFile}
		tuiCtx, cancel := context.WithCancel(ctx)
		go func() { tuiDone <- tui.Run(tuiCtx, c, opts) }()
		// The TUI owned the screen: once it has given it back, say where the logs went.
		defer func() {
			cancel()
			<-tuiDone // its screen is restored when Run returns
			fmt.Fprintf(stderr, "notifysim serve: stopped; the logs are in %s\n", *logFile)
		}()
	}
	select {
	case err := <-tuiDone: // the user quit the TUI: the sandbox goes with it
		if err != nil {
			fmt.Fprintln(stderr, "notifysim serve: tui:", err)
		}
		tuiDone <- nil // for the deferred wait above
	case err := <-errc:
		fmt.Fprintln(stderr, "notifysim serve:", err)
		return 1
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	stopping := time.Now()
	// Streams and long-polls end first, so draining waits only for vendor requests in flight;
	// whatever is still busy after the drain period (a client that stopped reading) is cut.
	sim.Close()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), *drain)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		logger.Warn("closing connections still busy after the drain period", "drain", *drain, "error", err)
		_ = srv.Close()
	}
	logger.Info("stopped", "shutdown_ms", float64(time.Since(stopping).Microseconds())/1000)
	return 0
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %v", err)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, not %q", format)
}
