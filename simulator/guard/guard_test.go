package guard

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCheckWithoutToken(t *testing.T) {
	tests := []struct {
		name    string
		method  string
		host    string
		headers map[string]string
		want    int // 0: allowed
		reason  string
	}{
		{name: "loopback IPv4 read", method: "GET", host: "127.0.0.1:4545"},
		{name: "other 127/8 address", method: "GET", host: "127.9.9.9:4545"},
		{name: "localhost read", method: "GET", host: "localhost:4545"},
		{name: "localhost with a trailing dot", method: "GET", host: "localhost.:4545"},
		{name: "name under .localhost", method: "GET", host: "app.localhost:4545"},
		{name: "IPv6 loopback", method: "GET", host: "[::1]:4545"},
		{name: "no port", method: "GET", host: "localhost"},
		{name: "rebound name", method: "GET", host: "evil.example:4545", want: 403, reason: "not a loopback"},
		{name: "LAN address", method: "GET", host: "192.168.1.10:4545", want: 403, reason: "--admin-token"},
		{name: "name that only starts like localhost", method: "GET", host: "localhost.evil.example", want: 403},
		{name: "empty Host", method: "GET", host: "", want: 403},
		{name: "plain POST from curl", method: "POST", host: "127.0.0.1:4545"},
		{name: "JSON POST", method: "POST", host: "127.0.0.1:4545", headers: map[string]string{"Content-Type": "application/json"}},
		{name: "YAML PUT", method: "PUT", host: "127.0.0.1:4545", headers: map[string]string{"Content-Type": "application/yaml"}},
		{name: "own origin", method: "POST", host: "127.0.0.1:4545", headers: map[string]string{"Origin": "http://127.0.0.1:4545"}},
		{name: "foreign origin", method: "POST", host: "127.0.0.1:4545", headers: map[string]string{"Origin": "http://evil"}, want: 403, reason: `Origin "http://evil"`},
		{name: "origin on another port", method: "DELETE", host: "127.0.0.1:4545", headers: map[string]string{"Origin": "http://127.0.0.1:8080"}, want: 403},
		{name: "null origin", method: "POST", host: "localhost:4545", headers: map[string]string{"Origin": "null"}, want: 403},
		{name: "https origin of the same host", method: "POST", host: "localhost:4545", headers: map[string]string{"Origin": "https://localhost:4545"}, want: 403},
		{name: "foreign origin may read", method: "GET", host: "localhost:4545", headers: map[string]string{"Origin": "http://evil"}},
		{name: "cross-site fetch metadata", method: "POST", host: "localhost:4545", headers: map[string]string{"Sec-Fetch-Site": "cross-site"}, want: 403, reason: "Sec-Fetch-Site"},
		{name: "same-site fetch metadata", method: "POST", host: "localhost:4545", headers: map[string]string{"Sec-Fetch-Site": "same-site"}, want: 403},
		{name: "same-origin fetch metadata", method: "POST", host: "localhost:4545", headers: map[string]string{"Sec-Fetch-Site": "same-origin"}},
		{name: "user-typed fetch metadata", method: "POST", host: "localhost:4545", headers: map[string]string{"Sec-Fetch-Site": "none"}},
		{name: "text/plain POST", method: "POST", host: "127.0.0.1:4545", headers: map[string]string{"Content-Type": "text/plain"}, want: 415, reason: "cross-site"},
		{name: "form POST", method: "POST", host: "127.0.0.1:4545", headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, want: 415, reason: "application/json"},
		{name: "multipart PUT", method: "PUT", host: "127.0.0.1:4545", headers: map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, want: 415},
		{name: "upper-case text/plain", method: "POST", host: "127.0.0.1:4545", headers: map[string]string{"Content-Type": "TEXT/PLAIN; charset=utf-8"}, want: 415},
		{name: "unparseable content type", method: "POST", host: "127.0.0.1:4545", headers: map[string]string{"Content-Type": ";;"}, want: 415},
		{name: "text/plain GET", method: "GET", host: "127.0.0.1:4545", headers: map[string]string{"Content-Type": "text/plain"}},
	}
	g := New("")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "/_sim/reset", nil)
			r.Host = tt.host
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			checkRefusal(t, g.Check(r), tt.want, tt.reason)
		})
	}
}

