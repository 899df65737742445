package simulator_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
)

// refuseTransport fails every callback at once: fuzzed bodies name arbitrary callback URLs, and
// the fuzzer must not reach out to them.
type refuseTransport struct{}

func (refuseTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("callbacks are disabled while fuzzing")
}

// FuzzMyKaarmaNotify drives the myKaarma notify route with arbitrary bodies, Authorization
// headers, content types and path users. Whatever comes in, the answer is below 500 and in the
// vendor's shape or Spring's default error body, and a refused request delivers nothing and calls
// nobody back.
func FuzzMyKaarmaNotify(f *testing.F) {
	const demo = "Basic bWstZGVtbzptay1kZW1vLXNlY3JldA==" // mk-demo:mk-demo-secret
	seeds := []struct{ body, auth, ct, user string }{
		{`{"messageAttributes": {"body": "hello"}}`, demo, "application/json", "DEFAULT"},
		{`{"messageAttributes": {"body": "string", "type": "DRAFT", "protocol": "TEXT", "purpose": "F", "isManual": true, "draftAttributes": {"draftStatus": "SCHEDULED"}, "attachments": [{"fileURL": "string"}]}, "notificationAttributes": {"internalSubscribersNotifierPop": true, "externalSubscribersNotifierPop": true, "threadOwnerNotifierPop": true, "sendPhoneNotification": true, "additionalNotifierNotificationDAUUIDs": ["string"], "notificationButtons": [{}], "bodyTagsForSpecialRendering": {}}, "messageSendingAttributesLite": {"delay": 0, "sendSynchronously": true, "callBackUrl": "string", "callBackMetadata": {}}}`, demo, "application/json", "default"},
		{`{"messageAttributes": {"body": "x"}, "messageSendingAttributesLite": {"delay": 2147483647, "callbackURL": "http://127.0.0.1:1/x"}}`, demo, "application/json", "0b1d6a4e-0000-4000-8000-0000000000a2"},
		{`{"messageAttributes": {"body": "x"}, "messageSendingAttributesLite": {"delay": -5}}`, demo, "application/json", "nobody"},
		{`{"messageAttributes": {"body": ""}}`, demo, "application/json", "DEFAULT"},
		{`{"messageAttributes": null}`, demo, "application/json", "DEFAULT"},
		{`null`, demo, "application/json", "DEFAULT"},
		{``, demo, "", "DEFAULT"},
		{`{"messageAttributes": {"body": 1, "type": "X", "tags": [null]}}`, demo, "application/json", "DEFAULT"},
		{`{"messageAttributes": {"body": "x", "metaData": {"a": []}}, "notificationAttributes": {"bodyTagsForSpecialRendering": {"A": 1}}}`, demo, "application/json", "DEFAULT"},
		{`{"messageAttributes":`, demo, "application/json", "DEFAULT"},
		{`[]`, demo, "application/json; charset=utf-8", "DEFAULT"},
		{`{}`, demo, "text/plain", "DEFAULT"},
		{`{}`, "Basic bWstbm9zY29wZTptay1ub3Njb3BlLXNlY3JldA==", "application/json", "DEFAULT"},
		{`{}`, "Basic %%%", "application/json", "DEFAULT"},
		{`{}`, "Bearer x", "application/json", "DEFAULT"},
		{`{}`, "", "application/json", "DEFAULT"},
		{"\x00\xff", "Basic \x00", "application/json", "%00"},
		{`{"messageAttributes": {"body":""}}`, demo, "application/json", "."}, // found by the fuzzer: a redirect, not a vendor answer
		// Nulls are read as absent, except in arrays and maps; integral delays in any notation.
		{`{"messageAttributes": {"body": "x", "type": null, "isManual": null, "attachments": [{"fileURL": null}]}, "notificationAttributes": null, "messageSendingAttributesLite": {"delay": null, "callBackUrl": null}}`, demo, "application/json", "DEFAULT"},
		{`{"messageAttributes": {"body": null, "tags": [null], "metaData": {"a": null}}}`, demo, "application/json", "DEFAULT"},
		{`{"messageAttributes": {"body": "x"}, "notificationAttributes": {"notificationButtons": [{"buttonTheme": null}, null]}}`, demo, "application/json", "DEFAULT"},
		{`{"messageAttributes": {"body": "x"}, "messageSendingAttributesLite": {"delay": 1e2, "callbackURL": "http://127.0.0.1:1/x"}}`, demo, "application/json", "DEFAULT"},
		{`{"messageAttributes": {"body": "x"}, "messageSendingAttributesLite": {"delay": 60.0, "sendSynchronously": true}}`, demo, "application/json", "DEFAULT"},
		{`{"messageAttributes": {"body": "x"}, "messageSendingAttributesLite": {"delay": 1e400}}`, demo, "application/json", "DEFAULT"},
		// Jackson's coercions, and strings it can't coerce.
		{`{"messageAttributes": {"body": 5, "isManual": "True", "subject": false}, "messageSendingAttributesLite": {"delay": "7", "sendSynchronously": "true"}}`, demo, "application/json", "DEFAULT"},
		{`{"messageAttributes": {"body": "x", "type": 4, "tags": [0]}, "messageSendingAttributesLite": {"delay": "", "sendSynchronously": ""}}`, demo, "application/json", "DEFAULT"},
		{`{"messageAttributes": {"body": "x"}, "messageSendingAttributesLite": {"delay": "9999999999", "sendSynchronously": 2}}`, demo, "application/json", "DEFAULT"},
		{`{"messageAttributes": {"body": "x"}, "messageSendingAttributesLite": {"delay": -1.9e0}}`, demo, "application/json", "DEFAULT"},
	}
	for _, s := range seeds {
		f.Add([]byte(s.body), s.auth, s.ct, s.user)
	}
	sim := newSim(f, nil)
	sim.Env().Callbacks.Client = &http.Client{Transport: refuseTransport{}}
	f.Fuzz(func(t *testing.T, body []byte, auth, contentType, user string) {
		before, callbacks := sim.Env().Store.Len(), len(sim.Env().Callbacks.List("mykaarma"))
		path := "/communications/department/0b1d6a4e-0000-4000-8000-000000000001/user/" + user + "/notify"
		req := []string{"Authorization", auth, "Content-Type", contentType}
		rec := do(sim, "POST", "/communications/department/0b1d6a4e-0000-4000-8000-000000000001/user/DEFAULT/notify", body, req...)
		if validPathSegment(user) {
			if rec.Code >= 500 {
				t.Fatalf("status %d for body %q: %s", rec.Code, body, rec.Body)
			}
			// The checks below are about the request to the fuzzed user alone.
			before, callbacks = sim.Env().Store.Len(), len(sim.Env().Callbacks.List("mykaarma"))
			rec = do(sim, "POST", path, body, req...)
		}
		if rec.Code >= 500 {
			t.Fatalf("status %d for body %q: %s", rec.Code, body, rec.Body)
		}
		if rec.Code == http.StatusNotFound {
			return // the user made the path unroutable
		}
		var out struct {
			Status any `json:"status"`
			Errors []struct {
				ErrorCode string `json:"errorCode"`
			} `json:"errors"`
			// Spring's default error body
			Error   string `json:"error"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("status %d answered outside the vendor's shape: %s", rec.Code, rec.Body)
		}
		spring := out.Error != "" && out.Message != "" && out.Status == float64(rec.Code)
		switch {
		case rec.Code == http.StatusOK && out.Status != "SUCCESS":
			t.Fatalf("200 without SUCCESS: %s", rec.Body)
		case rec.Code >= 400 && !spring && (len(out.Errors) == 0 || out.Errors[0].ErrorCode == ""):
			t.Fatalf("a %d names no error code and is not Spring's error body: %s", rec.Code, rec.Body)
		case rec.Code >= 400 && sim.Env().Store.Len() != before:
			t.Fatalf("a refused request (%d) delivered messages", rec.Code)
		case rec.Code >= 400 && len(sim.Env().Callbacks.List("mykaarma")) != callbacks:
			t.Fatalf("a refused request (%d) queued a callback", rec.Code)
		}
	})
}

// validPathSegment keeps fuzzed users that httptest.NewRequest can put in a URL and the router
// keeps as they are ("." and ".." are cleaned away with a redirect before any vendor sees them).
func validPathSegment(s string) bool {
	if s == "" || s == "." || s == ".." {
		return false
	}
	for _, c := range []byte(s) {
		if c <= ' ' || c >= 0x7f || c == '/' || c == '?' || c == '#' || c == '%' {
			return false
		}
	}
	return true
}
