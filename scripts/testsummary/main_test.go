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
		{name: "scenario progress every 100", in: strings.Repeat(`{"Action":"pass","Package":"p/contracts","Test":"TestFeatures/s"}`+"\n", 200) +
			`{"Action":"pass","Package":"p/contracts","Elapsed":9}` + "\n",
			wantCode: 0, want: []string{"p/contracts: 100 scenarios run\n", "p/contracts: 200 scenarios run\n", "200 scenarios passed"}},
		{name: "no results at all fail", in: "go: cannot find main module\n", wantCode: 1, want: []string{"go: cannot find main module", "0 packages"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			clock := time.Unix(0, 0)
			code := summarize(strings.NewReader(tc.in), &out, func() time.Time { return clock })
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
