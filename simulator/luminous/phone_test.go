package luminous

import "testing"

func TestNormalizeNumberInRegion(t *testing.T) {
	tests := []struct {
		in, region, want string // want "" means Invalid Number
	}{
		{"4155550101", "US", "+14155550101"},
		{"(415) 555-0101", "US", "+14155550101"},
		{"4155550101", "IN", "+914155550101"},
		{"02071838750", "GB", "+442071838750"},
		{"+256751351363", "US", "+256751351363"},
		{"919876543210", "US", "+919876543210"},
		{"9876543210", "US", ""},
		{"12345", "US", ""},
	}
	for _, tt := range tests {
		t.Run(tt.region+"/"+tt.in, func(t *testing.T) {
			got, err := NormalizeNumberIn(tt.in, tt.region)
			if (tt.want == "") != (err != nil) || got != tt.want {
				t.Fatalf("NormalizeNumberIn(%q, %s) = %q, %v; want %q", tt.in, tt.region, got, err, tt.want)
			}
		})
	}
}

func TestCountryCode(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"US", "US", true}, {" us ", "US", true}, {"IN", "IN", true}, {"gb", "GB", true},
		{"XX", "", false}, {"USA", "", false}, {"+1", "", false}, {"", "", false}, {"U", "", false}, {"001", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := CountryCode(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("CountryCode(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestLooksLikePhoneAndNormalizeRecipient(t *testing.T) {
	v := newVendor(t)
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"919876543210", "+919876543210", true},
		{"+91 98765 43210", "+919876543210", true},
		{"(415) 555-0100", "+914155550100", true},
		{"256751351363", "+256751351363", true},
		{"sam.phyll", "", false},
		{"alice@example.com", "", false},
		{"0b1d6a4e-0000-4000-8000-0000000000a1", "", false},
		{"12345", "", false},
		{"1234567", "", false}, // phone-like, but a number nowhere
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := v.NormalizeRecipient(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("NormalizeRecipient(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func FuzzNormalizeNumberIn(f *testing.F) {
	for _, s := range []string{"+919876543210", "4155550101", "(415) 555-0101", "00256751351363", "1800FLOWERS", ""} {
		f.Add(s, "US")
		f.Add(s, "IN")
	}
	f.Fuzz(func(t *testing.T, raw, region string) {
		if r, ok := CountryCode(region); ok {
			if e164, err := NormalizeNumberIn(raw, r); err == nil && (len(e164) < 2 || e164[0] != '+') {
				t.Fatalf("NormalizeNumberIn(%q, %s) = %q, not E.164", raw, r, e164)
			}
		}
		_ = LooksLikePhone(raw)
	})
}
