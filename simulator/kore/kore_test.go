package kore

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/fixtures"
	"github.com/notifysim/notifysim/simulator/kore/script"
)

var t0 = time.Date(2030, 1, 1, 10, 0, 0, 0, time.UTC)

func newEnv(t *testing.T) *core.Env {
	t.Helper()
	clock := core.NewClock()
	clock.Freeze()
	clock.Set(t0)
	return &core.Env{Store: core.NewMemStore(), Bus: core.NewBus(), Clock: clock, IDs: core.NewIDs(1)}
}

func loaded(t *testing.T, env *core.Env, yaml string) *Vendor {
	t.Helper()
	ds, err := fixtures.Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	v := New(env)
	commit, err := v.Load(ds["kore"])
	if err != nil {
		t.Fatal(err)
	}
	commit()
	return v
}

func demo(t *testing.T, env *core.Env) *Vendor {
	t.Helper()
	ds, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	v := New(env)
	commit, err := v.Load(ds["kore"])
	if err != nil {
		t.Fatal(err)
	}
	commit()
	return v
}

func TestLimiter(t *testing.T) {
	type call struct {
		at    time.Duration // since t0
		ok    bool
		retry time.Duration
	}
	tests := []struct {
		name               string
		perMinute, perHour int
		calls              []call
	}{
		{"the minute fills and rolls", 2, 100, []call{
			{0, true, 0}, {10 * time.Second, true, 0}, {20 * time.Second, false, 40 * time.Second},
			{60 * time.Second, true, 0}, {61 * time.Second, false, 9 * time.Second}, {70 * time.Second, true, 0},
		}},
		{"a refused call is not counted", 1, 100, []call{
			{0, true, 0}, {time.Second, false, 59 * time.Second}, {2 * time.Second, false, 58 * time.Second}, {time.Minute, true, 0},
		}},
		{"the hour wins over a free minute", 10, 3, []call{
			{0, true, 0}, {time.Minute, true, 0}, {2 * time.Minute, true, 0},
			{3 * time.Minute, false, 57 * time.Minute}, {time.Hour, true, 0}, {time.Hour + time.Second, false, 59 * time.Second},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLimiter(tt.perMinute, tt.perHour)
			for i, c := range tt.calls {
				ok, retry := l.allow(t0.Add(c.at))
				if ok != c.ok || retry != c.retry {
					t.Fatalf("call %d at +%s: ok=%v retry=%s, want ok=%v retry=%s", i, c.at, ok, retry, c.ok, c.retry)
				}
			}
		})
	}
}

// TestDefaultHourIs18000Calls: a bot whose fixture sets only perMinute gets the documented
// 18,000 calls per rolling hour, counted through the limiter its fixture builds, and the next
// call waits until the first one leaves the hour. (features/kore/ratelimit_default.feature
// checks the default through /_sim/state; sending 18,000 requests there took most of a minute.)
func TestDefaultHourIs18000Calls(t *testing.T) {
	v := loaded(t, newEnv(t), `kore: { bots: [ { id: b, rateLimit: { perMinute: 20000 } } ] }`)
	l := v.state.Load().bots["b"].limiter
	for i := range DefaultPerHour {
		// Spread over 50 minutes: no minute comes near 20,000.
		if ok, retry := l.allow(t0.Add(time.Duration(i) * 50 * time.Minute / DefaultPerHour)); !ok {
			t.Fatalf("call %d refused (retry %s)", i+1, retry)
		}
	}
	if ok, retry := l.allow(t0.Add(50 * time.Minute)); ok || retry != 10*time.Minute {
		t.Fatalf("call 18,001 at +50m: ok=%v retry=%s, want refused for 10m", ok, retry)
	}
	if ok, _ := l.allow(t0.Add(time.Hour)); !ok {
		t.Fatal("the first call left the hour, yet the next is refused")
	}
}

func TestLimiterClockSetBack(t *testing.T) {
	l := newLimiter(10, 10)
	l.allow(t0)
	l.allow(t0.Add(-time.Minute))
	for i := 1; i < len(l.hits); i++ {
		if l.hits[i].Before(l.hits[i-1]) {
			t.Fatalf("hits out of order: %v", l.hits)
		}
	}
}

