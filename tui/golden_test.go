package tui

import (
	"testing"
)

func TestGoldenScreens(t *testing.T) {
	for _, tc := range []struct {
		name string
		w, h int
		keys []string
	}{
		{"all_80x24", 80, 24, nil},
		{"all_120x40", 120, 40, nil},
		{"luma_analyst_120x40", 120, 40, []string{"tab", "down", "down", "down", "down", "down", "down", "enter"}},
		{"luma_analyst_80x24", 80, 24, []string{"tab", "down", "down", "down", "down", "down", "down", "enter"}},
		{"message_luma_80x24", 80, 24, []string{"tab", "down", "down", "down", "down", "down", "down", "enter", "enter"}},
		{"message_whatsapp_120x40", 120, 40, []string{"tab", "tab", "enter", "enter"}},
		{"message_raw_80x24", 80, 24, []string{"tab", "tab", "enter", "enter", "p"}},
		{"message_kore_80x24", 80, 24, []string{"shift+tab", "shift+tab", "shift+tab", "shift+tab", "shift+tab", "enter", "enter"}},
		{"message_mykaarma_80x24", 80, 24, []string{"tab", "tab", "tab", "enter", "enter"}},
		{"requests_120x40", 120, 40, []string{"tab", "tab", "tab", "tab", "tab"}},
		{"jobs_80x24", 80, 24, []string{"shift+tab", "shift+tab", "shift+tab"}},
		{"help_80x24", 80, 24, []string{"?"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim, c := sandbox(t)
			demoTraffic(t, sim)
			m := newTestModel(t, c, tc.w, tc.h)
			press(t, m, tc.keys...)
			golden(t, tc.name, m.Render())
		})
	}
}

func TestJobDetailShowsEveryIdentity(t *testing.T) {
	sim, c := sandbox(t)
	demoTraffic(t, sim)
	m := newTestModel(t, c, 120, 40)
	press(t, m, "shift+tab", "shift+tab", "shift+tab", "enter")
	golden(t, "job_detail_120x40", m.Render())
}
