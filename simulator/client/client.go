// Package client is a typed Go client of notifysim's own API (/_sim) and its event stream. It
// talks HTTP only and imports nothing of the server, so it works against a sandbox in another
// process or on another machine.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultURL is where `notifysim serve` listens unless told otherwise.
const DefaultURL = "http://127.0.0.1:4545"

// Client calls one sandbox's admin API. It is safe for concurrent use.
type Client struct {
	base       *url.URL
	http       *http.Client
	token      string
	minBackoff time.Duration
	maxBackoff time.Duration
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient makes the client send its requests with hc. Give it no overall Timeout if you
// use Events: a timeout would cut the stream.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.http = hc } }

// WithToken sends `Authorization: Bearer <token>` on every request, for a sandbox started with
// --admin-token. An empty token sends nothing.
func WithToken(token string) Option { return func(c *Client) { c.token = token } }

// WithBackoff sets how long Events waits before reconnecting: min after the first failure,
// doubling up to max.
func WithBackoff(min, max time.Duration) Option {
	return func(c *Client) {
		if min > 0 {
			c.minBackoff = min
		}
		if max >= c.minBackoff {
			c.maxBackoff = max
		}
	}
}

// New returns a client of the sandbox at baseURL (such as http://127.0.0.1:4545; "" means
// DefaultURL).
func New(baseURL string, opts ...Option) (*Client, error) {
	if baseURL == "" {
		baseURL = DefaultURL
	}
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("server URL %q: %w", baseURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("server URL %q: want an http:// or https:// URL such as %s", baseURL, DefaultURL)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("server URL %q has no host: want a URL such as %s", baseURL, DefaultURL)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	c := &Client{base: u, http: &http.Client{}, minBackoff: 100 * time.Millisecond, maxBackoff: 5 * time.Second}
	for _, o := range opts {
		o(c)
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	return c, nil
}

// HTTPClient is the *http.Client the client sends with, for callers that also reach the
// sandbox's vendor routes (a compose form) the same way.
func (c *Client) HTTPClient() *http.Client { return c.http }

// URL is the sandbox's base URL.
func (c *Client) URL() string { return c.base.String() }

// Error is an answer of the admin API with a status of 400 or more.
type Error struct {
	Status   int
	Message  string
	Problems []Problem
}

func (e *Error) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("notifysim answered %d %s", e.Status, http.StatusText(e.Status))
	}
	return fmt.Sprintf("notifysim answered %d: %s", e.Status, e.Message)
}

// IsStatus reports whether err is an answer of the admin API with that HTTP status.
func IsStatus(err error, status int) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == status
}

// IsNotFound reports whether err is a 404 of the admin API (no such message, API or spec).
func IsNotFound(err error) bool { return IsStatus(err, http.StatusNotFound) }

func (c *Client) endpoint(path string, q url.Values) string {
	u := *c.base
	u.Path = c.base.Path + path
	u.RawQuery = q.Encode()
	return u.String()
}

func (c *Client) newRequest(ctx context.Context, method, path string, q url.Values, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.endpoint(path, q), body)
	if err != nil {
		return nil, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return req, nil
}

// maxAnswer bounds how much of an answer is read: a page of 100,000 messages is large but finite.
const maxAnswer = 1 << 30

