package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestKoreToken(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		secret  string
		code    int
		claims  map[string]any
		stderr  string
		noToken bool
	}{
		{name: "the demo app by default", args: []string{"token"}, secret: "demo-app-secret", claims: map[string]any{"appId": "cs-demo-app"}},
		{name: "another app with sub and jti", args: []string{"token", "--client-id", "cs-x", "--client-secret", "s3", "--sub", "42", "--jti", "j1"},
			secret: "s3", claims: map[string]any{"appId": "cs-x", "sub": "42", "jti": "j1"}},
		{name: "a ttl sets exp", args: []string{"token", "--ttl", "1h"}, secret: "demo-app-secret", claims: map[string]any{"appId": "cs-demo-app"}},
		{name: "a negative ttl mints an expired token", args: []string{"token", "--ttl", "-1h"}, secret: "demo-app-secret", claims: map[string]any{"appId": "cs-demo-app"}},
		{name: "an empty secret", args: []string{"token", "--client-secret", ""}, code: 2, stderr: "must not be empty", noToken: true},
		{name: "an unknown command", args: []string{"mint"}, code: 2, stderr: "unknown command", noToken: true},
		{name: "no command", args: nil, code: 2, stderr: "kore token", noToken: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := kore(tt.args, &out, &errb); code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.code, errb.String())
			}
			if !strings.Contains(errb.String(), tt.stderr) {
				t.Errorf("stderr %q does not contain %q", errb.String(), tt.stderr)
			}
			if tt.noToken {
				return
			}
			claims := jwt.MapClaims{}
			_, err := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithoutClaimsValidation()).ParseWithClaims(strings.TrimSpace(out.String()), claims,
				func(*jwt.Token) (any, error) { return []byte(tt.secret), nil })
			if err != nil {
				t.Fatalf("token %q: %v", out.String(), err)
			}
			for k, v := range tt.claims {
				if claims[k] != v {
					t.Errorf("claim %s = %v, want %v", k, claims[k], v)
				}
			}
			exp, ok := claims["exp"].(float64)
			if ok != strings.Contains(strings.Join(tt.args, " "), "--ttl") {
				t.Errorf("exp present = %v with args %v", ok, tt.args)
			}
			if expired := ok && int64(exp) < time.Now().Unix(); expired != strings.Contains(strings.Join(tt.args, " "), "--ttl -") {
				t.Errorf("token expired = %v with args %v", expired, tt.args)
			}
		})
	}
}
