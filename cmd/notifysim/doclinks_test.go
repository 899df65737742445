package main

import (
	"fmt"
	"html"
	"io/fs"
	"net/url"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"
)

// TestDocLinks: every relative link of the repository's Markdown files resolves (the file or
// folder exists; a #fragment names a heading or an <a id> of the target, by GitHub's slug
// rules), every page of docs/ is reachable from README.md or the docs/README.md index, and a
// code block marked <!-- from: PATH --> is still a verbatim part of PATH.
func TestDocLinks(t *testing.T) {
	problems := checkDocs(os.DirFS(repoRoot))
	for _, p := range problems {
		t.Error(p)
	}
}

// mdLink is a link target as written, and the line it is on.
type mdLink struct {
	line   int
	target string
}

// mdQuote is a code block that says where it comes from: <!-- from: PATH --> on a line before it.
type mdQuote struct {
	line int    // of the marker
	from string // repository-relative
	body string
}

// mdFile is what the check reads of one Markdown file.
type mdFile struct {
	links   []mdLink
	anchors map[string]bool
	quotes  []mdQuote
}

var (
	// An inline link or image: [text](target "title"); the text may hold one level of brackets
	// and run over several lines.
	inlineLink = regexp.MustCompile(`!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^()\s<>]+)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)`)
	refDef     = regexp.MustCompile(`(?m)^ {0,3}\[[^\]]+\]:[ \t]*<?([^\s>]+)>?`)
	htmlRef    = regexp.MustCompile(`<(?:a|img)\s[^>]*?(?:href|src)="([^"]+)"`)
	htmlAnchor = regexp.MustCompile(`<a\s[^>]*?(?:id|name)="([^"]+)"`)
	atxHeading = regexp.MustCompile(`^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	fromMarker = regexp.MustCompile(`^\s*<!--\s*from:\s*(\S+)\s*-->\s*$`)
	hasScheme  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
)

// fenceOf answers the fence a line opens or closes (its character and length), if it is one.
func fenceOf(line string) (byte, int) {
	// Any indentation: a fence in a list item is indented with the item.
	l := strings.TrimSpace(line)
	if len(l) < 3 || (l[0] != '`' && l[0] != '~') {
		return 0, 0
	}
	n := 0
	for n < len(l) && l[n] == l[0] {
		n++
	}
	if n < 3 {
		return 0, 0
	}
	return l[0], n
}

// scanMarkdown reads the links, anchors and quoted blocks of a Markdown file. Text in fenced
// blocks and code spans is not Markdown, so links there are not links.
func scanMarkdown(text string) mdFile {
	f := mdFile{anchors: map[string]bool{}}
	lines := strings.Split(text, "\n")
	prose := make([]string, len(lines)) // the lines outside fences; fence lines left blank
	slugs := newSlugger()
	var fenceChar byte
	var fenceLen int
	var pending *mdQuote // a from: marker waiting for its block
	var block []string
	for i, line := range lines {
		if fenceChar != 0 {
			if c, n := fenceOf(line); c == fenceChar && n >= fenceLen && strings.Trim(strings.TrimSpace(line), string(c)) == "" {
				fenceChar = 0
				if pending != nil {
					pending.body = strings.Join(block, "\n")
					f.quotes = append(f.quotes, *pending)
					pending = nil
				}
				continue
			}
			block = append(block, line)
			continue
		}
		if c, n := fenceOf(line); c != 0 {
			fenceChar, fenceLen, block = c, n, nil
			continue
		}
		prose[i] = line
		if m := fromMarker.FindStringSubmatch(line); m != nil {
			pending = &mdQuote{line: i + 1, from: m[1]}
			continue
		}
		if pending != nil && strings.TrimSpace(line) != "" {
			// The marker is for the block right after it; prose in between orphans it.
			f.quotes = append(f.quotes, mdQuote{line: pending.line, from: pending.from})
			pending = nil
		}
		if m := atxHeading.FindStringSubmatch(line); m != nil {
			f.anchors[slugs.slug(headingText(m[1]))] = true
		}
		for _, m := range htmlAnchor.FindAllStringSubmatch(line, -1) {
			f.anchors[m[1]] = true
		}
	}
	if pending != nil {
		f.quotes = append(f.quotes, mdQuote{line: pending.line, from: pending.from})
	}
	masked := maskCodeSpans(strings.Join(prose, "\n"))
	lineAt := func(offset int) int { return strings.Count(masked[:offset], "\n") + 1 }
	for _, re := range []*regexp.Regexp{inlineLink, refDef, htmlRef} {
		for _, m := range re.FindAllStringSubmatchIndex(masked, -1) {
			f.links = append(f.links, mdLink{line: lineAt(m[2]), target: masked[m[2]:m[3]]})
		}
	}
	slices.SortStableFunc(f.links, func(a, b mdLink) int { return a.line - b.line })
	return f
}