func (c *Client) do(ctx context.Context, method, path string, q url.Values, contentType string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := c.newRequest(ctx, method, path, q, rd)
	if err != nil {
		return err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	if resp.StatusCode >= 400 {
		e := &Error{Status: resp.StatusCode}
		var body struct {
			Error    string    `json:"error"`
			Problems []Problem `json:"problems"`
		}
		if json.Unmarshal(data, &body) == nil && body.Error != "" {
			e.Message, e.Problems = body.Error, body.Problems
		} else {
			e.Message = strings.TrimSpace(string(data))
		}
		return e
	}
	if out == nil {
		return nil
	}
	if raw, ok := out.(*json.RawMessage); ok {
		*raw = append((*raw)[:0], data...)
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: the answer is not the JSON expected: %w", method, path, err)
	}
	return nil
}

func (c *Client) get(ctx context.Context, path string, q url.Values, out any) error {
	return c.do(ctx, http.MethodGet, path, q, "", nil, out)
}

// Health reads GET /_sim/health.
func (c *Client) Health(ctx context.Context) (Health, error) {
	var h Health
	return h, c.get(ctx, "/_sim/health", nil, &h)
}

// MessageFilter selects messages. Zero fields match everything.
type MessageFilter struct {
	Vendor    string
	Tenant    string
	Recipient string
	Role      string // code ("-3") or name ("Analyst")
	Channel   string
	Status    string
	Text      string // case-insensitive text in body or title
	Since     time.Time
	// Limit is the page size (the server's default is 1000).
	Limit int
	// Cursor continues from a previous page's NextCursor.
	Cursor string
	// Before, when not 0, lists only messages older than the one with this Seq: paging on from a
	// message that arrived live, with no cursor. Cursor wins when both are set.
	Before int64
	// Wait long-polls up to this long (the server caps it at 60 s) for Count messages to match.
	Wait  time.Duration
	Count int
}

func (f MessageFilter) values() url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("vendor", f.Vendor)
	set("tenant", f.Tenant)
	set("recipient", f.Recipient)
	set("role", f.Role)
	set("channel", f.Channel)
	set("status", f.Status)
	set("q", f.Text)
	set("cursor", f.Cursor)
	if f.Before > 0 {
		q.Set("before", strconv.FormatInt(f.Before, 10))
	}
	if !f.Since.IsZero() {
		q.Set("since", f.Since.Format(time.RFC3339Nano))
	}
	if f.Limit > 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	if f.Wait > 0 {
		q.Set("wait", formatWait(f.Wait))
	}
	if f.Count > 0 {
		q.Set("count", strconv.Itoa(f.Count))
	}
	return q
}

// formatWait writes d the way the wait parameter's pattern accepts (whole ms, s or m).
func formatWait(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	ms := int64(d / time.Millisecond)
	if ms == 0 {
		ms = 1
	}
	return strconv.FormatInt(ms, 10) + "ms"
}

// Messages reads one page of GET /_sim/messages, newest first.
func (c *Client) Messages(ctx context.Context, f MessageFilter) (MessageList, error) {
	var l MessageList
	err := c.get(ctx, "/_sim/messages", f.values(), &l)
	if l.Messages == nil {
		l.Messages = []Message{}
	}
	return l, err
}

// LatestMessage reads GET /_sim/messages/latest: the newest message matching f (Limit and Cursor
// are ignored). With f.Wait it blocks until one arrives; IsNotFound(err) when none does.
func (c *Client) LatestMessage(ctx context.Context, f MessageFilter) (Message, error) {
	q := f.values()
	q.Del("limit")
	q.Del("cursor")
	q.Del("before")
	q.Del("count")
	var m Message
	return m, c.get(ctx, "/_sim/messages/latest", q, &m)
}

// Message reads one message with its raw payload; the server marks it seen.
func (c *Client) Message(ctx context.Context, id string) (Message, error) {
	var m Message
	return m, c.get(ctx, "/_sim/messages/"+url.PathEscape(id), nil, &m)
}

// InboxFilter selects inboxes. Zero fields match everything.
type InboxFilter struct {
	Vendor  string
	Tenant  string
	Role    string
	Channel string
	Limit   int
}

// Inboxes reads GET /_sim/inboxes: one row per recipient, most recent first, and one per role.
func (c *Client) Inboxes(ctx context.Context, f InboxFilter) (Inboxes, error) {
	q := url.Values{}
	for k, v := range map[string]string{"vendor": f.Vendor, "tenant": f.Tenant, "role": f.Role, "channel": f.Channel} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Limit > 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	var in Inboxes
	err := c.get(ctx, "/_sim/inboxes", q, &in)
	return in, err
}

// Groups reads GET /_sim/groups: each vendor's recipient groups with members and counts. Empty
// vendor and tenant match any.
func (c *Client) Groups(ctx context.Context, vendor, tenant string) ([]Group, error) {
	q := url.Values{}
	if vendor != "" {
		q.Set("vendor", vendor)
	}
	if tenant != "" {
		q.Set("tenant", tenant)
	}
	var out struct {
		Groups []Group `json:"groups"`
	}
	err := c.get(ctx, "/_sim/groups", q, &out)
	if out.Groups == nil {
		out.Groups = []Group{}
	}
	return out.Groups, err
}

// RequestFilter selects journal entries. Zero fields match everything.
type RequestFilter struct {
	Vendor string
	Status int  // exact HTTP status
	Failed bool // only statuses of 400 or more
	Limit  int
	Cursor string
}

