package passwordreset

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/notifysim/notifysim/contracts"
	"github.com/notifysim/notifysim/simulator"
	"github.com/notifysim/notifysim/simulator/client"
)

// sandbox is the Luma the tests talk to: a running notifysim when NOTIFYSIM_URL names one (as
// the CI workflow does), else an in-process one. inbox counts what a recipient got.
func sandbox(t *testing.T) (base string, inbox func(recipient, text string) int) {
	t.Helper()
	if url := os.Getenv("NOTIFYSIM_URL"); url != "" {
		c, err := client.New(url)
		if err != nil {
			t.Fatal(err)
		}
		return url, func(recipient, text string) int {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			list, err := c.Messages(ctx, client.MessageFilter{Vendor: "luma", Recipient: recipient, Text: text})
			if err != nil {
				t.Fatal(err)
			}
			return list.Total
		}
	}
	sim := simulator.RunT(t)
	return sim.URL(), func(recipient, text string) int {
		return len(sim.Messages(simulator.Filter{Vendor: "luma", Recipient: recipient, Text: text}))
	}
}

func TestResetCodes(t *testing.T) {
	base, inbox := sandbox(t)
	tests := []struct {
		name, token, login string
		wantStatus         int
		wantMessages       int
	}{
		{"a user gets the code", "luma-demo-token", "sam.phyll", http.StatusAccepted, 1},
		{"an unknown user is a 404 and nobody is notified", "luma-demo-token", "sam.nobody", http.StatusNotFound, 0},
		{"a wrong token is Luma's failure, not the user's", "wrong-token", "ruth", http.StatusBadGateway, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code := "R" + strings.ReplaceAll(tc.name, " ", "")[:6]
			svc := &Service{LumaURL: base + "/vsa", Token: tc.token, NewCode: func() string { return code }}
			srv := httptest.NewServer(svc)
			defer srv.Close()
			resp, err := http.Post(srv.URL, "application/json", strings.NewReader(`{"login": "`+tc.login+`"}`))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			if got := inbox(tc.login, code); got != tc.wantMessages {
				t.Errorf("%s got %d messages with the code, want %d", tc.login, got, tc.wantMessages)
			}
		})
	}
}

func TestBadRequests(t *testing.T) {
	svc := &Service{LumaURL: "http://127.0.0.1:1/vsa", Token: "unused"}
	for _, body := range []string{``, `{}`, `{"login": "  "}`, `[1]`} {
		rec := httptest.NewRecorder()
		svc.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body)))
		if rec.Code != http.StatusBadRequest {
			t.Errorf("body %q: status %d, want 400", body, rec.Code)
		}
	}
}

// TestContract runs the feature file this service relies on, as `notifysim verify --features
// contracts/examples/passwordreset/features` does.
func TestContract(t *testing.T) {
	opts := contracts.Options{FS: os.DirFS("features"), FilePrefix: "features/", TestingT: t}
	if url := os.Getenv("NOTIFYSIM_URL"); url != "" {
		opts.Target, opts.Reset = url, true
	}
	if status := contracts.Run(opts); status != contracts.Passed {
		t.Fatalf("the password-reset contract failed (status %d)", status)
	}
}