// maskCodeSpans blanks the inside of every code span (keeping line breaks, so offsets keep their
// lines): a run of backticks up to the next run of the same length within the paragraph. A run
// without its match is a literal backtick, as in CommonMark.
func maskCodeSpans(text string) string {
	b := []byte(text)
	for i := 0; i < len(b); {
		if b[i] != '`' {
			i++
			continue
		}
		n := 0
		for i+n < len(b) && b[i+n] == '`' {
			n++
		}
		end := -1
		for j := i + n; j < len(b); {
			if b[j] == '\n' && j+1 < len(b) && strings.TrimSpace(string(b[j+1:nextNewline(b, j+1)])) == "" {
				break // a blank line ends the paragraph, and any span in it
			}
			if b[j] != '`' {
				j++
				continue
			}
			m := 0
			for j+m < len(b) && b[j+m] == '`' {
				m++
			}
			if m == n {
				end = j
				break
			}
			j += m
		}
		if end < 0 {
			i += n
			continue
		}
		for k := i + n; k < end; k++ {
			if b[k] != '\n' {
				b[k] = ' '
			}
		}
		i = end + n
	}
	return string(b)
}

func nextNewline(b []byte, from int) int {
	if i := strings.IndexByte(string(b[from:]), '\n'); i >= 0 {
		return from + i
	}
	return len(b)
}

var (
	codeSpan    = regexp.MustCompile("(`+)(.*?)(`+)")
	image       = regexp.MustCompile(`!\[[^\]]*\]\([^)]*\)`)
	linkText    = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	htmlTag     = regexp.MustCompile(`<[^>]+>`)
	escaped     = regexp.MustCompile("\\\\([!-/:-@\\[-`{-~])")
	strongUnder = regexp.MustCompile(`__(\S(?:.*?\S)?)__`)
	emUnder     = regexp.MustCompile(`(^|[^\p{L}\p{N}_])_(\S(?:[^_]*?\S)?)_($|[^\p{L}\p{N}_])`)
)

// headingText is a heading as GitHub renders it to text: code spans keep their content, links
// their text, images and tags go, entities and escapes are read, emphasis marks are dropped
// (asterisks go in the slug anyway; underscores around a word are emphasis, inside one they
// are text).
func headingText(raw string) string {
	var out strings.Builder
	rest := raw
	for {
		loc := codeSpan.FindStringSubmatchIndex(rest)
		if loc == nil || rest[loc[2]:loc[3]] != rest[loc[6]:loc[7]] {
			out.WriteString(inlineText(rest))
			break
		}
		out.WriteString(inlineText(rest[:loc[0]]))
		out.WriteString(rest[loc[4]:loc[5]])
		rest = rest[loc[1]:]
	}
	return strings.TrimSpace(out.String())
}

func inlineText(s string) string {
	s = image.ReplaceAllString(s, "")
	s = linkText.ReplaceAllString(s, "$1")
	s = htmlTag.ReplaceAllString(s, "")
	s = strongUnder.ReplaceAllString(s, "$1")
	s = emUnder.ReplaceAllString(s, "$1$2$3")
	s = escaped.ReplaceAllString(s, "$1")
	return html.UnescapeString(s)
}

// slugger gives headings GitHub's anchors (github-slugger): lower case; letters, marks,
// decimal and letter numbers, connector punctuation (_) and "-" kept; a space becomes "-";
// everything else (other punctuation, dashes but "-", symbols) dropped. A slug already given
// gets "-1", "-2"… in order.
type slugger struct{ seen map[string]int }

func newSlugger() *slugger { return &slugger{seen: map[string]int{}} }