func TestLoadRejects(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"an unknown field", `kore: { bots: [ { id: b, chanels: [msteams] } ] }`, "chanels"},
		{"a bot without id", `kore: { bots: [ { channels: [msteams] } ] }`, "id is required"},
		{"a duplicate bot", `kore: { bots: [ { id: b }, { id: b } ] }`, "defined twice"},
		{"an unknown channel", `kore: { bots: [ { id: b, channels: [whatsapp] } ] }`, "whatsapp"},
		{"a bad pace", `kore: { bots: [ { id: b, pace: fast } ] }`, "not a duration"},
		{"a numeric pace", `kore: { bots: [ { id: b, pace: 100 } ] }`, "duration"},
		{"a negative limit", `kore: { bots: [ { id: b, rateLimit: { perMinute: -1 } } ] }`, "positive"},
		{"an app without secret", `kore: { apps: [ { clientId: a } ] }`, "secret are required"},
		{"an app linked to a missing bot", `kore: { apps: [ { clientId: a, secret: s, bots: [nope] } ] }`, "nope"},
		{"a duplicate app", `kore: { apps: [ { clientId: a, secret: s }, { clientId: a, secret: t } ] }`, "defined twice"},
		{"a user without email", `kore: { users: [ { name: x } ] }`, "email is required"},
		{"a duplicate user, any case", `kore: { users: [ { email: A@x.io }, { email: a@X.io } ] }`, "defined twice"},
		{"a user on an unknown channel", `kore: { users: [ { email: a@x.io, channels: { sms: "1" } } ] }`, "sms"},
		{"an empty channel id", `kore: { users: [ { email: a@x.io, channels: { slack: "" } } ] }`, "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := fixtures.Parse([]byte(tt.yaml))
			if err != nil {
				t.Fatal(err)
			}
			v := New(newEnv(t))
			before := v.state.Load()
			_, err = v.Load(ds["kore"])
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if v.state.Load() != before {
				t.Fatal("a failed load changed the state")
			}
		})
	}
}

func TestFinalStatus(t *testing.T) {
	s, f := statusLog{Status: JobSuccess}, statusLog{Status: JobFailure}
	tests := []struct {
		logs []statusLog
		want string
	}{
		{[]statusLog{s, s}, JobSuccess},
		{[]statusLog{f}, JobFailure},
		{[]statusLog{s, f}, JobPartialSuccess},
		{[]statusLog{f, f, s}, JobPartialSuccess},
	}
	for _, tt := range tests {
		if got := finalStatus(tt.logs); got != tt.want {
			t.Errorf("finalStatus(%v) = %s, want %s", tt.logs, got, tt.want)
		}
	}
}

func TestTimeFormats(t *testing.T) {
	at := time.Date(2022, 1, 25, 6, 56, 48, 891_500_000, time.FixedZone("IST", 19800))
	if got := kTime(at); got != "2022-01-25T01:26:48.891Z" {
		t.Errorf("kTime = %s", got)
	}
	if got := kSecond(at); got != "2022-01-25T01:26:48.000Z" {
		t.Errorf("kSecond = %s", got)
	}
}

func sign(t *testing.T, m jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerify(t *testing.T) {
	env := newEnv(t)
	v := loaded(t, env, `
kore:
  apps:
    - { clientId: cs-a, secret: s3cret, bots: [st-b] }
    - { clientId: cs-j, secret: j, bots: [st-b], enforceJti: true }
  bots: [ { id: st-b } ]
`)
	hs := func(secret string, c jwt.MapClaims) string { return sign(t, jwt.SigningMethodHS256, []byte(secret), c) }
	tests := []struct {
		name, token, want string
	}{
		{"valid", hs("s3cret", jwt.MapClaims{"appId": "cs-a"}), ""},
		{"valid with future exp", hs("s3cret", jwt.MapClaims{"appId": "cs-a", "exp": t0.Add(time.Minute).Unix()}), ""},
		{"expired on the simulator clock", hs("s3cret", jwt.MapClaims{"appId": "cs-a", "exp": t0.Add(-time.Second).Unix()}), "expired"},
		{"nbf ahead of the simulator clock", hs("s3cret", jwt.MapClaims{"appId": "cs-a", "nbf": t0.Add(time.Hour).Unix()}), "not valid yet"},
		{"empty", "", "missing"},
		{"garbage", "abc", "not a JWT"},
		{"alg none", sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, jwt.MapClaims{"appId": "cs-a"}), "only HS256"},
		{"HS512", sign(t, jwt.SigningMethodHS512, []byte("s3cret"), jwt.MapClaims{"appId": "cs-a"}), "only HS256"},
		{"wrong secret", hs("nope", jwt.MapClaims{"appId": "cs-a"}), "signature"},
		{"no appId", hs("s3cret", jwt.MapClaims{"sub": "1"}), "no appId"},
		{"appId not a string", hs("s3cret", jwt.MapClaims{"appId": 1}), "must be a string"},
		{"unknown app", hs("s3cret", jwt.MapClaims{"appId": "cs-x"}), "cs-x"},
		{"jti enforced", hs("j", jwt.MapClaims{"appId": "cs-j"}), "enforces JTI"},
		{"jti given", hs("j", jwt.MapClaims{"appId": "cs-j", "jti": "1"}), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, try := range []string{"first", "again (a token verified before)"} {
				a, reason := v.verify(v.state.Load(), tt.token)
				if tt.want == "" {
					if a == nil {
						t.Fatalf("%s: refused: %s", try, reason)
					}
					continue
				}
				if a != nil || !strings.Contains(reason, tt.want) {
					t.Fatalf("%s: app %v reason %q, want a refusal containing %q", try, a, reason, tt.want)
				}
			}
		})
	}
}

