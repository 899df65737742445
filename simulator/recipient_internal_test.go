package simulator

import "testing"

func TestNormalizeRecipientAsksTheVendorNamed(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	tests := []struct{ vendor, id, want string }{
		{"", "919876543210", "+919876543210"},
		{"luminous", "+91 98765 43210", "+919876543210"},
		{"LUMINOUS", "9876543210", "+919876543210"},
		{"luma", "919876543210", ""},
		{"kore", "919876543210", ""},
		{"", "sam.phyll", ""},
		{"", "alice@example.com", ""},
		{"nobody", "919876543210", ""},
	}
	for _, tt := range tests {
		t.Run(tt.vendor+"/"+tt.id, func(t *testing.T) {
			if got := s.normalizeRecipient(tt.vendor, tt.id); got != tt.want {
				t.Fatalf("normalizeRecipient(%q, %q) = %q, want %q", tt.vendor, tt.id, got, tt.want)
			}
		})
	}
}