func githubSlug(text string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-', unicode.IsLetter(r), unicode.Is(unicode.M, r), unicode.Is(unicode.Nd, r),
			unicode.Is(unicode.Nl, r), unicode.Is(unicode.Pc, r), unicode.Is(unicode.Other_Alphabetic, r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (s *slugger) slug(text string) string {
	base := githubSlug(text)
	slug := base
	for {
		if _, taken := s.seen[slug]; !taken {
			break
		}
		s.seen[base]++
		slug = fmt.Sprintf("%s-%d", base, s.seen[base])
	}
	s.seen[slug] = 0
	return slug
}

// skippedDir holds no documentation: tool caches and build output.
func skippedDir(name string) bool {
	return name != "." && (strings.HasPrefix(name, ".") || name == "bin" || name == "node_modules")
}

// checkDocs answers every problem with the Markdown of fsys (a repository), one line each, as
// "file:line: what is wrong; what to do".
func checkDocs(fsys fs.FS) []string {
	var problems []string
	files := map[string]mdFile{}
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if skippedDir(d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, ".md") {
			text, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			files[p] = scanMarkdown(string(text))
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return []string{fmt.Sprintf("reading the repository: %v", err)}
	}
	linkedFromIndex := map[string]bool{}
	for _, name := range names {
		f := files[name]
		for _, l := range f.links {
			where := fmt.Sprintf("%s:%d: link %q", name, l.line, l.target)
			if hasScheme.MatchString(l.target) || strings.HasPrefix(l.target, "//") {
				continue // another site's; not checked offline
			}
			rawPath, rawFrag, _ := strings.Cut(l.target, "#")
			target, err := url.PathUnescape(rawPath)
			frag, err2 := url.PathUnescape(rawFrag)
			if err != nil || err2 != nil {
				problems = append(problems, fmt.Sprintf("%s is not a valid URL path", where))
				continue
			}
			if strings.HasPrefix(target, "/") {
				problems = append(problems, fmt.Sprintf("%s: write it relative to %s, as GitHub resolves it", where, name))
				continue
			}
			resolved := name
			if target != "" {
				resolved = path.Clean(path.Join(path.Dir(name), target))
			}
			if resolved == ".." || strings.HasPrefix(resolved, "../") {
				problems = append(problems, fmt.Sprintf("%s points outside the repository", where))
				continue
			}
			if _, err := fs.Stat(fsys, resolved); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %s does not exist", where, resolved))
				continue
			}
			if name == "README.md" || name == "docs/README.md" {
				linkedFromIndex[resolved] = true
			}
			if frag == "" || !strings.HasSuffix(resolved, ".md") {
				continue // a fragment of another kind of file (a line of code) is GitHub's
			}
			if !files[resolved].anchors[frag] {
				problems = append(problems, fmt.Sprintf("%s: %s has no heading or <a id> whose anchor is #%s", where, resolved, frag))
			}
		}
		for _, q := range f.quotes {
			where := fmt.Sprintf("%s:%d: the block marked from: %s", name, q.line, q.from)
			if q.body == "" {
				problems = append(problems, fmt.Sprintf("%s: no code block follows the marker", where))
				continue
			}
			source, err := fs.ReadFile(fsys, q.from)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", where, err))
				continue
			}
			if !strings.Contains(trimLineEnds(string(source)), trimLineEnds(q.body)) {
				problems = append(problems, fmt.Sprintf("%s is not in that file as written: copy it from there (edit the code first, where it is tested)", where))
			}
		}
	}
	for _, name := range names {
		if path.Dir(name) != "docs" || linkedFromIndex[name] {
			continue
		}
		if name == "docs/README.md" {
			problems = append(problems, "docs/README.md: no link to it from README.md: link the index from the README")
			continue
		}
		problems = append(problems, fmt.Sprintf("%s: linked from neither README.md nor docs/README.md: add it to the index in docs/README.md", name))
	}
	return problems
}

// trimLineEnds drops the blanks at line ends, which editors strip from Markdown.
func trimLineEnds(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.Join(lines, "\n")
}

func TestGithubSlug(t *testing.T) {
	tests := []struct{ heading, want string }{
		{"The sandbox's own API (`/_sim`)", "the-sandboxs-own-api-_sim"},
		{"What the TUI added to `/_sim`", "what-the-tui-added-to-_sim"},
		{"Luminous — WhatsApp API campaigns (AiSensy wire format)", "luminous--whatsapp-api-campaigns-aisensy-wire-format"},
		{"Where the vendor is silent, notifysim chooses…", "where-the-vendor-is-silent-notifysim-chooses"},
		{"`make bench-peers` on this branch", "make-bench-peers-on-this-branch"},
		{"The targets (issue 21)", "the-targets-issue-21"},
		{"[Faults](faults.md) from Go", "faults-from-go"},
		{"A **bold** _move_ of snake_case", "a-bold-move-of-snake_case"},
		{"Café &amp; crème 2½", "café--crème-2"},
		{"Kore.ai: 600/min → 429", "koreai-600min--429"},
		{"Keys ![icon](i.png) `?` and `/`", "keys---and-"},
	}
	for _, tc := range tests {
		if got := githubSlug(headingText(tc.heading)); got != tc.want {
			t.Errorf("%q: slug %q, want %q", tc.heading, got, tc.want)
		}
	}
}

