package contracts

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/cucumber/godog"
	"github.com/golang-jwt/jwt/v5"
	"github.com/tidwall/gjson"
)

// registerKoreSteps adds the steps that only Kore scenarios use. Tokens are minted here, client
// side, with the same JWT library an integrator would use; the simulator only ever sees the
// header.
func registerKoreSteps(w *world, sc *godog.ScenarioContext) {
	useToken := func(tok string, err error) error {
		if err != nil {
			return err
		}
		w.header.Set("auth", tok)
		w.vars["koreToken"] = tok
		return nil
	}
	sc.Step(`^I use the demo Kore token$`, func() error {
		return useToken(koreToken("HS256", "demo-app-secret", jwt.MapClaims{"appId": "cs-demo-app"}))
	})
	sc.Step(`^I use a Kore token for app "([^"]*)" signed with "([^"]*)"$`, func(app, secret string) error {
		return useToken(koreToken("HS256", secret, jwt.MapClaims{"appId": app}))
	})
	sc.Step(`^I use a Kore token signed (HS256|HS384|HS512|RS256|none) with "([^"]*)" and claims:$`, func(alg, secret string, doc *godog.DocString) error {
		var claims jwt.MapClaims
		if err := json.Unmarshal([]byte(w.expand(doc.Content)), &claims); err != nil {
			return fmt.Errorf("claims are not a JSON object: %v", err)
		}
		return useToken(koreToken(alg, secret, claims))
	})
	sc.Step(`^I send a Kore notify to bot "([^"]*)" on "([^"]*)" naming (\d+) identities$`, func(bot, channel string, n int) error {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("user%d@example.com", i)
		}
		list, _ := json.Marshal(ids)
		body := fmt.Sprintf(`{"channel": %q, "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": %s}`, channel, list)
		return w.do(http.MethodPost, "/api/public/bot/"+bot+"/notify", "application/json", []byte(body))
	})
	sc.Step(`^I call the Kore API (\d+) times with GET "([^"]*)"$`, func(n int, path string) error {
		for i := 0; i < n; i++ {
			if err := w.do(http.MethodGet, path, "", nil); err != nil {
				return err
			}
			if w.status == http.StatusTooManyRequests {
				return fmt.Errorf("call %d of %d was rate limited: %s", i+1, n, w.bodyText())
			}
		}
		return nil
	})
	sc.Step(`^the JSON object's keys are, in order: (.+)$`, func(list string) error {
		want := strings.Split(list, ",")
		for i := range want {
			want[i] = strings.TrimSpace(want[i])
		}
		var got []string
		gjson.ParseBytes(w.body).ForEach(func(k, _ gjson.Result) bool {
			got = append(got, k.String())
			return true
		})
		if strings.Join(got, ",") != strings.Join(want, ",") {
			return fmt.Errorf("keys are %v, want %v", got, want)
		}
		return nil
	})
	sc.Step(`^the Kore bot "([^"]*)" has (\d+) jobs?$`, func(bot string, n int) error {
		res, err := w.getJSON("/_sim/state/kore")
		if err != nil {
			return fmt.Errorf("%w: %v", errNoSim, err)
		}
		got := 0
		for _, j := range res.Get("jobs").Array() {
			if j.Get("streamId").String() == bot {
				got++
			}
		}
		if got != n {
			return fmt.Errorf("bot %s has %d jobs, want %d: %s", bot, got, n, res.Get("jobs").Raw)
		}
		return nil
	})
}

// koreToken signs claims with alg: HMAC with secret, RS256 with a fresh key (which no Kore app
// can verify), or none.
func koreToken(alg, secret string, claims jwt.MapClaims) (string, error) {
	switch alg {
	case "none":
		return jwt.NewWithClaims(jwt.SigningMethodNone, claims).SignedString(jwt.UnsafeAllowNoneSignatureType)
	case "RS256":
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return "", err
		}
		return jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(key)
	}
	return jwt.NewWithClaims(jwt.GetSigningMethod(alg), claims).SignedString([]byte(secret))
}
