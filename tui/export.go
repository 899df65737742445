package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/notifysim/notifysim/simulator/client"
)

// exportedMsg is the outcome of getting a payload out: a line for the footer.
type exportedMsg struct {
	text string
	err  error
}

// export answers the keys that take a message out of the TUI: y copies its id and Y its raw
// payload to the clipboard (OSC 52, which works over ssh too), s saves the payload to a file, o
// shows it in $PAGER.
func (m *Model) export(k tea.KeyPressMsg, msg client.Message) tea.Cmd {
	switch {
	case key.Matches(k, m.keys.CopyID):
		m.setStatus("copied the id "+msg.ID, false)
		return tea.SetClipboard(msg.ID)
	case key.Matches(k, m.keys.CopyJSON):
		m.setStatus(fmt.Sprintf("copied the raw payload of %s (%d bytes)", msg.ID, len(payloadText(msg))), false)
		return tea.SetClipboard(payloadText(msg))
	case key.Matches(k, m.keys.Save):
		return func() tea.Msg {
			path, err := savePayload(m.opts.SaveDir, msg)
			if err != nil {
				return exportedMsg{text: "save", err: err}
			}
			return exportedMsg{text: "saved " + path}
		}
	case key.Matches(k, m.keys.Pager):
		return m.openPager(msg)
	}
	return nil
}

// payloadText is the vendor payload as indented JSON (what `p` shows), or as it came when it is
// not JSON.
func payloadText(msg client.Message) string {
	var buf bytes.Buffer
	if len(msg.Payload) == 0 {
		return "{}\n"
	}
	if json.Indent(&buf, msg.Payload, "", "  ") != nil {
		return string(msg.Payload)
	}
	return buf.String() + "\n"
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// savePayload writes the payload to dir (the working directory when empty) as
// <vendor>-<id>.json and returns the file's path.
func savePayload(dir string, msg client.Message) (string, error) {
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		dir = wd
	}
	path := filepath.Join(dir, unsafeName.ReplaceAllString(msg.Vendor+"-"+msg.ID, "_")+".json")
	if err := os.WriteFile(path, []byte(payloadText(msg)), 0o644); err != nil {
		return "", err
	}
	return path, nil
}

// pagerDoneMsg ends a pager run: its temporary file goes.
type pagerDoneMsg struct {
	file string
	err  error
}

// pagerCommand runs pager on file the way git runs $PAGER: through the shell, so a pager with
// arguments ("less -R") works.
func pagerCommand(pager, file string) *exec.Cmd {
	if runtime.GOOS == "windows" {
		f := strings.Fields(pager)
		return exec.Command(f[0], append(f[1:], file)...)
	}
	return exec.Command("sh", "-c", pager+` "$1"`, "notifysim-pager", file)
}

func (m *Model) pager() string {
	if m.opts.Pager != "" {
		return m.opts.Pager
	}
	if p := strings.TrimSpace(os.Getenv("PAGER")); p != "" {
		return p
	}
	return "less"
}

// openPager hands the terminal to the pager with the payload in a temporary file, and takes it
// back when the pager ends.
func (m *Model) openPager(msg client.Message) tea.Cmd {
	f, err := os.CreateTemp("", "notifysim-*.json")
	if err != nil {
		m.setStatus("open in pager: "+err.Error(), true)
		return nil
	}
	_, err = f.WriteString(payloadText(msg))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		m.setStatus("open in pager: "+err.Error(), true)
		return nil
	}
	name := f.Name()
	return tea.ExecProcess(pagerCommand(m.pager(), name), func(err error) tea.Msg {
		return pagerDoneMsg{file: name, err: err}
	})
}

func (m *Model) pagerDone(msg pagerDoneMsg) {
	os.Remove(msg.file)
	if msg.err != nil {
		m.setStatus(fmt.Sprintf("%s: %v (set $PAGER to a pager you have)", m.pager(), msg.err), true)
	}
}
