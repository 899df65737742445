package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantCode int
		want     []string
		notWant  []string
	}{
		{
			name: "passing run with scenarios",
			in: `{"Action":"run","Package":"p/contracts","Test":"TestFeatures"}
{"Action":"run","Package":"p/contracts","Test":"TestFeatures/a"}
{"Action":"output","Package":"p/contracts","Test":"TestFeatures/a","Output":"noise\n"}
{"Action":"pass","Package":"p/contracts","Test":"TestFeatures/a"}
{"Action":"pass","Package":"p/contracts","Test":"TestFeatures/b"}
{"Action":"pass","Package":"p/contracts","Test":"TestFeatures"}
{"Action":"pass","Package":"p/contracts","Elapsed":3.2}
{"Action":"skip","Package":"p/empty"}
`,
			wantCode: 0,
			want:     []string{"ok   p/contracts  3.2s", "--   p/empty  no tests", "3 tests passed, 0 failed, 0 skipped; 2 scenarios passed, 0 failed; 2 packages (0 failed)"},
			notWant:  []string{"noise"},
		},
		{
			name: "a failed scenario shows its output",
			in: `{"Action":"output","Package":"p/contracts","Test":"TestFeatures/b","Output":"step failed: status is 400\n"}
{"Action":"fail","Package":"p/contracts","Test":"TestFeatures/b"}
{"Action":"fail","Package":"p/contracts","Test":"TestFeatures"}
{"Action":"fail","Package":"p/contracts","Elapsed":1}
`,
			wantCode: 1,
			want:     []string{"FAIL p/contracts", "=== p/contracts TestFeatures/b\nstep failed: status is 400", "0 tests passed, 2 failed, 0 skipped; 0 scenarios passed, 1 failed; 1 packages (1 failed)"},
		},
		{
			name: "a build failure shows the compiler",
			in: `{"ImportPath":"p/x [p/x.test]","Action":"build-output","Output":"x.go:1: undefined: y\n"}
{"Action":"fail","Package":"p/x","Elapsed":0}
`,
			wantCode: 1,
			want:     []string{"FAIL p/x", "undefined: y"},
		},
		{name: "a dot per scenario as it finishes, 70 a line", in: strings.Repeat(`{"Action":"pass","Package":"p/contracts","Test":"TestFeatures/s"}`+"\n", 150) +
			`{"Action":"pass","Package":"p/contracts","Elapsed":9}` + "\n",
			wantCode: 0, want: []string{"     scenarios " + strings.Repeat(".", 70) + " 70\n     scenarios " + strings.Repeat(".", 70) + " 140\n     scenarios .......... 150\nok   p/contracts  9.0s\n", "150 scenarios passed"}},
		{name: "a package finishing ends the progress line; a failed scenario is named at once", in: `{"Action":"pass","Package":"p/contracts","Test":"TestFeatures/a"}
{"Action":"pass","Package":"p/other","Elapsed":1}
{"Action":"output","Package":"p/contracts","Test":"TestFeatures/b","Output":"status is 500\n"}
{"Action":"fail","Package":"p/contracts","Test":"TestFeatures/b"}
{"Action":"skip","Package":"p/contracts","Test":"TestFeatures/c"}
{"Action":"fail","Package":"p/contracts","Elapsed":2}
`,
			wantCode: 1, want: []string{"     scenarios . 1\nok   p/other  1.0s\n     scenarios F 2\n     FAIL b\n     scenarios s 3\nFAIL p/contracts", "=== p/contracts TestFeatures/b\nstatus is 500"}},
		{name: "no results at all fail", in: "go: cannot find main module\n", wantCode: 1, want: []string{"go: cannot find main module", "0 packages"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			clock := time.Unix(0, 0)
			code := summarize(strings.NewReader(tc.in), &out, func() time.Time { return clock }, nil)
			if code != tc.wantCode {
				t.Errorf("exit %d, want %d:\n%s", code, tc.wantCode, out.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(out.String(), w) {
					t.Errorf("output has %q:\n%s", w, out.String())
				}
			}
		})
	}
}

// TestHeartbeat: when nothing was printed for a while, a line says what the run is doing, so a
// cold build or a long package is not mistaken for a hang.
func TestHeartbeat(t *testing.T) {
	t0 := time.Unix(0, 0)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	var out bytes.Buffer
	s := newSummary(&out, t0)
	s.heartbeat(at(10 * time.Second))
	if out.Len() != 0 {
		t.Fatalf("a heartbeat before the quiet spell: %q", out.String())
	}
	s.heartbeat(at(16 * time.Second))
	if want := "     16s: compiling; no package has started its tests yet\n"; out.String() != want {
		t.Fatalf("got %q, want %q", out.String(), want)
	}
	out.Reset()
	s.line([]byte(`{"Action":"start","Package":"p/slow"}`), at(20*time.Second))
	s.line([]byte(`{"Action":"start","Package":"p/fast"}`), at(21*time.Second))
	s.line([]byte(`{"Action":"pass","Package":"p/fast","Elapsed":1}`), at(22*time.Second))
	s.heartbeat(at(30 * time.Second))
	if out.String() != "ok   p/fast  1.0s\n" {
		t.Fatalf("a heartbeat 8s after the last line: %q", out.String())
	}
	out.Reset()
	s.line([]byte(`{"Action":"start","Package":"p/other"}`), at(35*time.Second))
	s.heartbeat(at(40 * time.Second))
	if want := "     40s: 1 packages done, running p/slow (20s), p/other (5s)\n"; out.String() != want {
		t.Fatalf("got %q, want %q", out.String(), want)
	}
}
