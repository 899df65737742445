package simulator_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tidwall/gjson"

	"github.com/notifysim/notifysim/simulator"
	"github.com/notifysim/notifysim/simulator/core"
)

var frozenStart = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// openData builds a strict simulator on the data file path; the caller closes it (a restart is a
// Close and another openData on the same path).
func openData(tb testing.TB, path string, opts simulator.Options) *simulator.Simulator {
	tb.Helper()
	opts.DataFile = path
	opts.Strict = true
	opts.OnSpecViolation = func(err error) { tb.Errorf("response outside the spec: %v", err) }
	if opts.Seed == 0 {
		opts.Seed = 7
	}
	sim, err := simulator.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return sim
}

// restart closes sim and opens the same file again, as a new process would.
func restart(tb testing.TB, sim *simulator.Simulator, path string, opts simulator.Options) *simulator.Simulator {
	tb.Helper()
	sim.Close()
	next := openData(tb, path, opts)
	tb.Cleanup(next.Close)
	return next
}

func mustStatus(tb testing.TB, rec *httptest.ResponseRecorder, want int) string {
	tb.Helper()
	if rec.Code != want {
		tb.Fatalf("status %d, want %d: %s", rec.Code, want, rec.Body.String())
	}
	return rec.Body.String()
}

func luminousSend(tb testing.TB, h http.Handler, key, phone string) string {
	tb.Helper()
	body := `{"apiKey": "` + key + `", "campaignName": "order_update", "destination": "` + phone + `", "userName": "Pat", "templateParams": ["Pat", "A-1"], "tags": ["vip"]}`
	return mustStatus(tb, do(h, "POST", "/campaign/t1/api/v2", []byte(body), "Content-Type", "application/json"), http.StatusOK)
}

func TestRestartKeepsLuminousCreditsContactsAndMessages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	opts := simulator.Options{StartTime: frozenStart}
	sim := openData(t, path, opts)
	var ids []string
	for _, phone := range []string{"+919876543210", "+919876543210", "+14155550123"} {
		ids = append(ids, gjson.Get(luminousSend(t, sim, "luminous-demo-key", phone), "submitted_message_id").String())
	}
	sim = restart(t, sim, path, opts)

	state := mustStatus(t, do(sim, "GET", "/_sim/state/luminous", nil), http.StatusOK)
	demo := gjson.Get(state, `projects.#(id=="demo")`)
	if got := demo.Get("credits").Int(); got != 997 {
		t.Errorf("credits after restart = %d, want 997", got)
	}
	if got := demo.Get("creditsSpent").Int(); got != 3 {
		t.Errorf("creditsSpent after restart = %d, want 3", got)
	}
	pat := demo.Get(`contacts.#(phone=="+919876543210")`)
	if !pat.Exists() || pat.Get("messages").Int() != 2 || pat.Get("tags.0").String() != "vip" || pat.Get("name").String() != "Pat" {
		t.Errorf("contact +919876543210 after restart = %s; want Pat, 2 messages, tag vip", pat.Raw)
	}
	if !demo.Get(`contacts.#(phone=="+14155550123")`).Exists() {
		t.Errorf("contact +14155550123 lost in the restart: %s", demo.Get("contacts").Raw)
	}
	for _, id := range ids {
		mustStatus(t, do(sim, "GET", "/_sim/messages/"+id, nil), http.StatusOK)
	}
	// The receipts resume on the restored clock: sent → delivered → read.
	sim.Advance(time.Minute)
	for _, id := range ids {
		if got := gjson.Get(mustStatus(t, do(sim, "GET", "/_sim/messages/"+id, nil), http.StatusOK), "status").String(); got != "read" {
			t.Errorf("message %s is %s after the receipts' time, want read", id, got)
		}
	}
	// And the next send spends from what is left, not from the dataset's 1000.
	luminousSend(t, sim, "luminous-demo-key", "+14155550123")
	if got := gjson.Get(mustStatus(t, do(sim, "GET", "/_sim/state/luminous", nil), http.StatusOK), `projects.#(id=="demo").credits`).Int(); got != 996 {
		t.Errorf("credits = %d, want 996", got)
	}
}

