package simulator_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"unicode/utf8"

	"github.com/notifysim/notifysim/simulator"
)

// FuzzLumaNotify drives the Luma route with arbitrary bodies, tokens and content types. Whatever
// comes in, the answer is a Luma envelope with a status below 500, and a refused request
// delivers nothing.
func FuzzLumaNotify(f *testing.F) {
	seeds := []struct{ body, auth, ct string }{
		{`{"recipients": {"contacts": "0", "roles": "-3"}, "responseType": "TEXT", "message": "Exchange is down"}`, "Bearer luma-demo-token", "application/json"},
		{`{"recipients": {"contacts": ["sam.phyll", "ruth"]}, "template_id": 1002, "message": "x"}`, "Bearer luma-demo-token", "application/json"},
		{`{"recipients": {"contacts": "sam.nobody"}, "message": "x"}`, "Bearer luma-demo-token", "application/json"},
		{`{"recipients": {"contacts": 5, "roles": {}}, "message": 7}`, "Bearer luma-demo-token", "application/json"},
		{`{"recipients": {"contacts": [null, 1.5e300, true]}, "roles": [[-1]], "message": "x"}`, "Bearer luma-demo-token", "application/json"},
		{`{"recipients": {"contacts": "0", "roles": "-1e9"}, "template_id": -1.5, "message": "x"}`, "Bearer luma-demo-token", "application/json"},
		{`{"recipients": {"contacts": "ruth"}, "responseType": "image", "message": "http://[::1"}`, "Bearer luma-demo-token", "application/json"},
		{`[1,2,3]`, "Bearer luma-demo-token", "application/json"},
		{`{"recipients":`, "Bearer luma-demo-token", "application/json"},
		{`{}`, "Bearer luma-demo-token", "application/json; charset=utf-8"},
		{`{}`, "Bearer luma-demo-token", "text/plain"},
		{`{}`, "luma-demo-token", "application/json"},
		{``, "Bearer ", ""},
		{"\x00\xff", "Bearer \x00", "application/json"},
		{`{"recipients": {"contacts": ["0", "sam.phyll"], "roles": "Administrator, guest user"}, "message": "x"}`, "Bearer luma-demo-token", "application/json"},
		{`{"recipients": {"contacts": "0", "roles": "Self-service"}, "responseType": "application/json", "message": "{\"a\": [1, 2]}"}`, "Bearer luma-demo-token", "application/json"},
		{`{"recipients": {"contacts": "ruth"}, "responseType": "APPLICATION/JSON", "message": "not json"}`, "Bearer luma-demo-token", "application/json"},
	}
	for _, s := range seeds {
		f.Add([]byte(s.body), s.auth, s.ct)
	}
	// Strict: an answer outside the spec becomes a 500, which fails the target.
	sim, err := simulator.New(simulator.Options{Strict: true, Seed: 7})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(sim.Close)
	f.Fuzz(func(t *testing.T, body []byte, auth, contentType string) {
		before := sim.Env().Store.Len()
		rec := do(sim, "POST", "/vsa/public/notifylumauser/message", body, "Authorization", auth, "Content-Type", contentType)
		if rec.Code >= 500 {
			t.Fatalf("status %d for body %q: %s", rec.Code, body, rec.Body)
		}
		if rec.Code == http.StatusNoContent {
			t.Fatalf("204 for body %q: nobody selected is a 200 with data []", body)
		}
		var env struct {
			Status  int               `json:"status"`
			Message string            `json:"message"`
			Errors  []string          `json:"errors"`
			Data    []json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Status != rec.Code || env.Message == "" {
			t.Fatalf("status %d answered outside the Luma envelope: %s", rec.Code, rec.Body)
		}
		if rec.Code == http.StatusOK && len(env.Data) != sim.Env().Store.Len()-before {
			t.Fatalf("data has %d entries for %d messages delivered: %s", len(env.Data), sim.Env().Store.Len()-before, rec.Body)
		}
		if rec.Code != http.StatusOK && sim.Env().Store.Len() != before {
			t.Fatalf("a refused request (%d) delivered messages", rec.Code)
		}
		if rec.Code >= 400 && len(env.Errors) == 0 {
			t.Fatalf("a %d names no error: %s", rec.Code, rec.Body)
		}
		// Whatever is stored is echoed by /_sim: it must be UTF-8 a strict parser can read.
		if rec.Code == http.StatusOK && !utf8.Valid(body) {
			t.Fatalf("a body that is not UTF-8 was accepted: %q", body)
		}
	})
}
