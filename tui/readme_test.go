package tui

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeScreen keeps the README's captured screen equal to the golden file it claims to be.
// Trailing spaces are ignored: editors strip them from Markdown.
func TestReadmeScreen(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const marker = "<!-- screen: tui/testdata/all_120x40.golden -->\n```text\n"
	_, rest, ok := strings.Cut(string(readme), marker)
	if !ok {
		t.Fatalf("README.md has no block after %q", marker)
	}
	block, _, ok := strings.Cut(rest, "\n```")
	if !ok {
		t.Fatal("the README's screen block is not closed")
	}
	golden, err := os.ReadFile("testdata/all_120x40.golden")
	if err != nil {
		t.Fatal(err)
	}
	trim := func(s string) string {
		lines := strings.Split(s, "\n")
		for i := range lines {
			lines[i] = strings.TrimRight(lines[i], " ")
		}
		return strings.Join(lines, "\n")
	}
	if trim(block) != trim(string(golden)) {
		t.Errorf("README.md's screen differs from testdata/all_120x40.golden: copy the golden file into the block\n--- README ---\n%s\n--- golden ---\n%s", block, golden)
	}
}
