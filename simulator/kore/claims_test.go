package kore

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The public routes read the app from appId only, as the docs say the platform does; iss, where
// the Web SDK's token services name the app, is not a substitute.
func TestClientIDReadsAppIDOnly(t *testing.T) {
	tests := []struct {
		name    string
		claims  string
		want    string
		problem string
	}{
		{"appId", `{"appId": "cs-a"}`, "cs-a", ""},
		{"iss only", `{"iss": "cs-b", "sub": "u"}`, "", "appId only, spelled exactly so"},
		{"both", `{"appId": "cs-a", "iss": "cs-b"}`, "cs-a", ""},
		{"numeric appId", `{"appId": 1, "iss": "cs-b"}`, "", "appId claim must be a string"},
		{"appID spelled otherwise", `{"appID": "cs-a"}`, "", "spelled exactly appId"},
		{"neither", `{"sub": "u"}`, "", "no appId claim"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c jwt.MapClaims
			if err := json.Unmarshal([]byte(tt.claims), &c); err != nil {
				t.Fatal(err)
			}
			got, problem := clientID(c)
			if got != tt.want || (tt.problem == "") != (problem == "") || !strings.Contains(problem, tt.problem) {
				t.Fatalf("clientID(%s) = %q, %q; want %q, %q", tt.claims, got, problem, tt.want, tt.problem)
			}
		})
	}
}

func TestCheckTimesReadsSecondsAndMilliseconds(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	sec, ms := now.Unix(), now.UnixMilli()
	tests := []struct {
		name   string
		claims map[string]any
		want   string // "" accepted, else a part of the reason
	}{
		{"no times", map[string]any{}, ""},
		{"exp in seconds, ahead", map[string]any{"exp": float64(sec + 60)}, ""},
		{"exp in seconds, passed", map[string]any{"exp": float64(sec - 60)}, "expired"},
		{"exp equal to now", map[string]any{"exp": float64(sec)}, "expired"},
		{"exp in ms, ahead", map[string]any{"exp": float64(ms + 60_000)}, ""},
		{"exp in ms, passed", map[string]any{"exp": float64(ms - 60_000)}, "expired"},
		{"nbf in ms, reached", map[string]any{"nbf": float64(ms - 1000)}, ""},
		{"nbf in ms, ahead", map[string]any{"nbf": float64(ms + 60_000)}, "not valid yet"},
		{"nbf in seconds, ahead", map[string]any{"nbf": float64(sec + 60)}, "not valid yet"},
		{"iat in ms is not checked", map[string]any{"iat": float64(ms + 60_000), "exp": float64(ms + 120_000)}, ""},
		{"exp as json.Number", map[string]any{"exp": json.Number("1893456060")}, ""},
		{"exp as a string", map[string]any{"exp": "tomorrow"}, "must be a number"},
		{"exp negative", map[string]any{"exp": float64(-1)}, "is not a time"},
		{"exp absurd", map[string]any{"exp": 1e300}, "is not a time"},
		{"exp null", map[string]any{"exp": nil}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checkTimes(jwt.MapClaims(tt.claims), now)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Fatalf("checkTimes(%v) = %q, want %q", tt.claims, got, tt.want)
			}
		})
	}
}
