package simulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/notifysim/notifysim/simulator"
)

// koreFuzzFixtures is the demo bot without a rate limit worth the name and without pace, so the
// fuzzer explores validation, auth and the job instead of spending its time on 429s.
const koreFuzzFixtures = `
kore:
  apps:
    - { clientId: cs-demo-app, secret: demo-app-secret, bots: [st-demo-bot] }
    - { clientId: cs-jti-app, secret: jti-secret, bots: [st-demo-bot], enforceJti: true }
  bots:
    - { id: st-demo-bot, channels: [msteams, slack], pace: 0s, scriptTimeLimit: 20ms, rateLimit: { perMinute: 1000000000, perHour: 1000000000 } }
    - { id: st-other-bot, channels: [msteams] }
  users:
    - { email: alice@example.com, channels: { msteams: "29:alice", slack: U0ALICE } }
    - { email: carol@example.com, channels: { slack: U0CAROL } }
`

// FuzzKoreNotify drives both Kore routes with arbitrary bodies, content types and credentials:
// the demo token, the fuzzed header as is, or a token signed with the demo secret whose claims
// are the fuzzed JSON. Whatever comes in, the answer is below 500 and in Kore's envelope, and a
// refused send creates no job.
func FuzzKoreNotify(f *testing.F) {
	valid := `{"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "Please reset your password."}, "identities": ["alice@example.com", "carol@example.com"]}`
	seeds := []struct {
		body     string
		mode     uint8
		auth, ct string
		status   bool
	}{
		{valid, 0, "", "application/json", false},
		{`{"channel": "slack", "userIdentityType": "resolve", "message": {"type": "script", "val": "print(JSON.stringify({text: 'Hi ' + context.session.BotUserSession.lastMessage.channel}))"}, "identities": ["alice@example.com"]}`, 0, "", "application/json", false},
		{`{"channel": "slack", "userIdentityType": "resolve", "message": {"type": "script", "val": "while(true){}"}, "identities": ["alice@example.com"]}`, 0, "", "application/json", false},
		{`{"channel": "slack", "userIdentityType": "resolve", "message": {"type": "script", "val": "var s=\"x\"; while(true){ s = s + s; }"}, "identities": ["alice@example.com"]}`, 0, "", "application/json", false},
		{`{"channel": "fax", "userIdentityType": "x", "message": {"type": "html", "val": ""}, "identities": []}`, 0, "", "application/json", false},
		{`{"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "x"}, "identities": ["", " ", 4, null]}`, 0, "", "application/json", false},
		{`{"channel": "msteams", "userIdentityType": "resolve", "message": null, "identities": "a"}`, 0, "", "application/json", false},
		{`[1,2]`, 0, "", "application/json", false},
		{`{"channel":`, 0, "", "application/json", false},
		{valid, 0, "", "text/plain", false},
		{valid, 0, "", "", false},
		{``, 0, "", "application/json", true},
		{valid, 1, "not-a-jwt", "application/json", false},
		{valid, 1, "eyJhbGciOiJub25lIn0.eyJhcHBJZCI6ImNzLWRlbW8tYXBwIn0.", "application/json", false},
		{valid, 1, "", "application/json", false},
		{valid, 2, `{"appId": "cs-demo-app", "exp": "soon"}`, "application/json", false},
		{valid, 2, `{"appId": "cs-demo-app", "exp": 1e300, "nbf": -1e300}`, "application/json", false},
		{valid, 2, `{"appId": ["cs-demo-app"]}`, "application/json", false},
		{valid, 2, `{"appId": "cs-jti-app", "jti": 5}`, "application/json", false},
		{valid, 2, `null`, "application/json", false},
		{``, 2, `{"appId": "cs-demo-app", "aud": {}}`, "", true},
	}
	for _, s := range seeds {
		f.Add([]byte(s.body), s.mode, s.auth, s.ct, s.status)
	}
	sim, err := simulator.New(simulator.Options{Strict: true, Seed: 11, Fixtures: []byte(koreFuzzFixtures)})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(sim.Close)
	demo, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"appId": "cs-demo-app"}).SignedString([]byte("demo-app-secret"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, mode uint8, auth, contentType string, status bool) {
		token := demo
		switch mode % 3 {
		case 1:
			token = auth
		case 2:
			var claims jwt.MapClaims
			if json.Unmarshal([]byte(auth), &claims) != nil {
				claims = jwt.MapClaims{"appId": auth}
			}
			token, _ = jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte("demo-app-secret"))
		}
		method, path := "POST", "/api/public/bot/st-demo-bot/notify"
		if status {
			method, path = "GET", "/api/public/bot/st-demo-bot/notify/status/ds-"+strings.ReplaceAll(fmt.Sprintf("%x", body), "/", "")
		}
		rec := do(sim, method, path, body, "auth", token, "Content-Type", contentType)
		if rec.Code >= 500 {
			t.Fatalf("status %d for body %q: %s", rec.Code, body, rec.Body)
		}
		if rec.Code == http.StatusOK {
			var job struct {
				ID     string `json:"_id"`
				Status string `json:"status"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &job); err != nil || !strings.HasPrefix(job.ID, "ds-") {
				t.Fatalf("a 200 that is not a job: %s", rec.Body)
			}
			// Keep the state small so the no-job check below stays cheap.
			if err := sim.Reset(); err != nil {
				t.Fatal(err)
			}
			return
		}
		var env struct {
			Errors []struct {
				Msg  string `json:"msg"`
				Code int    `json:"code"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || len(env.Errors) == 0 {
			t.Fatalf("status %d answered outside the Kore envelope: %s", rec.Code, rec.Body)
		}
		for _, e := range env.Errors {
			want := rec.Code
			if rec.Code == http.StatusUnauthorized {
				want = 4002
			}
			if e.Code != want || e.Msg == "" {
				t.Fatalf("status %d with error %+v", rec.Code, e)
			}
		}
		state := do(sim, "GET", "/_sim/state/kore", nil)
		var st struct {
			Jobs []json.RawMessage `json:"jobs"`
		}
		if err := json.Unmarshal(state.Body.Bytes(), &st); err != nil || len(st.Jobs) != 0 {
			t.Fatalf("a refused request (%d) left %d jobs: %s", rec.Code, len(st.Jobs), state.Body)
		}
	})
}
