package contracts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"
	"github.com/tidwall/gjson"

	"github.com/notifysim/notifysim/simulator"
	"github.com/notifysim/notifysim/simulator/fixtures"
)

// world is one scenario's state. A fresh one is made per scenario, so nothing is shared between
// scenarios running at the same time.
type world struct {
	opts   Options
	report *report
	run    *scenarioRun
	base   string
	// pooled is the sandbox taken from Options.pool for this scenario, given back after it.
	pooled string
	// leave lets the next scenarios in once this one is over (see enter).
	leave  func()
	sim    *simulator.Simulator
	srv    *httptest.Server
	client *http.Client

	header http.Header // headers for the next requests
	// adminToken goes with every request the steps make to /_sim on their own.
	adminToken string
	status     int
	respH      http.Header
	body       []byte
	vars       map[string]string

	mu         sync.Mutex
	violations []string
	listeners  map[string]*listener
	cleanups   []func()
}

func newWorld(opts Options, rep *report) *world {
	return &world{
		opts:       opts,
		report:     rep,
		adminToken: opts.AdminToken,
		client:     &http.Client{Timeout: 70 * time.Second},
		header:     http.Header{},
		vars:       map[string]string{},
		listeners:  map[string]*listener{},
	}
}

func (w *world) register(sc *godog.ScenarioContext) {
	sc.Before(w.before)
	sc.After(w.after)
	sc.StepContext().After(func(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
		if w.run != nil {
			w.run.step(st, status, err)
		}
		return ctx, err
	})

	sc.Step(`^I set (?:the )?header "([^"]*)" to "([^"]*)"$`, w.setHeader)
	sc.Step(`^I remove (?:the )?header "([^"]*)"$`, w.removeHeader)
	sc.Step(`^I send an? (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) request to "([^"]*)"$`, w.sendEmpty)
	sc.Step(`^I send an? (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) request to "([^"]*)" with body:$`, w.sendJSON)
	sc.Step(`^I send an? (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) request to "([^"]*)" with content type "([^"]*)" and body:$`, w.sendTyped)
	sc.Step(`^I send an? (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) request to "([^"]*)" with a body of (\d+) bytes$`, w.sendSized)
	sc.Step(`^I poll GET "([^"]*)" until the JSON at `+jp+` is "([^"]*)"(?: within "([^"]*)")?$`, w.pollUntil)

	sc.Step(`^the response status (?:is|should be) (\d+)$`, w.statusIs)
	sc.Step(`^the response header "([^"]*)" (?:is|should be) "([^"]*)"$`, w.headerIs)
	sc.Step(`^the response header "([^"]*)" (?:contains|should contain) "([^"]*)"$`, w.headerContains)
	sc.Step(`^the response header "([^"]*)" exists$`, w.headerExists)
	sc.Step(`^the response body is empty$`, w.bodyEmpty)
	sc.Step(`^the response body contains "([^"]*)"$`, w.bodyContains)
	sc.Step(`^the JSON at `+jp+` (?:is|should be) "([^"]*)"$`, w.jsonIsString)
	sc.Step(`^the JSON at `+jp+` (?:is|should be) (-?\d+(?:\.\d+)?|true|false|null)$`, w.jsonIsLiteral)
	sc.Step(`^the JSON at `+jp+` (?:is|should be) not "([^"]*)"$`, w.jsonIsNot)
	sc.Step(`^the JSON at `+jp+` (?:contains|should contain) "([^"]*)"$`, w.jsonContains)
	sc.Step(`^the JSON at `+jp+` does not contain "([^"]*)"$`, w.jsonNotContains)
	sc.Step(`^the JSON at `+jp+` matches "([^"]*)"$`, w.jsonMatches)
	sc.Step(`^the JSON at `+jp+` (?:has|should have) (\d+) items?$`, w.jsonLen)
	sc.Step(`^the JSON at `+jp+` (?:has|should have) at least (\d+) items?$`, w.jsonMinLen)
	sc.Step(`^the JSON at `+jp+` exists$`, w.jsonExists)
	sc.Step(`^the JSON at `+jp+` does not exist$`, w.jsonAbsent)
	sc.Step(`^the JSON at `+jp+` (?:is|equals) the JSON:$`, w.jsonEquals)
	sc.Step(`^the JSON at `+jp+` is (?:a|an) (string|number|boolean|array|object)$`, w.jsonType)
	sc.Step(`^I remember the JSON at `+jp+` as "([^"]*)"$`, w.remember)

	registerSimSteps(w, sc)
	registerMetricSteps(w, sc)
	registerEventSteps(w, sc)
	registerCallbackSteps(w, sc)
	registerLumaSteps(w, sc)
	registerLuminousSteps(w, sc)
	registerMyKaarmaSteps(w, sc)
	registerKoreSteps(w, sc)
	registerFaultSteps(w, sc)
	registerGuardSteps(w, sc)
}

