package tui

import (
	"charm.land/bubbles/v2/textinput"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// fit cuts plain text to w cells (ending in … when cut) and pads it to exactly w. Styles are
// applied after fitting, so widths are counted on the plain text.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = oneLine(s)
	if ansi.StringWidth(s) > w {
		s = ansi.Truncate(s, w, "…")
	}
	if n := ansi.StringWidth(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// cut is fit without the padding.
func cut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = oneLine(s)
	if ansi.StringWidth(s) > w {
		return ansi.Truncate(s, w, "…")
	}
	return s
}

// oneLine folds a multi-line text into one line for a list row.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\n\r\t") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// padLines makes lines exactly h long, each exactly w cells wide (plain text assumed fitted or
// styled after fitting: styled lines are padded by their visible width).
func padLines(lines []string, w, h int) []string {
	w, h = max(w, 0), max(h, 0)
	out := make([]string, h)
	for i := range h {
		if i < len(lines) {
			l := lines[i]
			if n := ansi.StringWidth(l); n < w {
				l += strings.Repeat(" ", w-n)
			} else if n > w {
				l = ansi.Truncate(l, w, "")
			}
			out[i] = l
		} else {
			out[i] = strings.Repeat(" ", w)
		}
	}
	return out
}

// wrap breaks text into lines of at most w cells, keeping the text's own line breaks.
func wrap(text string, w int) []string {
	if w < 1 {
		w = 1
	}
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		l = strings.ReplaceAll(l, "\t", "    ")
		wrapped := ansi.Wrap(l, w, " ")
		out = append(out, strings.Split(wrapped, "\n")...)
	}
	return out
}

// scrollTo returns the first visible row so that cursor stays within a window of h rows.
func scrollTo(offset, cursor, h, n int) int {
	if h <= 0 {
		return 0
	}
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+h {
		offset = cursor - h + 1
	}
	if max0 := n - h; offset > max0 {
		offset = max(max0, 0)
	}
	return max(offset, 0)
}

func clamp(v, lo, hi int) int {
	if v > hi {
		v = hi
	}
	if v < lo {
		v = lo
	}
	return v
}

// newInput is a text field with a steady cursor: a blinking one redraws the screen twice a
// second for nothing.
func newInput() textinput.Model {
	ti := textinput.New()
	s := ti.Styles()
	s.Cursor.Blink = false
	ti.SetStyles(s)
	return ti
}
