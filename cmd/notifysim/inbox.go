package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/notifysim/notifysim/simulator/client"
)

// adminFlags are the flags of every command that talks to a running sandbox.
type adminFlags struct {
	server, token *string
}

func addAdminFlags(fs *flag.FlagSet) adminFlags {
	return adminFlags{
		server: fs.String("server", client.DefaultURL, "base URL of the running sandbox"),
		token:  fs.String("admin-token", "", "bearer token, for a sandbox started with --admin-token"),
	}
}

// connect makes the client and checks that the sandbox answers, so that a wrong --server is a
// usage error said once instead of a timeout later.
func (a adminFlags) connect(ctx context.Context) (*client.Client, error) {
	c, err := client.New(*a.server, client.WithToken(*a.token))
	if err != nil {
		return nil, fmt.Errorf("--server: %v", err)
	}
	hctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := c.Health(hctx); err != nil {
		if client.IsStatus(err, 401) || client.IsStatus(err, 403) {
			return nil, fmt.Errorf("--server %s refused the admin API (%v); give its --admin-token", *a.server, err)
		}
		return nil, fmt.Errorf("--server %s does not answer: %v; start one with notifysim serve", *a.server, err)
	}
	return c, nil
}

// messageFlags are the filters wait and messages share.
type messageFlags struct {
	vendor, tenant, recipient, role, channel, status, contains *string
}

func addMessageFlags(fs *flag.FlagSet) messageFlags {
	return messageFlags{
		vendor:    fs.String("vendor", "", "only this API: luma, luminous, mykaarma or kore"),
		tenant:    fs.String("tenant", "", "only this tenant, project, department or bot"),
		recipient: fs.String("recipient", "", "only this recipient: login id, phone number, user UUID or email"),
		role:      fs.String("role", "", "only recipients with this role, code (-3) or name (Analyst)"),
		channel:   fs.String("channel", "", "only this channel: luma-chat, whatsapp, mykaarma-notifier, mykaarma-phone, msteams, slack"),
		status:    fs.String("status", "", "only messages in this status: delivered, scheduled, sent, read, failed…"),
		contains:  fs.String("contains", "", "only messages whose body or title contains this text (any case)"),
	}
}

func (m messageFlags) filter() client.MessageFilter {
	return client.MessageFilter{Vendor: *m.vendor, Tenant: *m.tenant, Recipient: *m.recipient, Role: *m.role,
		Channel: *m.channel, Status: *m.status, Text: *m.contains}
}

// describe says what a filter selects, for a timeout's message.
func (m messageFlags) describe() string {
	var parts []string
	add := func(name, v string) {
		if v != "" {
			parts = append(parts, fmt.Sprintf("%s %q", name, v))
		}
	}
	add("recipient", *m.recipient)
	add("vendor", *m.vendor)
	add("tenant", *m.tenant)
	add("role", *m.role)
	add("channel", *m.channel)
	add("status", *m.status)
	add("containing", *m.contains)
	if len(parts) == 0 {
		return "any message"
	}
	return strings.Join(parts, ", ")
}

// parseOrExit is parse with the exit status every command uses: 0 for --help, 2 otherwise.
func parseOrExit(fs *flag.FlagSet, args []string, stderr io.Writer) (int, bool) {
	if err := parse(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		fmt.Fprintf(stderr, "notifysim %s: %v\n", fs.Name(), err)
		return 2, false
	}
	return 0, true
}

func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func wait(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signalContext()
	defer stop()
	return waitContext(ctx, args, stdout, stderr)
}

// waitContext is `notifysim wait`: it follows the event stream and looks at the inbox each time a
// message arrives or changes, so it answers as soon as the messages exist, without polling.
func waitContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("wait", `notifysim wait - wait until messages exist, then print them as JSON lines

Exits 0 as soon as --count messages match (printing the newest --count, oldest first), 1 when
--timeout runs out first (saying what it saw), 2 on a usage error or a sandbox that does not
answer. Example:

  notifysim wait --recipient sam.phyll --vendor luma --contains "reset code" --timeout 10s`, stderr)
	admin := addAdminFlags(fs)
	mf := addMessageFlags(fs)
	count := fs.Int("count", 1, "how many matching messages to wait for, at least 1")
	timeout := fs.Duration("timeout", 10*time.Second, "how long to wait before giving up (exit 1)")
	if code, ok := parseOrExit(fs, args, stderr); !ok {
		return code
	}
	if *mf.recipient == "" {
		fmt.Fprintln(stderr, "notifysim wait: --recipient is required: whose inbox to wait on (a login id, phone number, user UUID or email)")
		return 2
	}
	if *count < 1 {
		fmt.Fprintf(stderr, "notifysim wait: --count must be at least 1, not %d\n", *count)
		return 2
	}
	if *timeout <= 0 {
		fmt.Fprintf(stderr, "notifysim wait: --timeout must be positive, such as 10s, not %s\n", *timeout)
		return 2
	}
	c, err := admin.connect(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "notifysim wait:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	f := mf.filter()
	f.Limit = *count
	// Subscribe first and look second, so that a message arriving in between is not missed.
	events := c.Events(ctx, client.EventFilter{Vendor: *mf.vendor, Types: []string{
		client.EventMessageDelivered, client.EventMessageStatus, client.EventMessageSent, client.EventStateReset}})
	seen := 0
	var lastErr error
	check := func() bool {
		list, err := c.Messages(ctx, f)
		if err != nil {
			lastErr = err
			return false
		}
		if list.Total < *count {
			return false
		}
		msgs := list.Messages
		if len(msgs) > *count {
			msgs = msgs[:*count]
		}
		enc := json.NewEncoder(stdout)
		for i := len(msgs) - 1; i >= 0; i-- {
			_ = enc.Encode(msgs[i])
		}
		return true
	}
	connected := false
	for {
		select {
		case e, open := <-events:
			if !open {
				return waitTimedOut(c, mf, *count, *timeout, seen, lastErr, stderr)
			}
			switch e.Type {
			case client.EventConnected:
				connected = true
			case client.EventDisconnected:
				lastErr = e.Err
				continue
			default:
				seen++
			}
			if connected && check() {
				return 0
			}
		case <-ctx.Done():
			return waitTimedOut(c, mf, *count, *timeout, seen, lastErr, stderr)
		}
	}
}