func TestRestartKeepsTheDatasetInForceAndTheClock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	opts := simulator.Options{StartTime: frozenStart}
	sim := openData(t, path, opts)
	dataset := `{"luminous": {"projects": [{"id": "solo", "apiKey": "solo-key", "credits": 2, "activePlan": "PRO",
		"campaigns": [{"name": "order_update", "status": "Live", "template": {"body": "Hi {{1}}, order {{2}}"}}]}]}}`
	mustStatus(t, do(sim, "PUT", "/_sim/fixtures", []byte(dataset), "Content-Type", "application/json"), http.StatusOK)
	mustStatus(t, do(sim, "POST", "/_sim/clock", []byte(`{"action": "set", "time": "2026-05-05T10:00:00Z"}`), "Content-Type", "application/json"), http.StatusOK)
	body := `{"apiKey": "solo-key", "campaignName": "order_update", "destination": "+919876543210", "userName": "Pat", "templateParams": ["Pat", "A-1"]}`
	mustStatus(t, do(sim, "POST", "/campaign/t1/api/v2", []byte(body), "Content-Type", "application/json"), http.StatusOK)
	sim = restart(t, sim, path, opts)

	state := mustStatus(t, do(sim, "GET", "/_sim/state/luminous", nil), http.StatusOK)
	if got := gjson.Get(state, "projects.#.id").String(); got != `["solo"]` {
		t.Errorf("projects after restart = %s, want the PUT dataset's [solo]", got)
	}
	if got := gjson.Get(state, "projects.0.credits").Int(); got != 1 {
		t.Errorf("credits = %d, want 1", got)
	}
	clock := mustStatus(t, do(sim, "GET", "/_sim/clock", nil), http.StatusOK)
	if gjson.Get(clock, "now").String() != "2026-05-05T10:00:00Z" || !gjson.Get(clock, "frozen").Bool() {
		t.Errorf("clock after restart = %s, want frozen at 2026-05-05T10:00:00Z", clock)
	}
	// A reset goes back to the PUT dataset, and that too is what a restart finds.
	mustStatus(t, do(sim, "POST", "/_sim/reset", nil), http.StatusOK)
	sim = restart(t, sim, path, opts)
	if got := gjson.Get(mustStatus(t, do(sim, "GET", "/_sim/state/luminous", nil), http.StatusOK), "projects.0.credits").Int(); got != 2 {
		t.Errorf("credits after reset and restart = %d, want the dataset's 2", got)
	}
	if n := len(sim.Messages(core.Filter{})); n != 0 {
		t.Errorf("%d messages after reset and restart, want 0", n)
	}
}

const koreJobFixtures = `{"kore": {
  "apps": [{"clientId": "cs-app", "secret": "app-secret", "bots": ["st-bot"]}],
  "bots": [{"id": "st-bot", "channels": ["msteams"], "pace": "1s", "rateLimit": {"perMinute": 3, "perHour": 100}}],
  "users": [
    {"email": "u1@example.com", "channels": {"msteams": "29:u1"}},
    {"email": "u2@example.com", "channels": {"msteams": "29:u2"}},
    {"email": "u3@example.com", "channels": {"msteams": "29:u3"}},
    {"email": "u4@example.com", "channels": {"msteams": "29:u4"}}]}}`

func koreAuth(tb testing.TB) []string {
	tb.Helper()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"appId": "cs-app"}).SignedString([]byte("app-secret"))
	if err != nil {
		tb.Fatal(err)
	}
	return []string{"auth", tok, "Content-Type", "application/json"}
}

func TestRestartResumesAHalfDoneKoreJobAndItsRateLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	opts := simulator.Options{StartTime: frozenStart, Fixtures: []byte(koreJobFixtures)}
	sim := openData(t, path, opts)
	auth := koreAuth(t)
	body := `{"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hello"}, "identities": ["u1@example.com", "u2@example.com", "nobody@example.com", "u4@example.com"]}`
	job := gjson.Get(mustStatus(t, do(sim, "POST", "/api/public/bot/st-bot/notify", []byte(body), auth...), http.StatusOK), "_id").String()
	sim.Advance(2 * time.Second) // two of four identities done
	sim = restart(t, sim, path, opts)

	status := "/api/public/bot/st-bot/notify/status/" + job
	got := mustStatus(t, do(sim, "GET", status, nil, auth...), http.StatusOK)
	if gjson.Get(got, "status").String() != "IN_PROGRESS" || gjson.Get(got, "count").Int() != 2 {
		t.Fatalf("job after restart = %s; want IN_PROGRESS with 2 status logs", got)
	}
	// Three calls a minute: the notify before the restart and two status calls after it. The
	// window survived, so a fourth in the same minute is refused.
	mustStatus(t, do(sim, "GET", status, nil, auth...), http.StatusOK)
	mustStatus(t, do(sim, "GET", status, nil, auth...), http.StatusTooManyRequests)

	sim.Advance(time.Minute)
	got = mustStatus(t, do(sim, "GET", status, nil, auth...), http.StatusOK)
	if gjson.Get(got, "status").String() != "PARTIAL_SUCCESS" || gjson.Get(got, "count").Int() != 4 {
		t.Fatalf("job after the rest of its steps = %s; want PARTIAL_SUCCESS with 4 status logs", got)
	}
	if got := gjson.Get(got, "statusLogs.#.originalId").String(); got != `["u1@example.com","u2@example.com","nobody@example.com","u4@example.com"]` {
		t.Errorf("status logs after restart = %s; want each identity once, in order", got)
	}
	if n := len(sim.Messages(core.Filter{Vendor: "kore"})); n != 3 {
		t.Errorf("%d kore messages, want 3 (one per associated identity, none repeated)", n)
	}
}

