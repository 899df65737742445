package client

import (
	"strings"
	"testing"
)

// FuzzReadSSE feeds the stream parser arbitrary bytes: it must never panic, and every frame it
// reports must come from data lines it read.
func FuzzReadSSE(f *testing.F) {
	for _, seed := range []string{
		"id: 1\nevent: state.reset\ndata: {\"type\":\"state.reset\"}\n\n",
		": comment\r\n\r\ndata: a\r\ndata: b\r\n\r\n",
		"data\n\nid\nevent\n:\n\n",
		"data: " + strings.Repeat("x", 70000) + "\n\n",
		"id: 9\n\n\n\ndata:{}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		frames := 0
		_ = readSSE(strings.NewReader(string(in)), func(id, typ string, data []byte) bool {
			frames++
			if !strings.Contains(string(in), "data") {
				t.Fatalf("a frame without any data line: id %q type %q data %q", id, typ, data)
			}
			return frames < 1000
		})
	})
}