// waitTimedOut says what wait saw: how many messages matched, and what the recipient did get.
func waitTimedOut(c *client.Client, mf messageFlags, count int, timeout time.Duration, seen int, lastErr error, stderr io.Writer) int {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	f := mf.filter()
	f.Limit = 1
	matched := 0
	if list, err := c.Messages(ctx, f); err == nil {
		matched = list.Total
	}
	fmt.Fprintf(stderr, "notifysim wait: timed out after %s: %d of %d messages match %s (%d message events seen)\n",
		timeout, matched, count, mf.describe(), seen)
	inbox, err := c.Messages(ctx, client.MessageFilter{Recipient: *mf.recipient, Limit: 5})
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "  the inbox of %q could not be read: %v\n", *mf.recipient, err)
	case inbox.Total == 0:
		fmt.Fprintf(stderr, "  %q has no message at all; check the recipient id and that your code sent to this sandbox\n", *mf.recipient)
	default:
		fmt.Fprintf(stderr, "  %q has %d messages; the newest:\n", *mf.recipient, inbox.Total)
		for _, m := range inbox.Messages {
			fmt.Fprintf(stderr, "    %s %s %s %s %q\n", m.CreatedAt.Format(time.RFC3339), m.Vendor, m.Tenant, m.Status, oneLine(m.Body, 80))
		}
	}
	if lastErr != nil {
		fmt.Fprintf(stderr, "  last error: %v\n", lastErr)
	}
	return 1
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

func messages(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signalContext()
	defer stop()
	fs := newFlags("messages", `notifysim messages - list the sandbox's messages, newest first

A table by default; --json prints one JSON object per line, for jq and scripts. Example:

  notifysim messages --vendor luma --recipient sam.phyll`, stderr)
	admin := addAdminFlags(fs)
	mf := addMessageFlags(fs)
	limit := fs.Int("limit", 20, "at most this many messages, newest first")
	asJSON := fs.Bool("json", false, "one JSON object per message and line")
	asTable := fs.Bool("table", false, "a table (the default)")
	if code, ok := parseOrExit(fs, args, stderr); !ok {
		return code
	}
	if *asJSON && *asTable {
		fmt.Fprintln(stderr, "notifysim messages: --json and --table exclude each other; give one")
		return 2
	}
	if *limit < 1 {
		fmt.Fprintf(stderr, "notifysim messages: --limit must be at least 1, not %d\n", *limit)
		return 2
	}
	c, err := admin.connect(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "notifysim messages:", err)
		return 2
	}
	f := mf.filter()
	f.Limit = *limit
	list, err := c.Messages(ctx, f)
	if err != nil {
		fmt.Fprintln(stderr, "notifysim messages:", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		for _, m := range list.Messages {
			_ = enc.Encode(m)
		}
		return 0
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CREATED\tVENDOR\tTENANT\tRECIPIENT\tCHANNEL\tSTATUS\tBODY")
	for _, m := range list.Messages {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.CreatedAt.Format("15:04:05.000"), m.Vendor, m.Tenant,
			m.Recipient.ID, m.Channel, m.Status, oneLine(m.Body, 60))
	}
	_ = tw.Flush()
	fmt.Fprintf(stdout, "%d of %d matching messages\n", list.Count, list.Total)
	return 0
}

func reset(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signalContext()
	defer stop()
	fs := newFlags("reset", `notifysim reset - put the sandbox back to its loaded dataset

Forgets messages, the request journal, the troubleshoot log and callbacks, and puts the clock
back on real time, as POST /_sim/reset does.`, stderr)
	admin := addAdminFlags(fs)
	if code, ok := parseOrExit(fs, args, stderr); !ok {
		return code
	}
	c, err := admin.connect(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "notifysim reset:", err)
		return 2
	}
	if _, err := c.Reset(ctx); err != nil {
		fmt.Fprintln(stderr, "notifysim reset:", err)
		return 1
	}
	fmt.Fprintf(stdout, "notifysim reset: %s is back to its loaded dataset\n", c.URL())
	return 0
}