func TestRestartResumesADelayedMyKaarmaMessageAndItsCallback(t *testing.T) {
	got := make(chan string, 4)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- string(b)
	}))
	defer target.Close()

	path := filepath.Join(t.TempDir(), "sandbox.db")
	opts := simulator.Options{StartTime: frozenStart}
	sim := openData(t, path, opts)
	body := `{"messageAttributes": {"body": "Your car is ready"}, "messageSendingAttributesLite": {"delay": 120, "callBackUrl": "` + target.URL + `"}}`
	resp := mustStatus(t, do(sim, "POST", "/communications/department/0b1d6a4e-0000-4000-8000-000000000001/user/DEFAULT/notify",
		[]byte(body), "Authorization", "Basic bWstZGVtbzptay1kZW1vLXNlY3JldA==", "Content-Type", "application/json"), http.StatusOK)
	sim.Advance(time.Minute)
	sim = restart(t, sim, path, opts)

	msgs := sim.Messages(core.Filter{Vendor: "mykaarma"})
	if len(msgs) != 1 || msgs[0].Status != core.StatusScheduled {
		t.Fatalf("after restart: %d mykaarma messages (%v); want 1 still scheduled", len(msgs), msgs)
	}
	cbs := mustStatus(t, do(sim, "GET", "/_sim/callbacks", nil), http.StatusOK)
	if gjson.Get(cbs, "callbacks.#").Int() != 1 || gjson.Get(cbs, "callbacks.0.state").String() != "pending" {
		t.Fatalf("callbacks after restart = %s; want one pending", cbs)
	}
	select {
	case b := <-got:
		t.Fatalf("callback sent before its time: %s", b)
	default:
	}
	sim.Advance(time.Minute)
	if m, _ := sim.Env().Store.Get(msgs[0].ID); m.Status != core.StatusDelivered {
		t.Errorf("message is %s once its delay passed, want delivered", m.Status)
	}
	select {
	case b := <-got:
		if gjson.Get(b, "messageUUID").String() != gjson.Get(resp, "notificationMessageUUID").String() {
			t.Errorf("callback body %s does not name the notification %s", b, resp)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the resumed callback never arrived")
	}
}

func TestEvictionKeepsTheNewestAndCountsTheRest(t *testing.T) {
	for _, durable := range []bool{false, true} {
		t.Run(map[bool]string{false: "memory", true: "data file"}[durable], func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "sandbox.db")
			opts := simulator.Options{MaxMessages: 3, StartTime: frozenStart, Seed: 7}
			var sim *simulator.Simulator
			if durable {
				sim = openData(t, path, opts)
			} else {
				var err error
				if sim, err = simulator.New(opts); err != nil {
					t.Fatal(err)
				}
			}
			defer func() { sim.Close() }()
			for i := range 5 {
				body := `{"recipients": {"contacts": ["ruth"]}, "message": "n` + string(rune('0'+i)) + `"}`
				mustStatus(t, do(sim, "POST", "/vsa/public/notifylumauser/message", []byte(body), lumaHeaders...), http.StatusOK)
			}
			check := func(when string) {
				t.Helper()
				inboxes := mustStatus(t, do(sim, "GET", "/_sim/inboxes?vendor=luma", nil), http.StatusOK)
				ruth := gjson.Get(inboxes, `inboxes.#(recipient.id=="ruth")`)
				if ruth.Get("count").Int() != 3 || ruth.Get("evicted").Int() != 2 || gjson.Get(inboxes, "evicted").Int() != 2 {
					t.Errorf("%s: inbox %s, evicted %s; want count 3, evicted 2", when, ruth.Raw, gjson.Get(inboxes, "evicted").Raw)
				}
				var bodies []string
				for _, m := range sim.Messages(core.Filter{Vendor: "luma"}) {
					bodies = append(bodies, m.Body)
				}
				if strings.Join(bodies, ",") != "n4,n3,n2" {
					t.Errorf("%s: messages %v, want the newest three n4,n3,n2", when, bodies)
				}
			}
			check("after sending")
			if durable {
				sim.Close()
				sim = openData(t, path, opts)
				var bodies []string
				for _, m := range sim.Messages(core.Filter{Vendor: "luma"}) {
					bodies = append(bodies, m.Body)
				}
				if strings.Join(bodies, ",") != "n4,n3,n2" {
					t.Errorf("after restart: messages %v, want n4,n3,n2 (evicted ones stay gone)", bodies)
				}
			}
		})
	}
}

