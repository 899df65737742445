package simulator_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/notifysim/notifysim/simulator/fixtures"
)

// FuzzLuminousCampaignDetails drives the campaign-details route with arbitrary bodies: the
// answer is below 500 and JSON, a 200 has a boolean success (with a requestBody exactly when
// true), and nothing is ever delivered.
func FuzzLuminousCampaignDetails(f *testing.F) {
	for _, s := range []string{
		`{"apiKey":"luminous-demo-key","campaignName":"brochure"}`,
		`{"apiKey":"luminous-demo-key","campaignName":"test"}`,
		`{"apiKey":"nope","campaignName":"welcome"}`,
		`{"apiKey":"luminous-demo-key","campaignName":" "}`,
		`{"apiKey":1,"campaignName":null}`,
		`[]`, `{`, ``, "\x00",
	} {
		f.Add([]byte(s), "application/json")
	}
	sim := newSim(f, fixtures.DemoYAML())
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		before := sim.Env().Store.Len()
		rec := do(sim, "POST", "/campaign/t1/api/campaign-details", body, "Content-Type", contentType)
		if rec.Code >= 500 {
			t.Fatalf("status %d for body %q: %s", rec.Code, body, rec.Body)
		}
		var answer struct {
			Success     *bool           `json:"success"`
			Message     string          `json:"message"`
			RequestBody json.RawMessage `json:"requestBody"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
			t.Fatalf("status %d answered with a body that is not JSON: %s", rec.Code, rec.Body)
		}
		switch {
		case rec.Code == http.StatusOK && (answer.Success == nil || *answer.Success != (len(answer.RequestBody) > 0)):
			t.Fatalf("a 200 without a matching success and requestBody: %s", rec.Body)
		case rec.Code != http.StatusOK && answer.Message == "":
			t.Fatalf("a %d has no message: %s", rec.Code, rec.Body)
		case sim.Env().Store.Len() != before:
			t.Fatal("campaign details delivered a message")
		}
	})
}

// FuzzKoreSTS drives the token service with arbitrary bodies: below 500, Kore's error envelope
// on refusal, and a 200 only with a token.
func FuzzKoreSTS(f *testing.F) {
	for _, s := range []string{
		`{"clientId":"cs-demo-app","clientSecret":"demo-app-secret","identity":"a@b.c","aud":"","isAnonymous":true}`,
		`{"clientId":"cs-demo-app","clientSecret":"wrong","identity":"a"}`,
		`{"clientId":"cs-demo-app","clientSecret":"demo-app-secret","identity":"a","isAnonymous":"yes"}`,
		`{"clientId":null}`, `[]`, `{`, ``,
	} {
		f.Add([]byte(s), "application/json")
	}
	sim := newSim(f, fixtures.DemoYAML())
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		rec := do(sim, "POST", "/api/users/sts", body, "Content-Type", contentType)
		if rec.Code >= 500 {
			t.Fatalf("status %d for body %q: %s", rec.Code, body, rec.Body)
		}
		var answer struct {
			JWT    string `json:"jwt"`
			Errors []struct {
				Msg  string `json:"msg"`
				Code int    `json:"code"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
			t.Fatalf("status %d answered with a body that is not JSON: %s", rec.Code, rec.Body)
		}
		if (rec.Code == http.StatusOK) != (answer.JWT != "") || (rec.Code != http.StatusOK && len(answer.Errors) == 0) {
			t.Fatalf("status %d with body %s", rec.Code, rec.Body)
		}
	})
}
