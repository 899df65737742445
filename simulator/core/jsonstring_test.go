package core

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func encodingJSON(t *testing.T, s string) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `"quoted" \ back`, "tab\tnew\nline\rcr\bbs\fff", "\x00\x01\x1f\x7f",
		"<html> & 'x'", "ünïcödé ✓ 😀", "\u2028\u2029", string([]byte{0xff, 'a', 0xc3}), "end\\"} {
		if got, want := string(AppendJSONString(nil, s)), encodingJSON(t, s); got != want {
			t.Errorf("AppendJSONString(%q) = %s, want %s", s, got, want)
		}
	}
}

// TestAppendJSONStringFindsEscapesInWords: plain text is skipped 8 bytes at a time; a character
// to escape in any place of a word (and just around the words) is still found.
func TestAppendJSONStringFindsEscapesInWords(t *testing.T) {
	for _, special := range []string{"\x00", "\x1f", `"`, `\\`, "\x80", "\u2028", "é", " ", "~", "\x7f"} {
		for at := 0; at <= 24; at++ {
			s := strings.Repeat("a", at) + special + strings.Repeat("b", 24-at)
			if got, want := string(AppendJSONString(nil, s)), encodingJSON(t, s); got != want {
				t.Errorf("AppendJSONString(%q) = %s, want %s", s, got, want)
			}
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	f.Add("hello \"world\"\n")
	f.Add(string([]byte{0xe2, 0x80, 0xa8, 0xff}))
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(AppendJSONString(nil, s)), encodingJSON(t, s); got != want {
			t.Fatalf("AppendJSONString(%q) = %s, want %s", s, got, want)
		}
	})
}
