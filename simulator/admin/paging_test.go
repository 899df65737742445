package admin

import (
	"net/http/httptest"
	"net/url"
	"testing"
)

func TestCursorRoundTrip(t *testing.T) {
	for _, seq := range []int64{1, 35, 36, 1 << 40} {
		r := httptest.NewRequest("GET", "/_sim/messages?cursor="+url.QueryEscape(encodeCursor(seq)), nil)
		got, bad := cursorParam(r)
		if bad != nil || got != seq {
			t.Errorf("cursor of %d read back as %d (%v)", seq, got, bad)
		}
	}
}

func TestRecipientsSplitsGroups(t *testing.T) {
	for _, tc := range []struct {
		in   string
		one  string
		many []string
	}{
		{"sam.phyll", "sam.phyll", nil},
		{" ruth ", "ruth", nil},
		{"ruth, sam.phyll,", "", []string{"ruth", "sam.phyll"}},
		{",", ",", nil},
	} {
		one, many := recipients(tc.in)
		if one != tc.one || len(many) != len(tc.many) {
			t.Errorf("recipients(%q) = %q, %q; want %q, %q", tc.in, one, many, tc.one, tc.many)
		}
	}
}

// FuzzCursor: whatever a client sends as cursor is a Seq above 0 or a 400, never a panic.
func FuzzCursor(f *testing.F) {
	for _, s := range []string{"p1", "pzz", "p-1", "12", "", "p", "p0", "p" + "zzzzzzzzzzzzzzzz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := httptest.NewRequest("GET", "/_sim/messages", nil)
		r.URL.RawQuery = url.Values{"cursor": {s}}.Encode()
		seq, bad := cursorParam(r)
		if bad == nil && s != "" && seq <= 0 {
			t.Fatalf("cursor %q accepted as %d", s, seq)
		}
		if bad != nil && bad.Status != 400 {
			t.Fatalf("cursor %q answered %d", s, bad.Status)
		}
	})
}