// serialTag marks a scenario that runs alone, with no other scenario of the run at the same
// time: one whose effect reaches past its own sandbox. A runaway script's allocation is one: a
// script's memory is measured as the process's (goja counts none per runtime), so another
// scenario's script, in a sandbox of the same process or of the same target, could be stopped
// with it.
const serialTag = "@serial"

// enter waits until sc may run: a @serial scenario until no other is running, any other while
// no @serial one is. It sets w.leave, which lets the others in again.
func (w *world) enter(sc *godog.Scenario) {
	if w.opts.serial == nil {
		w.leave = func() {}
		return
	}
	for _, tag := range sc.Tags {
		if tag.Name == serialTag {
			w.opts.serial.Lock()
			w.leave = w.opts.serial.Unlock
			return
		}
	}
	w.opts.serial.RLock()
	w.leave = w.opts.serial.RUnlock
}

// exit lets the other scenarios in, once.
func (w *world) exit() {
	if w.leave != nil {
		w.leave()
		w.leave = nil
	}
}

func (w *world) before(ctx context.Context, sc *godog.Scenario) (ctx2 context.Context, err error) {
	w.enter(sc)
	defer func() {
		if err != nil {
			w.exit()
		}
	}()
	if w.report != nil {
		w.run = w.report.start(sc)
	}
	if w.opts.Target != "" {
		w.base = strings.TrimRight(w.opts.Target, "/")
		if w.opts.pool != nil {
			w.pooled = <-w.opts.pool
			w.base = strings.TrimRight(w.pooled, "/")
		}
		// With --reset, a notifysim target starts every scenario from the contracts' own dataset
		// (a scenario may replace it); a target that is not a notifysim (no /_sim) is tested as it
		// is.
		if w.opts.target.reset {
			if err := w.sendAdmin(http.MethodPut, "/_sim/fixtures", "application/yaml", fixtures.DemoYAML()); err != nil {
				if w.pooled != "" {
					w.opts.pool <- w.pooled
					w.pooled = ""
				}
				return ctx, fmt.Errorf("loading the demo dataset into the target: %w", err)
			}
		}
	} else if err := w.startSim(simulator.Options{}); err != nil {
		return ctx, err
	}
	w.vars["base"] = w.base
	return ctx, nil
}

// startSim starts the scenario's in-process simulator (strict, violations collected), replacing
// one already running.
func (w *world) startSim(opts simulator.Options) error {
	opts.Strict = true
	opts.OnSpecViolation = func(err error) {
		w.mu.Lock()
		w.violations = append(w.violations, err.Error())
		w.mu.Unlock()
	}
	sim, err := simulator.New(opts)
	if err != nil {
		return err
	}
	if w.srv != nil {
		w.sim.Close()
		w.srv.Close()
	}
	w.sim = sim
	w.srv = httptest.NewServer(sim)
	w.base = w.srv.URL
	w.vars["base"] = w.base
	return nil
}

