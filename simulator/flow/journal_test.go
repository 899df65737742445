package flow

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestFlatHeaders checks what a journal entry keeps of the request's headers: every header
// joined, long values cut saying by how much, and past JournalHeaders only the first names in
// order with a count of the rest.
func TestFlatHeaders(t *testing.T) {
	many := http.Header{}
	for i := range JournalHeaders + 5 {
		many.Set(fmt.Sprintf("X-H%03d", i), "v")
	}
	tests := []struct {
		name  string
		in    http.Header
		check func(t *testing.T, out map[string]string)
	}{
		{"values joined", http.Header{"Accept": {"a", "b"}, "Auth": {"x"}}, func(t *testing.T, out map[string]string) {
			if len(out) != 2 || out["Accept"] != "a, b" || out["Auth"] != "x" {
				t.Errorf("got %v", out)
			}
		}},
		{"long value cut", http.Header{"Big": {strings.Repeat("x", JournalHeaderBytes+7)}}, func(t *testing.T, out map[string]string) {
			want := strings.Repeat("x", JournalHeaderBytes) + "… (7 bytes more)"
			if out["Big"] != want {
				t.Errorf("got %d bytes ending %q", len(out["Big"]), out["Big"][len(out["Big"])-20:])
			}
		}},
		{"too many headers", many, func(t *testing.T, out map[string]string) {
			if len(out) != JournalHeaders+1 || out["…"] != "5 more headers" {
				t.Errorf("%d headers kept, marker %q", len(out), out["…"])
			}
			if _, ok := out[fmt.Sprintf("X-H%03d", JournalHeaders-1)]; !ok {
				t.Errorf("the first %d names in order are not all kept", JournalHeaders)
			}
			if _, ok := out[fmt.Sprintf("X-H%03d", JournalHeaders)]; ok {
				t.Errorf("a name past the first %d is kept", JournalHeaders)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, flatHeaders(tt.in)) })
	}
}