func TestSluggerNumbersRepeats(t *testing.T) {
	s := newSlugger()
	var got []string
	for _, h := range []string{"Try it", "Try it", "Try it 1", "Try it"} {
		got = append(got, s.slug(h))
	}
	// "Try it 1" is taken by the second "Try it", so it becomes "try-it-1-1", as on GitHub.
	want := []string{"try-it", "try-it-1", "try-it-1-1", "try-it-2"}
	if !slices.Equal(got, want) {
		t.Errorf("slugs %q, want %q", got, want)
	}
}

func TestCheckDocs(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	index := "# x\n\n[docs](docs/README.md)\n"
	docsIndex := "# Docs\n\n[A](a.md)\n"
	tests := []struct {
		name string
		fs   fstest.MapFS
		want []string // a substring of each problem, in order; none when the docs are sound
	}{
		{"sound", fstest.MapFS{
			"README.md":      file(index + "[Section](docs/a.md#the-section) [same](#x) [dir](docs/) [code](main.go#L3) [web](https://example.com/#nope)\n"),
			"main.go":        file("package main\n"),
			"docs/README.md": file(docsIndex),
			"docs/a.md":      file("# A\n\n## The section\n\n## The section\n\n<a id=\"kept\"></a>Text [up](../README.md#x), [twice](#the-section-1), [kept](#kept).\n"),
		}, nil},
		{"missing file", fstest.MapFS{
			"README.md": file(index), "docs/README.md": file(docsIndex + "[B](b.md)\n"), "docs/a.md": file("# A\n"),
		}, []string{`docs/README.md:4: link "b.md": docs/b.md does not exist`}},
		{"missing anchor", fstest.MapFS{
			"README.md": file(index + "\n[A](docs/a.md#nowhere)\n"), "docs/README.md": file(docsIndex), "docs/a.md": file("# A\n"),
		}, []string{`README.md:5: link "docs/a.md#nowhere": docs/a.md has no heading or <a id> whose anchor is #nowhere`}},
		{"orphan page", fstest.MapFS{
			"README.md": file(index), "docs/README.md": file(docsIndex), "docs/a.md": file("# A\n[B](b.md)\n"), "docs/b.md": file("# B\n"),
		}, []string{"docs/b.md: linked from neither README.md nor docs/README.md"}},
		{"index not linked", fstest.MapFS{
			"README.md": file("# x\n\n[A](docs/a.md)\n"), "docs/README.md": file(docsIndex), "docs/a.md": file("# A\n"),
		}, []string{"docs/README.md: no link to it from README.md"}},
		{"code is not a link", fstest.MapFS{
			"README.md":      file(index + "```sh\necho '[x](gone.md)'\n```\n\nSee `[x](gone.md)` and ``a `[y](gone.md)` b`` and `PRAGMA\n[z](gone.md)`.\n"),
			"docs/README.md": file(docsIndex), "docs/a.md": file("# A\n"),
		}, nil},
		{"a heading in a fence is no anchor", fstest.MapFS{
			"README.md":      file(index + "[c](#comment)\n\n```sh\n# comment\n```\n"),
			"docs/README.md": file(docsIndex), "docs/a.md": file("# A\n"),
		}, []string{`README.md:4: link "#comment": README.md has no heading`}},
		{"absolute and outside", fstest.MapFS{
			"README.md": file(index + "[abs](/docs/a.md) [out](../other/README.md)\n"), "docs/README.md": file(docsIndex), "docs/a.md": file("# A\n"),
		}, []string{"write it relative to README.md", `link "../other/README.md" points outside the repository`}},
		{"quoted code", fstest.MapFS{
			"README.md":  file(index + "<!-- from: ex_test.go -->\n```go\nfunc A() {\n\treturn\n}\n```\n\n<!-- from: ex_test.go -->\n```go\nfunc B() {}\n```\n"),
			"ex_test.go": file("package ex\n\nfunc A() {\n\treturn\n}\n"), "docs/README.md": file(docsIndex), "docs/a.md": file("# A\n"),
		}, []string{"README.md:11: the block marked from: ex_test.go is not in that file as written"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := checkDocs(tc.fs)
			if len(got) != len(tc.want) {
				t.Fatalf("problems:\n  %s\nwant %d like:\n  %s", strings.Join(got, "\n  "), len(tc.want), strings.Join(tc.want, "\n  "))
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %d: %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}