func (w *world) after(ctx context.Context, _ *godog.Scenario, err error) (context.Context, error) {
	defer w.exit()
	for _, c := range w.cleanups {
		c()
	}
	if w.pooled != "" {
		defer func() { w.opts.pool <- w.pooled; w.pooled = "" }()
	}
	for _, l := range w.listeners {
		// A slow listener may still be answering the simulator: drop its connections so Close
		// doesn't wait for the reply.
		l.srv.CloseClientConnections()
		l.srv.Close()
	}
	if w.srv != nil {
		w.sim.Close()
		w.srv.Close()
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err == nil && len(w.violations) > 0 {
		err = fmt.Errorf("the simulator answered outside its spec:\n%s", strings.Join(w.violations, "\n"))
		if w.run != nil {
			w.report.finish(w.run, err)
		}
		return ctx, err
	}
	if w.run != nil {
		w.report.finish(w.run, err)
	}
	return ctx, nil
}

// expand replaces ${name} with remembered values.
func (w *world) expand(s string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	for k, v := range w.vars {
		s = strings.ReplaceAll(s, "${"+k+"}", v)
	}
	return s
}

func (w *world) setHeader(name, value string) error {
	w.header.Set(name, w.expand(value))
	return nil
}

func (w *world) removeHeader(name string) error {
	w.header.Del(name)
	return nil
}

// do sends a request and keeps the response for the assertions that follow.
func (w *world) do(method, path, contentType string, body []byte) error {
	url := w.expand(path)
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		url = w.base + url
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return err
	}
	for k, v := range w.header {
		req.Header[k] = v
	}
	if h := req.Header.Get("Host"); h != "" {
		req.Host = h // the client sends req.Host, never a Host header of its own
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	w.body, err = io.ReadAll(resp.Body)
	w.status, w.respH = resp.StatusCode, resp.Header
	return err
}

func (w *world) sendEmpty(method, path string) error { return w.do(method, path, "", nil) }

func (w *world) sendJSON(method, path string, doc *godog.DocString) error {
	return w.do(method, path, "application/json", []byte(w.expand(doc.Content)))
}

func (w *world) sendTyped(method, path, contentType string, doc *godog.DocString) error {
	return w.do(method, path, contentType, []byte(w.expand(doc.Content)))
}

func (w *world) sendSized(method, path string, n int) error {
	// A JSON string of n bytes in total, so only the size is wrong.
	body := make([]byte, n)
	for i := range body {
		body[i] = 'a'
	}
	if n >= 2 {
		body[0], body[n-1] = '"', '"'
	}
	return w.do(method, path, "application/json", body)
}

func (w *world) pollUntil(path, jsonPath, want, within string) error {
	limit := 10 * time.Second
	if within != "" {
		d, err := time.ParseDuration(within)
		if err != nil {
			return err
		}
		limit = d
	}
	deadline := time.Now().Add(limit)
	for {
		if err := w.do(http.MethodGet, path, "", nil); err != nil {
			return err
		}
		got := gjson.GetBytes(w.body, w.expand(jsonPath))
		if got.Exists() && got.String() == w.expand(want) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("after %s the JSON at %q is %q, not %q; last response %d: %s", limit, jsonPath, got.String(), want, w.status, w.bodyText())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (w *world) bodyText() string {
	if len(w.body) > 2000 {
		return string(w.body[:2000]) + "…"
	}
	return string(w.body)
}

func (w *world) statusIs(want int) error {
	if w.status != want {
		return fmt.Errorf("status is %d, want %d; body: %s", w.status, want, w.bodyText())
	}
	return nil
}

func (w *world) headerIs(name, want string) error {
	if got := w.respH.Get(name); got != w.expand(want) {
		return fmt.Errorf("header %s is %q, want %q", name, got, w.expand(want))
	}
	return nil
}

func (w *world) headerContains(name, want string) error {
	if got := w.respH.Get(name); !strings.Contains(got, w.expand(want)) {
		return fmt.Errorf("header %s is %q, which does not contain %q", name, got, w.expand(want))
	}
	return nil
}

func (w *world) headerExists(name string) error {
	if w.respH.Get(name) == "" {
		return fmt.Errorf("no %s header; headers: %v", name, w.respH)
	}
	return nil
}

func (w *world) bodyEmpty() error {
	if len(bytes.TrimSpace(w.body)) != 0 {
		return fmt.Errorf("body is not empty: %s", w.bodyText())
	}
	return nil
}

func (w *world) bodyContains(want string) error {
	if !strings.Contains(string(w.body), w.expand(want)) {
		return fmt.Errorf("body does not contain %q: %s", w.expand(want), w.bodyText())
	}
	return nil
}

// jp captures a quoted gjson path in a step; the path may hold escaped quotes, as in
// "roles.#(role==\"-4\").count".
const jp = `"((?:[^"\\]|\\.)*)"`

func (w *world) json(path string) (gjson.Result, error) {
	path = strings.ReplaceAll(path, `\"`, `"`)
	if !gjson.ValidBytes(w.body) {
		return gjson.Result{}, fmt.Errorf("response is not JSON (status %d): %s", w.status, w.bodyText())
	}
	return gjson.GetBytes(w.body, w.expand(path)), nil
}

func (w *world) jsonIsString(path, want string) error {
	got, err := w.json(path)
	if err != nil {
		return err
	}
	if !got.Exists() {
		return fmt.Errorf("no JSON at %q in %s", path, w.bodyText())
	}
	if got.String() != w.expand(want) {
		return fmt.Errorf("the JSON at %q is %s, want %q", path, got.Raw, w.expand(want))
	}
	return nil
}

func (w *world) jsonIsNot(path, want string) error {
	got, err := w.json(path)
	if err != nil {
		return err
	}
	if got.String() == w.expand(want) {
		return fmt.Errorf("the JSON at %q is %s", path, got.Raw)
	}
	return nil
}

func (w *world) jsonIsLiteral(path, want string) error {
	got, err := w.json(path)
	if err != nil {
		return err
	}
	if !got.Exists() {
		return fmt.Errorf("no JSON at %q in %s", path, w.bodyText())
	}
	var a, b any
	if err := json.Unmarshal([]byte(got.Raw), &a); err != nil {
		return err
	}
	_ = json.Unmarshal([]byte(want), &b)
	if !reflect.DeepEqual(a, b) {
		return fmt.Errorf("the JSON at %q is %s, want %s", path, got.Raw, want)
	}
	return nil
}

func (w *world) jsonContains(path, want string) error {
	got, err := w.json(path)
	if err != nil {
		return err
	}
	if !got.Exists() {
		return fmt.Errorf("no JSON at %q in %s", path, w.bodyText())
	}
	text := got.String()
	if got.IsArray() || got.IsObject() {
		text = got.Raw
	}
	if !strings.Contains(text, w.expand(want)) {
		return fmt.Errorf("the JSON at %q is %s, which does not contain %q", path, got.Raw, w.expand(want))
	}
	return nil
}

func (w *world) jsonNotContains(path, want string) error {
	got, err := w.json(path)
	if err != nil {
		return err
	}
	if strings.Contains(got.Raw, w.expand(want)) {
		return fmt.Errorf("the JSON at %q is %s, which contains %q", path, got.Raw, w.expand(want))
	}
	return nil
}

func (w *world) jsonMatches(path, pattern string) error {
	got, err := w.json(path)
	if err != nil {
		return err
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return err
	}
	if !got.Exists() || !re.MatchString(got.String()) {
		return fmt.Errorf("the JSON at %q is %s, which does not match %s", path, got.Raw, pattern)
	}
	return nil
}

func (w *world) jsonLen(path string, n int) error {
	got, err := w.json(path)
	if err != nil {
		return err
	}
	if !got.IsArray() {
		return fmt.Errorf("the JSON at %q is not an array: %s", path, got.Raw)
	}
	if l := len(got.Array()); l != n {
		return fmt.Errorf("the JSON at %q has %d items, want %d: %s", path, l, n, got.Raw)
	}
	return nil
}

func (w *world) jsonMinLen(path string, n int) error {
	got, err := w.json(path)
	if err != nil {
		return err
	}
	if l := len(got.Array()); !got.IsArray() || l < n {
		return fmt.Errorf("the JSON at %q has %d items, want at least %d: %s", path, l, n, got.Raw)
	}
	return nil
}

func (w *world) jsonExists(path string) error {
	got, err := w.json(path)
	if err != nil {
		return err
	}
	if !got.Exists() {
		return fmt.Errorf("no JSON at %q in %s", path, w.bodyText())
	}
	return nil
}

func (w *world) jsonAbsent(path string) error {
	got, err := w.json(path)
	if err != nil {
		return err
	}
	if got.Exists() {
		return fmt.Errorf("the JSON at %q exists: %s", path, got.Raw)
	}
	return nil
}

func (w *world) jsonEquals(path string, doc *godog.DocString) error {
	got, err := w.json(path)
	if err != nil {
		return err
	}
	var a, b any
	if err := json.Unmarshal([]byte(w.expand(doc.Content)), &b); err != nil {
		return fmt.Errorf("the expected JSON is not valid: %v", err)
	}
	if err := json.Unmarshal([]byte(got.Raw), &a); err != nil {
		return fmt.Errorf("no JSON at %q in %s", path, w.bodyText())
	}
	if !reflect.DeepEqual(a, b) {
		return fmt.Errorf("the JSON at %q is %s, want %s", path, got.Raw, doc.Content)
	}
	return nil
}

func (w *world) jsonType(path, typ string) error {
	got, err := w.json(path)
	if err != nil {
		return err
	}
	kind := map[gjson.Type]string{gjson.String: "string", gjson.Number: "number", gjson.True: "boolean", gjson.False: "boolean", gjson.Null: "null"}[got.Type]
	if got.IsArray() {
		kind = "array"
	} else if got.IsObject() {
		kind = "object"
	}
	if kind != typ {
		return fmt.Errorf("the JSON at %q is %s, not %s: %s", path, kind, typ, got.Raw)
	}
	return nil
}

func (w *world) remember(path, name string) error {
	got, err := w.json(path)
	if err != nil {
		return err
	}
	if !got.Exists() {
		return fmt.Errorf("no JSON at %q to remember in %s", path, w.bodyText())
	}
	w.vars[name] = got.String()
	return nil
}

// getJSON fetches a URL (relative to the base) without touching the current response.
func (w *world) getJSON(path string) (gjson.Result, error) {
	req, err := http.NewRequest(http.MethodGet, w.base+w.expand(path), nil)
	if err != nil {
		return gjson.Result{}, err
	}
	bearer(req, w.adminToken)
	resp, err := w.client.Do(req)
	if err != nil {
		return gjson.Result{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return gjson.Result{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return gjson.Result{}, fmt.Errorf("GET %s answered %d: %s", path, resp.StatusCode, data)
	}
	return gjson.ParseBytes(data), nil
}

// sendAdmin sends a control request to /_sim and fails unless it answers 200.
func (w *world) sendAdmin(method, path, contentType string, body []byte) error {
	req, err := http.NewRequest(method, w.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	bearer(req, w.adminToken)
	resp, err := w.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s answered %d: %s", method, path, resp.StatusCode, data)
	}
	return nil
}

var errNoSim = errors.New("this step needs the notifysim admin API (/_sim)")

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
