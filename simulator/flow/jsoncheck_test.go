package flow

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestJSONError(t *testing.T) {
	tests := []struct {
		name, body string
	}{
		{"object", `{"a": 1, "b": [1.5, -2e3, "x"], "c": null}`},
		{"out of range", `{"a": 1e999}`},
		{"negative out of range", `[-1E+400]`},
		{"in range exponent", `{"a": 1e308}`},
		{"tiny underflows to zero", `{"a": 1e-400}`},
		{"digits in a string", `{"a": "1e999"}`},
		{"escaped quote then number", `{"a": "x\"", "b": 1e999}`},
		{"long literal", `[` + strings.Repeat("9", 400) + `]`},
		{"long literal in range", `[` + strings.Repeat("9", 300) + `]`},
		{"broken", `{"a": }`},
		{"empty", ``},
		{"bare number", `12`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var probe any
			want := json.Unmarshal([]byte(tt.body), &probe) == nil
			if got := quickUsable([]byte(tt.body)); got != want {
				t.Errorf("quickUsable(%s) = %v; decoding says %v", tt.body, got, want)
			}
			if err := jsonError([]byte(tt.body)); (err == nil) != want {
				t.Errorf("jsonError(%s) = %v; decoding says usable=%v", tt.body, err, want)
			}
		})
	}
}

func FuzzJSONError(f *testing.F) {
	for _, s := range []string{`{"a": 1e999}`, `{"a":"\\\"", "b": -0.5e-3}`, `[1,2,3]`, `"x"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var probe any
		want := json.Unmarshal([]byte(body), &probe) == nil
		if got := quickUsable([]byte(body)); got != want {
			t.Fatalf("quickUsable(%q) = %v; decoding says %v", body, got, want)
		}
	})
}