// TestVerifiedTokensFollowTheClockAndTheDataset: a token verified once is not verified again, but
// its exp and nbf are read on every request against the simulator's clock, a new dataset forgets
// it (its app's secret may have changed), and the tokens remembered are bounded.
func TestVerifiedTokensFollowTheClockAndTheDataset(t *testing.T) {
	env := newEnv(t)
	const dataset = `
kore:
  apps: [ { clientId: cs-a, secret: %s, bots: [st-b] } ]
  bots: [ { id: st-b } ]
`
	v := loaded(t, env, fmt.Sprintf(dataset, "s3cret"))
	token := sign(t, jwt.SigningMethodHS256, []byte("s3cret"), jwt.MapClaims{"appId": "cs-a", "nbf": t0.Unix(), "exp": t0.Add(time.Minute).Unix()})
	verify := func(want string) {
		t.Helper()
		a, reason := v.verify(v.state.Load(), token)
		if want == "" && a == nil {
			t.Fatalf("refused at %v: %s", env.Clock.Now(), reason)
		}
		if want != "" && (a != nil || !strings.Contains(reason, want)) {
			t.Fatalf("at %v: app %v reason %q, want a refusal containing %q", env.Clock.Now(), a, reason, want)
		}
	}
	verify("")
	env.Clock.Set(t0.Add(-time.Hour))
	verify("not valid yet")
	env.Clock.Set(t0.Add(30 * time.Second))
	verify("")
	env.Clock.Advance(time.Minute)
	verify("expired")
	env.Clock.Set(t0)
	verify("")

	next, err := fixtures.Parse([]byte(fmt.Sprintf(dataset, "rotated")))
	if err != nil {
		t.Fatal(err)
	}
	commit, err := v.Load(next["kore"])
	if err != nil {
		t.Fatal(err)
	}
	commit()
	verify("signature")

	st := v.state.Load()
	for i := range maxVerified + 10 {
		tok := sign(t, jwt.SigningMethodHS256, []byte("rotated"), jwt.MapClaims{"appId": "cs-a", "jti": fmt.Sprint(i)})
		if a, reason := v.verify(st, tok); a == nil {
			t.Fatalf("token %d refused: %s", i, reason)
		}
	}
	n := 0
	st.verified.Range(func(any, any) bool { n++; return true })
	if n > maxVerified {
		t.Fatalf("%d tokens remembered, at most %d", n, maxVerified)
	}
}

// A job whose dataset is replaced (reset, new fixtures) stops: it must not deliver into the new
// dataset's inboxes.
func TestJobStopsAfterReload(t *testing.T) {
	env := newEnv(t)
	v := demo(t, env)
	tok, err := Token(TokenOptions{ClientID: DemoClientID, Secret: DemoSecret})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("POST", "/api/public/bot/st-demo-bot/notify", nil)
	r.Header.Set("auth", tok)
	req := &core.Request{HTTP: r, PathParams: map[string]string{"BotID": DemoBotID}, ID: "r1",
		Body: []byte(`{"channel":"msteams","userIdentityType":"resolve","message":{"type":"text","val":"hi"},"identities":["alice@example.com","bob@example.com"]}`)}
	if refused := v.Authenticate("sendProactiveNotification", req); refused != nil {
		t.Fatalf("refused: %+v", refused)
	}
	resp := v.notify(req)
	if resp.Status != 200 {
		t.Fatalf("status %d: %+v", resp.Status, resp.Body)
	}
	env.Clock.Advance(100 * time.Millisecond)
	if n := env.Store.Len(); n != 1 {
		t.Fatalf("%d messages after one pace, want 1", n)
	}
	ds, _ := fixtures.Demo()
	commit, err := v.Load(ds["kore"])
	if err != nil {
		t.Fatal(err)
	}
	commit()
	env.Clock.Advance(time.Second)
	if n := env.Store.Len(); n != 1 {
		t.Fatalf("%d messages after the reload, want still 1", n)
	}
}

func TestSnapshotHidesSecrets(t *testing.T) {
	v := demo(t, newEnv(t))
	data, err := json.Marshal(v.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), DemoSecret) {
		t.Fatalf("snapshot shows the client secret: %s", data)
	}
}

