package tui

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/notifysim/notifysim/simulator/client"
)

// jobDetailMsg carries a job's per-identity results, read from Kore.ai's own status route.
type jobDetailMsg struct {
	id    string
	lines []string
	err   error
}

// loadJobDetail asks GET /api/public/bot/{bot}/notify/status/{id} with a JWT signed for an app
// of the dataset: the admin API summarises jobs, the vendor's route has every identity.
func loadJobDetail(c *client.Client, j client.Job) tea.Cmd {
	return func() tea.Msg {
		data, err := call(c.Fixtures)
		if err != nil {
			return jobDetailMsg{id: j.ID, err: err}
		}
		token, _, err := koreAuth(data, j.StreamID)
		if err != nil {
			return jobDetailMsg{id: j.ID, err: err}
		}
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet,
			strings.TrimRight(c.URL(), "/")+"/api/public/bot/"+url.PathEscape(j.StreamID)+"/notify/status/"+url.PathEscape(j.ID), nil)
		if err != nil {
			return jobDetailMsg{id: j.ID, err: err}
		}
		req.Header.Set("auth", token)
		resp, err := c.HTTPClient().Do(req)
		if err != nil {
			return jobDetailMsg{id: j.ID, err: err}
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
		if resp.StatusCode != http.StatusOK {
			return jobDetailMsg{id: j.ID, err: fmt.Errorf("the status route answered %d: %s", resp.StatusCode, oneLine(string(body)))}
		}
		var view struct {
			StatusLogs []struct {
				OriginalID string `json:"originalId"`
				Status     string `json:"status"`
				Comments   string `json:"comments"`
				ChannelID  string `json:"channelId"`
			} `json:"statusLogs"`
		}
		if err := json.Unmarshal(body, &view); err != nil {
			return jobDetailMsg{id: j.ID, err: err}
		}
		lines := []string{"", "per identity:"}
		for _, l := range view.StatusLogs {
			mark := "✓"
			if l.Status != "SUCCESS" {
				mark = "✗"
			}
			line := fmt.Sprintf("  %s %-28s %-8s %s", mark, l.OriginalID, l.Status, l.ChannelID)
			if l.Comments != "" {
				line += "  " + l.Comments
			}
			lines = append(lines, strings.TrimRight(line, " "))
		}
		if len(view.StatusLogs) == 0 {
			lines = append(lines, "  none done yet")
		}
		return jobDetailMsg{id: j.ID, lines: lines}
	}
}
