package main

import (
	"strings"
	"testing"
)

func TestByteSize(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		err  bool
	}{
		{"67108864", 64 << 20, false},
		{"64MiB", 64 << 20, false},
		{"64mib", 64 << 20, false},
		{"64 MiB", 64 << 20, false},
		{"512KiB", 512 << 10, false},
		{"1GiB", 1 << 30, false},
		{"10MB", 10_000_000, false},
		{"2k", 2048, false},
		{"100b", 100, false},
		{"0", 0, true},
		{"-1MiB", 0, true},
		{"12x", 0, true},
		{"MiB", 0, true},
		{"99999999999GiB", 0, true},
		{"", 0, true},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			var b byteSize
			err := b.Set(c.in)
			if c.err {
				if err == nil || !strings.Contains(err.Error(), "64MiB") {
					t.Fatalf("Set(%q) = %v, want an error showing a valid size", c.in, err)
				}
				return
			}
			if err != nil || int64(b) != c.want {
				t.Fatalf("Set(%q) = %d, %v; want %d", c.in, b, err, c.want)
			}
		})
	}
	b := byteSize(64 << 20)
	if b.String() != "64MiB" {
		t.Errorf("String() = %s, want 64MiB", b.String())
	}
}

// FuzzByteSize: any input either parses to a positive size that prints and parses back to the
// same value, or is refused; never a panic or a negative size.
func FuzzByteSize(f *testing.F) {
	for _, s := range []string{"64MiB", "1", "9223372036854775807", "4611686018427387904b", "1GB", "k"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b byteSize
		if err := b.Set(s); err != nil {
			return
		}
		if b < 1 {
			t.Fatalf("Set(%q) gave %d", s, b)
		}
		var again byteSize
		if err := again.Set(b.String()); err != nil || again != b {
			t.Fatalf("%q → %s → %d, %v", s, b.String(), again, err)
		}
	})
}