func TestTokenRoundTrip(t *testing.T) {
	env := newEnv(t)
	v := demo(t, env)
	tok, err := Token(TokenOptions{ClientID: DemoClientID, Secret: DemoSecret, Subject: "1234567890", TTL: time.Hour, JTI: "x", Now: t0})
	if err != nil {
		t.Fatal(err)
	}
	if a, reason := v.verify(v.state.Load(), tok); a == nil {
		t.Fatalf("the minted token is refused: %s", reason)
	}
	env.Clock.Advance(2 * time.Hour)
	if a, _ := v.verify(v.state.Load(), tok); a != nil {
		t.Fatal("the minted token outlived its TTL")
	}
}

// A script job's identities share a script worker's runtime (script.Runner) but not its state:
// what the script leaves behind for one identity is gone for the next.
func TestScriptIdentitiesAreIsolated(t *testing.T) {
	env := newEnv(t)
	v := demo(t, env)
	tok, err := Token(TokenOptions{ClientID: DemoClientID, Secret: DemoSecret})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, src string }{
		{"a global", `var clean = typeof seen === 'undefined'; seen = identity; print(clean ? 'clean' : 'saw ' + seen)`},
		{"a patched prototype", `var clean = [].seen === undefined; Array.prototype.seen = identity; print(clean ? 'clean' : 'saw ' + [].seen)`},
		{"a prototype reached round the gate", `var ap = [][('__pro' + 'to__')]; var clean = [].seen === undefined; ap.seen = identity; print(clean ? 'clean' : 'saw ' + [].seen)`},
		{"a replaced JSON.stringify", `var clean = JSON.stringify(1) === '1'; JSON.stringify = function () { return identity }; print(clean ? 'clean' : 'saw ' + JSON.stringify(1))`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.Store.Reset()
			body, _ := json.Marshal(map[string]any{"channel": "msteams", "userIdentityType": "resolve",
				"message": map[string]string{"type": "script", "val": tt.src}, "identities": []string{"alice@example.com", "bob@example.com"}})
			r := httptest.NewRequest("POST", "/api/public/bot/st-demo-bot/notify", nil)
			r.Header.Set("auth", tok)
			req := &core.Request{HTTP: r, PathParams: map[string]string{"BotID": DemoBotID}, ID: "r-" + tt.name, Body: body}
			if refused := v.Authenticate("sendProactiveNotification", req); refused != nil {
				t.Fatalf("refused: %+v", refused)
			}
			if resp := v.notify(req); resp.Status != 200 {
				t.Fatalf("status %d: %+v", resp.Status, resp.Body)
			}
			env.Clock.Advance(time.Second)
			msgs := env.Store.Query(core.Filter{Vendor: "kore"})
			if len(msgs) != 2 {
				t.Fatalf("%d messages, want 2", len(msgs))
			}
			for _, m := range msgs {
				if m.Body != "clean" {
					t.Errorf("%s got %q, want clean", m.Recipient.ID, m.Body)
				}
			}
		})
	}
}

// payloadFor is the allocation-lean form of the notify body narrowed to one identity: it must
// give the same string (IDs.PrefixedUUID, the lean form of prefix+IDs.UUID(), is held to it in
// core).
func TestLeanEncodings(t *testing.T) {
	j := &job{payloadHead: []byte(`{"channel":"msteams","identities":[`)}
	for _, id := range []string{"alice@example.com", `quo"te`, `back\slash`, "<b>&", "tab\there", "ünï", "\u2028", "bad\xffutf8", ""} {
		enc, _ := json.Marshal(id)
		want := `{"channel":"msteams","identities":[` + string(enc) + `]}`
		if got := string(j.payloadFor(id)); got != want {
			t.Errorf("payloadFor(%q) = %s, want %s", id, got, want)
		}
	}
}

// The script context shape builds the object Kore's bot context describes.
func TestScriptContextShape(t *testing.T) {
	want := map[string]any{
		"session": map[string]any{
			"BotUserSession": map[string]any{
				"lastMessage": map[string]any{"channel": "msteams"},
				"channels":    []any{map[string]any{"type": "msteams", "uId": "29:1"}},
			},
			"UserContext": map[string]any{
				"_id": "u-1", "emailId": "a@b.c", "firstName": "Ada", "lastName": "<Lovelace> King",
				"identities": []any{map[string]any{"val": "Ünï@example.com", "type": "mapped"}},
			},
			"BotContext": map[string]any{"botId": "st-1", "botName": `Bot "Q"`},
		},
		"identity": "Ünï@example.com",
	}
	p, err := script.Compile(`print(JSON.stringify(context))`)
	if err != nil {
		t.Fatal(err)
	}
	res, err := script.Run(p, script.Env{Shape: scriptContext,
		Values: []string{"msteams", "29:1", "u-1", "a@b.c", "Ada", "<Lovelace> King", "Ünï@example.com", "st-1", `Bot "Q"`}}, script.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(res.Text), &got); err != nil {
		t.Fatalf("%v: %s", err, res.Text)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("context = %v\nwant %v", got, want)
	}
}