func TestCheckWithToken(t *testing.T) {
	tests := []struct {
		name, auth string
		want       int
		reason     string
		challenge  string
	}{
		{name: "right token", auth: "Bearer s3cret"},
		{name: "scheme in any case", auth: "bearer s3cret"},
		{name: "no header", want: 401, reason: "--admin-token", challenge: `Bearer realm="notifysim /_sim"`},
		{name: "wrong token", auth: "Bearer nope", want: 401, reason: "not this sandbox's", challenge: `error="invalid_token"`},
		{name: "token without scheme", auth: "s3cret", want: 401, reason: "Bearer <token>", challenge: `error="invalid_request"`},
		{name: "basic auth", auth: "Basic czNjcmV0Og==", want: 401, challenge: "invalid_request"},
		{name: "prefix of the token", auth: "Bearer s3c", want: 401},
	}
	g := New("s3cret")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A foreign host and origin don't matter once the token is right: the sandbox was
			// exposed on purpose, and no page can add the header cross-site.
			r := httptest.NewRequest("POST", "/_sim/reset", strings.NewReader("x"))
			r.Host = "sandbox.team.example:4545"
			r.Header.Set("Origin", "http://elsewhere.example")
			if tt.auth != "" {
				r.Header.Set("Authorization", tt.auth)
			}
			ref := g.Check(r)
			checkRefusal(t, ref, tt.want, tt.reason)
			if ref != nil && !strings.Contains(ref.Challenge, tt.challenge) {
				t.Errorf("challenge %q, want it to contain %q", ref.Challenge, tt.challenge)
			}
		})
	}
}

func checkRefusal(t *testing.T, ref *Refusal, want int, reason string) {
	t.Helper()
	switch {
	case want == 0 && ref != nil:
		t.Fatalf("refused with %d: %s", ref.Status, ref.Reason)
	case want == 0:
		return
	case ref == nil:
		t.Fatalf("allowed, want %d", want)
	case ref.Status != want:
		t.Errorf("status %d, want %d (%s)", ref.Status, want, ref.Reason)
	}
	if !strings.Contains(ref.Reason, reason) {
		t.Errorf("reason %q does not contain %q", ref.Reason, reason)
	}
}

func TestProtects(t *testing.T) {
	for path, want := range map[string]bool{
		"/_sim": true, "/_sim/reset": true, "/_sim/events": true,
		"/_simulator": false, "/openapi/admin.yaml": false, "/vsa/public/notifylumauser/message": false, "/": false,
	} {
		if got := Protects(path); got != want {
			t.Errorf("Protects(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestLoopbackAddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:4545": true, "localhost:0": true, "[::1]:4545": true, "127.0.0.2:80": true,
		":4545": false, "0.0.0.0:4545": false, "[::]:4545": false, "192.168.0.2:4545": false,
		"sandbox.example:4545": false, "127.0.0.1": false,
	} {
		if got := LoopbackAddr(addr); got != want {
			t.Errorf("LoopbackAddr(%q) = %v, want %v", addr, got, want)
		}
	}
}

func ExampleGuard_Check() {
	g := New("s3cret")
	r := httptest.NewRequest(http.MethodGet, "http://sandbox.example:4545/_sim/fixtures", nil)
	if ref := g.Check(r); ref != nil {
		fmt.Println(ref.Status, ref.Challenge)
	}
	r.Header.Set("Authorization", "Bearer s3cret")
	if g.Check(r) == nil {
		fmt.Println("allowed")
	}
	// Output:
	// 401 Bearer realm="notifysim /_sim"
	// allowed
}

func TestCheckToken(t *testing.T) {
	tests := []struct {
		token string
		want  string // in the error; "" for none
	}{
		{"", ""},
		{"s3cret", ""},
		{"two words", ""},
		{" ", "is blank"},
		{"\t\n", "is blank"},
		{" s3cret", "starts or ends with white space"},
		{"s3cret\n", "starts or ends with white space"},
	}
	for _, tc := range tests {
		err := CheckToken(tc.token)
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("CheckToken(%q) = %v, want %q", tc.token, err, tc.want)
		}
	}
}
