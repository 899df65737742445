package simulator

import (
	"context"
	"encoding/base64"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/notifysim/notifysim/simulator/flow"
)

// TestHostileRequestsStayInsideTheSpecs sends every operation of every spec the requests the
// server refuses before a handler runs (bad query parameters, malformed JSON, a JSON null or
// array, a body over the limit, a body that is not JSON), with no credentials and with the demo
// ones, to a strict simulator. Every answer must be one the operation's spec lists: --strict
// turns any other into a 500, which is what a user of `serve --strict` would see.
func TestHostileRequestsStayInsideTheSpecs(t *testing.T) {
	var mu sync.Mutex
	var violations []string
	s, err := New(Options{Strict: true, Seed: 1, OnSpecViolation: func(err error) {
		mu.Lock()
		violations = append(violations, err.Error())
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	big := strings.Repeat("a", DefaultMaxBodyBytes+1)
	bodies := []struct{ name, contentType, body string }{
		{"no body", "", ""},
		{"malformed JSON", "application/json", `{"a":`},
		{"trailing garbage", "application/json", `{} x`},
		{"JSON null", "application/json", `null`},
		{"JSON array", "application/json", `[1,2]`},
		{"out-of-range number", "application/json", `{"a":1e999}`},
		{"not JSON", "text/plain", `{}`},
		{"over the limit", "application/json", big},
	}
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("mk-demo:mk-demo-secret"))
	auths := []string{"", "Bearer luma-demo-token", basic}
	const hostileQuery = "vendor=x&limit=-1&since=garbage&wait=10h&count=0&status=abc&failed=maybe&types=%00&q=%FF"
	param := regexp.MustCompile(`\{[^}]+\}`)

	for name, doc := range s.specs {
		for path, item := range doc.Paths.Map() {
			for method := range item.Operations() {
				target := param.ReplaceAllString(path, "x")
				for _, query := range []string{"", hostileQuery} {
					for _, b := range bodies {
						for _, auth := range auths {
							ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond) // ends an event stream
							req := httptest.NewRequestWithContext(ctx, method, "http://127.0.0.1"+target+"?"+query, strings.NewReader(b.body))
							if b.contentType != "" {
								req.Header.Set("Content-Type", b.contentType)
							}
							if auth != "" {
								req.Header.Set("Authorization", auth)
							}
							rec := httptest.NewRecorder()
							s.ServeHTTP(rec, req)
							cancel()
							if rec.Code >= 500 {
								t.Errorf("%s: %s %s?%s, %s, auth %q: %d %s", name, method, target, query, b.name, auth, rec.Code, flow.Truncate(rec.Body.Bytes(), 300))
							}
						}
					}
				}
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, v := range violations {
		t.Errorf("spec violation: %.300s", v)
	}
}
