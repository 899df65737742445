package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// paint renders text in one style. Without colour every paint is the identity, so a screen
// without colour is plain text, byte for byte (golden files, NO_COLOR, pipes).
type paint func(string) string

func plain(s string) string { return s }

type styles struct {
	Color bool

	Title, Dim, Bold    paint
	OK, Warn, Bad       paint
	Tab, ActiveTab      paint
	Selected, Fresh     paint
	Unread, Header      paint
	Key, String, Number paint
	Literal, Match      paint
}

func style(s lipgloss.Style) paint { return func(t string) string { return s.Render(t) } }

func fg(c color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }

// newStyles returns the palette; color false gives plain text everywhere.
func newStyles(useColor bool) styles {
	if !useColor {
		return styles{Title: plain, Dim: plain, Bold: plain, OK: plain, Warn: plain, Bad: plain,
			Tab: plain, ActiveTab: plain, Selected: plain, Fresh: plain, Unread: plain, Header: plain,
			Key: plain, String: plain, Number: plain, Literal: plain, Match: plain}
	}
	var (
		accent = lipgloss.Color("#7D56F4")
		green  = lipgloss.Color("#3FB950")
		yellow = lipgloss.Color("#D29922")
		red    = lipgloss.Color("#F85149")
		grey   = lipgloss.Color("#8B949E")
		cyan   = lipgloss.Color("#39C5CF")
	)
	return styles{
		Color:     true,
		Title:     style(lipgloss.NewStyle().Bold(true).Foreground(accent)),
		Dim:       style(fg(grey)),
		Bold:      style(lipgloss.NewStyle().Bold(true)),
		OK:        style(fg(green)),
		Warn:      style(fg(yellow)),
		Bad:       style(fg(red)),
		Tab:       style(fg(grey)),
		ActiveTab: style(lipgloss.NewStyle().Bold(true).Foreground(accent).Underline(true)),
		Selected:  style(lipgloss.NewStyle().Reverse(true)),
		Fresh:     style(lipgloss.NewStyle().Bold(true).Foreground(yellow)),
		Unread:    style(lipgloss.NewStyle().Bold(true)),
		Header:    style(lipgloss.NewStyle().Bold(true)),
		Key:       style(fg(cyan)),
		String:    style(fg(green)),
		Number:    style(fg(yellow)),
		Literal:   style(fg(accent)),
		Match:     style(lipgloss.NewStyle().Bold(true).Underline(true).Foreground(yellow)),
	}
}
