package contracts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/cucumber/godog"
)

const vendorRE = `(luma|luminous|mykaarma|kore)`

// faultSteps is one scenario's fault state: the outcome of the last request that may get no
// answer, and the statuses of the last series of requests.
type faultSteps struct {
	w        *world
	lastErr  error
	statuses []string
}

func registerFaultSteps(w *world, sc *godog.ScenarioContext) {
	f := &faultSteps{w: w}
	sc.Step(`^(?i)`+vendorRE+` answers (\d+) to the next (\d+) requests?$`, func(vendor string, status, n int) error {
		return f.add(map[string]any{"vendor": strings.ToLower(vendor), "action": "respond", "status": status, "count": n})
	})
	sc.Step(`^(?i)`+vendorRE+` answers (\d+) to every request$`, func(vendor string, status int) error {
		return f.add(map[string]any{"vendor": strings.ToLower(vendor), "action": "respond", "status": status})
	})
	sc.Step(`^deliveries to "([^"]*)" on (?i)`+vendorRE+` fail$`, func(recipient, vendor string) error {
		return f.add(map[string]any{"vendor": strings.ToLower(vendor), "action": "fail-delivery", "recipient": recipient})
	})
	sc.Step(`^(?i)`+vendorRE+` is slowed by "([^"]*)"$`, func(vendor, d string) error {
		return f.add(map[string]any{"vendor": strings.ToLower(vendor), "action": "delay", "delay": d})
	})
	sc.Step(`^(?i)`+vendorRE+` (drops|hangs on) the next (\d+) requests?$`, func(vendor, what string, n int) error {
		action := "drop"
		if what == "hangs on" {
			action = "hang"
		}
		return f.add(map[string]any{"vendor": strings.ToLower(vendor), "action": action, "count": n})
	})
	sc.Step(`^the fault rule:$`, func(doc *godog.DocString) error {
		var rule map[string]any
		if err := json.Unmarshal([]byte(w.expand(doc.Content)), &rule); err != nil {
			return fmt.Errorf("the fault rule is not JSON: %w", err)
		}
		return f.add(rule)
	})
	sc.Step(`^I try to send an? (GET|POST|PUT|DELETE) request to "([^"]*)"(?: with a client timeout of "([^"]*)")? with body:$`, f.try)
	sc.Step(`^the connection was closed without an answer$`, func() error {
		var ne net.Error
		switch {
		case f.lastErr == nil:
			return fmt.Errorf("an answer came: %d %s", w.status, w.bodyText())
		case errors.As(f.lastErr, &ne) && ne.Timeout():
			return fmt.Errorf("the client timed out instead: %v", f.lastErr)
		}
		return nil
	})
	sc.Step(`^the client gave up waiting for an answer$`, func() error {
		var ne net.Error
		if f.lastErr == nil {
			return fmt.Errorf("an answer came: %d %s", w.status, w.bodyText())
		}
		if !errors.As(f.lastErr, &ne) || !ne.Timeout() {
			return fmt.Errorf("the request failed without a timeout: %v", f.lastErr)
		}
		return nil
	})
	sc.Step(`^I send (\d+) (GET|POST) requests to "([^"]*)" with body:$`, func(n int, method, path string, doc *godog.DocString) error {
		f.statuses = f.statuses[:0]
		for range n {
			if err := w.do(method, path, "application/json", []byte(w.expand(doc.Content))); err != nil {
				return err
			}
			f.statuses = append(f.statuses, fmt.Sprint(w.status))
		}
		return nil
	})
	sc.Step(`^their statuses are "([^"]*)"$`, func(want string) error {
		if got := strings.Join(f.statuses, " "); got != strings.Join(strings.Fields(want), " ") {
			return fmt.Errorf("statuses %q, want %q", got, want)
		}
		return nil
	})
}

// add posts a rule to /_sim/faults, remembers its id as ${fault}, and removes it when the
// scenario ends (a --target simulator outlives the scenario).
func (f *faultSteps) add(rule map[string]any) error {
	w := f.w
	body, err := json.Marshal(rule)
	if err != nil {
		return err
	}
	resp, err := w.client.Post(w.base+"/_sim/faults", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("POST /_sim/faults %s answered %d: %s", body, resp.StatusCode, data)
	}
	var added struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(data, &added); err != nil || added.ID == "" {
		return fmt.Errorf("POST /_sim/faults answered no id: %s", data)
	}
	w.vars["fault"] = added.ID
	w.cleanups = append(w.cleanups, func() {
		req, err := http.NewRequest(http.MethodDelete, w.base+"/_sim/faults/"+added.ID, nil)
		if err == nil {
			if resp, err := w.client.Do(req); err == nil {
				resp.Body.Close()
			}
		}
	})
	return nil
}

// try sends a request that may get no answer (a dropped or hung connection): the error is kept
// for the steps that follow instead of failing this one.
func (f *faultSteps) try(method, path, timeout string, doc *godog.DocString) error {
	w := f.w
	client := &http.Client{Timeout: w.client.Timeout}
	if timeout != "" {
		d, err := time.ParseDuration(timeout)
		if err != nil {
			return fmt.Errorf("client timeout %q is not a duration such as 500ms", timeout)
		}
		client.Timeout = d
	}
	req, err := http.NewRequest(method, w.base+w.expand(path), strings.NewReader(w.expand(doc.Content)))
	if err != nil {
		return err
	}
	for k, v := range w.header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	f.lastErr = err
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	w.body, f.lastErr = io.ReadAll(resp.Body)
	w.status, w.respH = resp.StatusCode, resp.Header
	return nil
}
