package contracts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/notifysim/notifysim/simulator/fixtures"
)

// targetInfo is what a run learnt about its Target before the first scenario.
type targetInfo struct {
	notifysim bool   // the target answers /_sim/health like a notifysim
	version   string // its version
	reset     bool   // the run replaces its dataset before each scenario
	original  []byte // its dataset at the start (JSON), put back at the end
	sections  []string
	demo      bool // that dataset is the demo dataset
}

// targetClient is the client of the run's own admin calls; a hung target fails them instead of the run.
func targetClient() *http.Client { return &http.Client{Timeout: 10 * time.Second} }

// probeTarget finds out whether target is a notifysim and, if it is, refuses to change it
// unless reset allows it.
func probeTarget(target string, reset bool, token string) (targetInfo, error) {
	base := strings.TrimRight(target, "/")
	var info targetInfo
	get := func(path string) (*http.Response, error) {
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		if err != nil {
			return nil, err
		}
		bearer(req, token)
		return targetClient().Do(req)
	}
	resp, err := get("/_sim/health")
	if err != nil {
		return info, fmt.Errorf("--target %s does not answer: %v", target, err)
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	var health struct {
		Status  string `json:"status"`
		Version string `json:"version"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(data, &health) != nil || health.Status != "ok" {
		return info, nil // not a notifysim: its vendor routes are tested as they are
	}
	info.notifysim, info.version = true, health.Version
	resp, err = get("/_sim/fixtures")
	if err != nil {
		return info, fmt.Errorf("--target %s: reading its dataset: %v", target, err)
	}
	info.original, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		return info, fmt.Errorf("--target %s: GET /_sim/fixtures answered %d: %s", target, resp.StatusCode, info.original)
	}
	var got map[string]any
	_ = json.Unmarshal(info.original, &got)
	for k := range got {
		info.sections = append(info.sections, k)
	}
	sort.Strings(info.sections)
	if demo, err := fixtures.Demo(); err == nil {
		js, _ := json.Marshal(demo)
		var want map[string]any
		_ = json.Unmarshal(js, &want)
		info.demo = reflect.DeepEqual(got, want)
	}
	if !reset {
		return info, fmt.Errorf("--target %s is a notifysim (%s) holding %s. The contracts change a sandbox's state and expect the demo dataset,\n"+
			"so verify replaces its dataset before each scenario (forgetting its messages, journal and clock) and puts its own back at the end.\n"+
			"Add --reset to allow that, or point --target at a sandbox of its own", target, info.version, info.dataset())
	}
	info.reset = true
	return info, nil
}

func (t targetInfo) dataset() string {
	switch {
	case t.demo:
		return "the demo dataset"
	case len(t.sections) == 0:
		return "an empty dataset"
	}
	return "its own dataset (" + strings.Join(t.sections, ", ") + ")"
}

// describe is the report's header: which target, which dataset, what the run changes there.
func (t targetInfo) describe(target string) string {
	if !t.notifysim {
		return fmt.Sprintf("Target %s: not a notifysim (no /_sim/health), so nothing there is reset; scenarios that inspect a sandbox's inbox fail.\n\n", target)
	}
	return fmt.Sprintf("Target %s: notifysim %s holding %s.\n"+
		"Before each scenario: the demo dataset is loaded (PUT /_sim/fixtures), forgetting messages, journal, callbacks and clock.\n"+
		"After the run: %s is put back the same way.\n\n", target, t.version, t.dataset(), t.dataset())
}

// putFixtures replaces a target's dataset.
func putFixtures(target, token, contentType string, data []byte) error {
	req, err := http.NewRequest(http.MethodPut, strings.TrimRight(target, "/")+"/_sim/fixtures", bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", contentType)
	bearer(req, token)
	resp, err := targetClient().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("PUT /_sim/fixtures answered %d: %s", resp.StatusCode, body)
	}
	return nil
}

// bearer adds the admin token to a /_sim request, when there is one.
func bearer(req *http.Request, token string) {
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
}
