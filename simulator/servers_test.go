package simulator_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/notifysim/notifysim/openapi"
)

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// TestServedSpecsReachTheSimulator does what a code generator or Postman does with a served spec:
// join each server URL with each path and call it. Every such URL must reach an operation of the
// simulator (the host is ignored; the server's path is not), so no client generated from
// /openapi/{name}.yaml calls a route that does not exist.
func TestServedSpecsReachTheSimulator(t *testing.T) {
	sim := newSim(t, nil)
	for _, name := range openapi.Names() {
		t.Run(name, func(t *testing.T) {
			rec := do(sim, http.MethodGet, "/openapi/"+name+".yaml", nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET /openapi/%s.yaml: %d", name, rec.Code)
			}
			doc, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.Servers) == 0 {
				t.Fatal("the spec lists no servers: a generated client would not know where to call")
			}
			for _, srv := range doc.Servers {
				for _, path := range doc.Paths.InMatchingOrder() {
					ops := doc.Paths.Value(path).Operations()
					methods := make([]string, 0, len(ops))
					for m := range ops {
						methods = append(methods, m)
					}
					sort.Strings(methods)
					for _, method := range methods {
						target := strings.TrimSuffix(srv.URL, "/") + pathParam.ReplaceAllString(path, "x")
						checkRouted(t, sim, method, target)
					}
				}
			}
		})
	}
}

// checkRouted calls target (an absolute URL) on h and fails unless an operation answered: the
// router's own 404 ("notifysim has no route") and 405 mean the URL matches nothing.
func checkRouted(t *testing.T, h http.Handler, method, target string) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Errorf("%s: %v", target, err)
		return
	}
	// Cancelled up front so that a streaming route (GET /_sim/events) returns at once.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest(method, u.Path, nil).WithContext(ctx)
	req.Host = u.Host
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code == http.StatusMethodNotAllowed || strings.Contains(rec.Body.String(), "notifysim has no route") {
		t.Errorf("%s %s (server %s%s) is not routed: %d %s", method, target, u.Scheme+"://", u.Host, rec.Code, rec.Body.String())
	}
}

// TestLumaAnswersWithAndWithoutVSA keeps both forms of the Luma route working: clients whose
// base URL is the vendor's {{ENDPOINT}} (ending in /vsa) and those configured without it.
func TestLumaAnswersWithAndWithoutVSA(t *testing.T) {
	sim := newSim(t, nil)
	for _, path := range []string{"/vsa/public/notifylumauser/message", "/public/notifylumauser/message"} {
		rec := do(sim, http.MethodPost, path, []byte(`{"recipients":{"contacts":"ruth"},"message":"hi"}`),
			"Authorization", "Bearer luma-demo-token", "Content-Type", "application/json")
		if rec.Code != http.StatusOK {
			t.Errorf("POST %s: %d %s", path, rec.Code, rec.Body.String())
		}
	}
	if rec := do(sim, http.MethodPost, "/vsa/vsa/public/notifylumauser/message", nil); rec.Code != http.StatusNotFound {
		t.Errorf("POST /vsa/vsa/public/...: %d, want 404", rec.Code)
	}
}