// Requests reads one page of the request journal, newest first.
func (c *Client) Requests(ctx context.Context, f RequestFilter) (RequestList, error) {
	q := url.Values{}
	if f.Vendor != "" {
		q.Set("vendor", f.Vendor)
	}
	if f.Status != 0 {
		q.Set("status", strconv.Itoa(f.Status))
	}
	if f.Failed {
		q.Set("failed", "true")
	}
	if f.Limit > 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	if f.Cursor != "" {
		q.Set("cursor", f.Cursor)
	}
	var l RequestList
	err := c.get(ctx, "/_sim/requests", q, &l)
	if l.Requests == nil {
		l.Requests = []JournalEntry{}
	}
	return l, err
}

// Troubleshoot reads Luma's troubleshoot log, newest first. Empty vendor and tenant match any;
// limit ≤ 0 takes the server's default.
func (c *Client) Troubleshoot(ctx context.Context, vendor, tenant string, limit int) ([]TroubleshootEntry, error) {
	q := url.Values{}
	if vendor != "" {
		q.Set("vendor", vendor)
	}
	if tenant != "" {
		q.Set("tenant", tenant)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var out struct {
		Entries []TroubleshootEntry `json:"entries"`
	}
	err := c.get(ctx, "/_sim/troubleshoot", q, &out)
	if out.Entries == nil {
		out.Entries = []TroubleshootEntry{}
	}
	return out.Entries, err
}

// Callbacks reads the callbacks the simulator sent, newest first; vendor "" means all.
func (c *Client) Callbacks(ctx context.Context, vendor string) ([]Callback, error) {
	q := url.Values{}
	if vendor != "" {
		q.Set("vendor", vendor)
	}
	var out struct {
		Callbacks []Callback `json:"callbacks"`
	}
	err := c.get(ctx, "/_sim/callbacks", q, &out)
	if out.Callbacks == nil {
		out.Callbacks = []Callback{}
	}
	return out.Callbacks, err
}

// State reads one API's current state (luma, luminous, mykaarma or kore) as JSON.
func (c *Client) State(ctx context.Context, api string) (json.RawMessage, error) {
	var raw json.RawMessage
	return raw, c.get(ctx, "/_sim/state/"+url.PathEscape(api), nil, &raw)
}

// Reset brings the sandbox back to its loaded fixtures.
func (c *Client) Reset(ctx context.Context) (Status, error) {
	var s Status
	return s, c.do(ctx, http.MethodPost, "/_sim/reset", nil, "", nil, &s)
}

// Fixtures reads the dataset in force as JSON.
func (c *Client) Fixtures(ctx context.Context) (json.RawMessage, error) {
	var raw json.RawMessage
	return raw, c.get(ctx, "/_sim/fixtures", nil, &raw)
}

// PutFixtures replaces the dataset with data, YAML or JSON, and resets to it. On error the
// sandbox keeps its dataset.
func (c *Client) PutFixtures(ctx context.Context, data []byte) (Status, error) {
	ct := "application/yaml"
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' && json.Valid(t) {
		ct = "application/json"
	}
	var s Status
	return s, c.do(ctx, http.MethodPut, "/_sim/fixtures", nil, ct, data, &s)
}

// Clock reads the simulated time.
func (c *Client) Clock(ctx context.Context) (Clock, error) {
	var k Clock
	return k, c.get(ctx, "/_sim/clock", nil, &k)
}

func (c *Client) clock(ctx context.Context, body map[string]string) (Clock, error) {
	data, err := json.Marshal(body)
	if err != nil {
		return Clock{}, err
	}
	var k Clock
	return k, c.do(ctx, http.MethodPost, "/_sim/clock", nil, "application/json", data, &k)
}

// FreezeClock stops the simulated time; only SetClock and AdvanceClock move it then.
func (c *Client) FreezeClock(ctx context.Context) (Clock, error) {
	return c.clock(ctx, map[string]string{"action": "freeze"})
}

// ResumeClock lets the simulated time run again from where it stands.
func (c *Client) ResumeClock(ctx context.Context) (Clock, error) {
	return c.clock(ctx, map[string]string{"action": "resume"})
}

// SetClock moves the simulated time to t.
func (c *Client) SetClock(ctx context.Context, t time.Time) (Clock, error) {
	return c.clock(ctx, map[string]string{"action": "set", "time": t.Format(time.RFC3339Nano)})
}

// AdvanceClock moves the simulated time forward by d, delivering what falls due.
func (c *Client) AdvanceClock(ctx context.Context, d time.Duration) (Clock, error) {
	if d < 0 {
		return Clock{}, fmt.Errorf("advance the clock by %s: the duration must not be negative", d)
	}
	return c.clock(ctx, map[string]string{"action": "advance", "duration": d.String()})
}
