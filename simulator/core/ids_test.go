package core

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
)

func TestIDsSeededSequenceRepeats(t *testing.T) {
	sequence := func(g *IDs) []string {
		return []string{g.UUID(), g.Hex(4), g.Base64URL(9), string(rune('a' + g.Intn(26))), strings.Repeat("x", g.Intn(5))}
	}
	a, b := sequence(NewIDs(42)), sequence(NewIDs(42))
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("step %d: seed 42 gave %q then %q", i, a[i], b[i])
		}
	}
	if NewIDs(42).UUID() == NewIDs(43).UUID() {
		t.Error("seeds 42 and 43 gave the same first UUID")
	}
	if NewIDs(0).UUID() == NewIDs(0).UUID() {
		t.Error("two random-seeded generators gave the same first UUID")
	}
	g := NewIDs(7)
	if g.UUID() == g.UUID() {
		t.Error("one generator repeated a UUID")
	}
}

func TestIDsFormats(t *testing.T) {
	g := NewIDs(1)
	for i := 0; i < 200; i++ {
		s := g.UUID()
		u, err := uuid.Parse(s)
		if err != nil {
			t.Fatalf("UUID %q does not parse: %v", s, err)
		}
		if u.Version() != 4 || u.Variant() != uuid.RFC4122 {
			t.Fatalf("UUID %q is version %d variant %v, want 4 RFC4122", s, u.Version(), u.Variant())
		}
		if s != strings.ToLower(s) || len(s) != 36 {
			t.Fatalf("UUID %q is not the canonical lower-case form", s)
		}
	}
	tests := []struct {
		n       int
		b64Len  int
		hexLen  int
		wantErr bool
	}{
		{0, 0, 0, false}, {1, 2, 2, false}, {3, 4, 6, false}, {16, 22, 32, false}, {32, 43, 64, false},
	}
	for _, tc := range tests {
		b := g.Base64URL(tc.n)
		if len(b) != tc.b64Len {
			t.Errorf("Base64URL(%d) = %q, length %d, want %d", tc.n, b, len(b), tc.b64Len)
		}
		if strings.ContainsAny(b, "+/=") {
			t.Errorf("Base64URL(%d) = %q is not unpadded URL-safe", tc.n, b)
		}
		if raw, err := base64.RawURLEncoding.DecodeString(b); err != nil || len(raw) != tc.n {
			t.Errorf("Base64URL(%d) decodes to %d bytes, err %v", tc.n, len(raw), err)
		}
		h := g.Hex(tc.n)
		if len(h) != tc.hexLen {
			t.Errorf("Hex(%d) length %d, want %d", tc.n, len(h), tc.hexLen)
		}
		if _, err := hex.DecodeString(h); err != nil || h != strings.ToLower(h) {
			t.Errorf("Hex(%d) = %q is not lower-case hex", tc.n, h)
		}
	}
	for i := 0; i < 1000; i++ {
		if n := g.Intn(7); n < 0 || n >= 7 {
			t.Fatalf("Intn(7) = %d", n)
		}
		if f := g.Float64(); f < 0 || f >= 1 {
			t.Fatalf("Float64() = %v", f)
		}
	}
}

func TestIDsConcurrent(t *testing.T) {
	g := NewIDs(99)
	const workers, each = 8, 200
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]string, 0, each)
			for i := 0; i < each; i++ {
				local = append(local, g.UUID())
				g.Float64()
				g.Intn(10)
			}
			mu.Lock()
			for _, id := range local {
				seen[id] = true
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(seen) != workers*each {
		t.Errorf("%d distinct UUIDs from %d calls", len(seen), workers*each)
	}
}

// TestPrefixedUUIDIsPrefixAndUUID: the one-string form gives prefix + UUID(), from the same
// random bytes.
func TestPrefixedUUIDIsPrefixAndUUID(t *testing.T) {
	a, b := NewIDs(7), NewIDs(7)
	for range 50 {
		if got, want := a.PrefixedUUID("nl-"), "nl-"+b.UUID(); got != want {
			t.Fatalf("PrefixedUUID = %s, want %s", got, want)
		}
	}
	if allocs := testing.AllocsPerRun(100, func() { a.PrefixedUUID("ms-") }); allocs != 1 {
		t.Errorf("PrefixedUUID took %.0f allocations, want 1", allocs)
	}
}
