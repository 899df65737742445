package tui

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// screenMarker introduces a captured screen in the documentation: the ```text block after it
// must be the golden file it names (relative to the repository).
var screenMarker = regexp.MustCompile("<!-- screen: (\\S+) -->\n```text\n")

// TestDocScreens keeps every screen shown in README.md and docs/*.md equal to the golden file it
// claims to be, so the documentation cannot drift from what the TUI draws; README.md must show
// one. Trailing spaces are ignored: editors strip them from Markdown.
func TestDocScreens(t *testing.T) {
	pages, err := filepath.Glob("../docs/*.md")
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
	for _, file := range append([]string{"../README.md"}, pages...) {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(file, "../")
		found := screenMarker.FindAllStringSubmatchIndex(string(text), -1)
		if name == "README.md" && len(found) == 0 {
			t.Errorf("README.md shows no screen (a %q line, then a ```text block)", "<!-- screen: tui/testdata/all_120x40.golden -->")
		}
		for _, m := range found {
			golden := string(text[m[2]:m[3]])
			line := strings.Count(string(text[:m[0]]), "\n") + 1
			block, _, ok := strings.Cut(string(text[m[1]:]), "\n```")
			if !ok {
				t.Errorf("%s:%d: the screen block is not closed", name, line)
				continue
			}
			want, err := os.ReadFile(filepath.Join("..", golden))
			if err != nil {
				t.Errorf("%s:%d: %v", name, line, err)
				continue
			}
			if trim(block) != trim(string(want)) {
				t.Errorf("%s:%d: the screen differs from %s: copy the golden file into the block\n--- %s ---\n%s\n--- golden ---\n%s", name, line, golden, name, block, want)
			}
		}
	}
}