func TestDataFileRefusesASecondSimulator(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	sim := openData(t, path, simulator.Options{})
	defer sim.Close()
	_, err := simulator.New(simulator.Options{DataFile: path})
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second simulator on the same file: err = %v, want one saying the file is in use", err)
	}
}

func TestRestoredJournalAndTroubleshootLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	opts := simulator.Options{StartTime: frozenStart}
	sim := openData(t, path, opts)
	mustStatus(t, do(sim, "POST", "/vsa/public/notifylumauser/message", []byte(`{"recipients": {"contacts": ["ruth"]}}`), lumaHeaders...), http.StatusBadRequest)
	mustStatus(t, do(sim, "POST", "/vsa/public/notifylumauser/message", []byte(`{"recipients": {"contacts": ["ruth"]}, "message": "hi"}`), lumaHeaders...), http.StatusOK)
	sim = restart(t, sim, path, opts)
	var journal struct {
		Requests []core.JournalEntry `json:"requests"`
	}
	if err := json.Unmarshal([]byte(mustStatus(t, do(sim, "GET", "/_sim/requests", nil), http.StatusOK)), &journal); err != nil {
		t.Fatal(err)
	}
	if len(journal.Requests) != 2 || journal.Requests[0].Status != 200 || journal.Requests[1].Status != 400 {
		t.Errorf("journal after restart: %+v; want the 200 then the 400", journal.Requests)
	}
	ts := mustStatus(t, do(sim, "GET", "/_sim/troubleshoot", nil), http.StatusOK)
	if gjson.Get(ts, "entries.#").Int() != 1 {
		t.Errorf("troubleshoot log after restart = %s; want the one refusal", ts)
	}
}

func TestRestartKeepsFaultRulesAndTheirCounters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox.db")
	opts := simulator.Options{StartTime: frozenStart}
	sim := openData(t, path, opts)
	rule := `{"vendor": "luma", "action": "respond", "status": 503, "count": 2}`
	mustStatus(t, do(sim, "POST", "/_sim/faults", []byte(rule), "Content-Type", "application/json"), http.StatusCreated)
	send := func(want int) {
		t.Helper()
		mustStatus(t, do(sim, "POST", "/vsa/public/notifylumauser/message", []byte(`{"recipients": {"contacts": ["ruth"]}, "message": "hi"}`), lumaHeaders...), want)
	}
	send(http.StatusServiceUnavailable)
	sim = restart(t, sim, path, opts)

	faults := mustStatus(t, do(sim, "GET", "/_sim/faults", nil), http.StatusOK)
	if gjson.Get(faults, "faults.#").Int() != 1 || gjson.Get(faults, "faults.0.fired").Int() != 1 {
		t.Fatalf("fault rules after restart = %s; want the rule, fired once", faults)
	}
	send(http.StatusServiceUnavailable) // the second and last firing of count 2
	send(http.StatusOK)
	// A rule added after the restart continues the id sequence.
	added := mustStatus(t, do(sim, "POST", "/_sim/faults", []byte(`{"vendor": "kore", "action": "drop"}`), "Content-Type", "application/json"), http.StatusCreated)
	if got := gjson.Get(added, "id").String(); got != "f-2" {
		t.Errorf("id of a rule added after the restart = %q, want f-2", got)
	}
}
