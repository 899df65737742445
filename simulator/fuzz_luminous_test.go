package simulator_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/notifysim/notifysim/simulator/fixtures"
)

// FuzzLuminousSend drives both Luminous routes with arbitrary bodies, content types and an
// Authorization header some clients send. Whatever comes in, the answer is below 500 and is
// {"message": …} (the ERRnnn envelope included), an accepted one spends exactly one credit, and
// a refused request delivers nothing, spends no credit and creates no contact.
func FuzzLuminousSend(f *testing.F) {
	seeds := []struct {
		body, ct, auth string
		v2             bool
	}{
		{`{"apiKey":"luminous-demo-key","campaignName":"order_update","destination":"+256751351363","userName":"Test User","templateParams":["Test User","ORD-1"]}`, "application/json", "", false},
		{`{"apiKey":"luminous-demo-key","campaignName":"brochure","destination":"9876543210","userName":"A","source":"Website lead","media":{"url":"https://cdn.example.com/b.pdf","filename":"b.pdf"},"templateParams":["A"],"tags":["vip","x"],"attributes":{"city":"Pune","zz":"1"}}`, "application/json", "", false},
		{`{"apiKey":"luminous-demo-key","campaignName":"order_update","destination":"919876543210","userName":"A","templateParams":["$FirstName","$city"],"media":{},"buttons":[],"carouselCards":[],"location":{},"attributes":{},"paramsFallbackValue":{"city":"x"}}`, "application/json", "Bearer luminous-demo-key", true},
		{`{"apiKey":"luminous-demo-key","campaignName":"brochure","destination":"+91 98765 43210","userName":"A","templateParams":["A"],"media":{"url":"http://[::1"}}`, "application/json", "", true},
		{`{"apiKey":"luminous-demo-key","campaignName":"welcome","destination":"+256751351363","userName":"A","buttons":[{"index":1e300,"parameters":[{"text":null}]}],"location":{"latitude":"x","longitude":[]}}`, "application/json", "", true},
		{`{"apiKey":"luminous-broke-key","campaignName":"welcome","destination":"+256751351363","userName":"A"}`, "application/json", "", false},
		{`{"apiKey":"nope","campaignName":"welcome","destination":"+256751351363","userName":"A"}`, "application/json", "", false},
		{`{"apiKey":"luminous-demo-key","campaignName":"summer_sale","destination":"91+91","userName":"A","templateParams":{}}`, "application/json", "", false},
		{`{"apiKey":"luminous-demo-key","campaignName":"welcome","destination":919876543210,"userName":"","attributes":{"city":7}}`, "application/json", "", true},
		{`{"apiKey":"luminous-demo-key","campaignName":"order_update","destination":"1800FLOWERS","userName":"A","templateParams":["", "\u0000"]}`, "application/json", "", false},
		{`[{"apiKey":"luminous-demo-key"}]`, "application/json", "", false},
		{`"hello"`, "application/json", "", true},
		{`{"apiKey":`, "application/json", "", false},
		{`{}`, "application/json; charset=utf-8", "", true},
		{`{}`, "text/plain", "", false},
		{``, "", "", true},
		{`null`, "application/json", "", false},
		{`{"apiKey":"luminous-demo-key","campaignName":"welcome","destination":"+256751351363","userName":"A","buttons":"x","location":"y","carouselCards":1,"paramsFallbackValue":[]}`, "application/json", "", false},
		{`{"apiKey":"luminous-demo-key","campaignName":"welcome","destination":1e999,"userName":"A"}`, "application/json", "", true},
		{"\x00\xff", "application/json", "\x00", false},
		{`{"apiKey":"luminous-demo-key","campaignName":"welcome","destination":"4155550101","userName":"A","defaultCountryCode":"us","location":"{\"latitude\":1,\"longitude\":\"2\"}"}`, "application/json", "", false},
		{`{"apiKey":"luminous-demo-key","campaignName":"welcome","destination":"4155550101","userName":"A","defaultCountryCode":"XX","location":"[1]"}`, "application/json", "", true},
		{`{"apiKey":"luminous-demo-key","campaignName":"welcome","destination":"4155550101","userName":"A","defaultCountryCode":1,"location":"{\"latitude\":true}"}`, "application/json", "", false},
	}
	for _, s := range seeds {
		f.Add([]byte(s.body), s.ct, s.auth, s.v2)
	}
	// The demo dataset with credits that do not run out, so the fuzzer keeps reaching the
	// campaign rules instead of answering 402 after the thousandth accepted send.
	sim := newSim(f, bytes.Replace(fixtures.DemoYAML(), []byte("credits: 1000\n"), []byte("credits: 1000000000\n"), 1))
	f.Fuzz(func(t *testing.T, body []byte, contentType, auth string, v2 bool) {
		path := "/campaign/t1/api"
		if v2 {
			path += "/v2"
		}
		before := sim.Env().Store.Len()
		spent, contacts := luminousTally(t, sim)
		rec := do(sim, "POST", path, body, "Content-Type", contentType, "Authorization", auth)
		if rec.Code >= 500 {
			t.Fatalf("status %d for body %q: %s", rec.Code, body, rec.Body)
		}
		var answer struct {
			Message string `json:"message"`
			Success string `json:"success"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
			t.Fatalf("status %d answered with a body that is not JSON: %s", rec.Code, rec.Body)
		}
		switch {
		case rec.Code == http.StatusOK:
			if answer.Success != "true" || sim.Env().Store.Len() != before+1 {
				t.Fatalf("a 200 delivered %d messages: %s", sim.Env().Store.Len()-before, rec.Body)
			}
		case answer.Message == "":
			t.Fatalf("a %d has no message: %s", rec.Code, rec.Body)
		case sim.Env().Store.Len() != before:
			t.Fatalf("a refused request (%d) delivered messages", rec.Code)
		}
		spentAfter, contactsAfter := luminousTally(t, sim)
		switch {
		case rec.Code == http.StatusOK && (spentAfter != spent+1 || contactsAfter < contacts || contactsAfter > contacts+1):
			t.Fatalf("a 200 spent %d credits and made %d contacts", spentAfter-spent, contactsAfter-contacts)
		case rec.Code != http.StatusOK && (spentAfter != spent || contactsAfter != contacts):
			t.Fatalf("a refused request (%d) spent %d credits and made %d contacts", rec.Code, spentAfter-spent, contactsAfter-contacts)
		}
	})
}

// luminousTally is the credits spent and contacts held by every Luminous project, from the
// admin API.
func luminousTally(t *testing.T, sim http.Handler) (spent, contacts int64) {
	rec := do(sim, "GET", "/_sim/state/luminous", nil)
	state := gjson.ParseBytes(rec.Body.Bytes())
	for _, p := range state.Get("projects").Array() {
		spent += p.Get("creditsSpent").Int()
		contacts += p.Get("contacts.#").Int()
	}
	if rec.Code != http.StatusOK || !state.Get("projects").Exists() {
		t.Fatalf("GET /_sim/state/luminous: %d %s", rec.Code, rec.Body)
	}
	return spent, contacts
}
