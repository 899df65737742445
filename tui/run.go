package tui

import (
	"context"
	"errors"
	"os"

	tea "charm.land/bubbletea/v2"

	"github.com/notifysim/notifysim/simulator/client"
)

// ColorFromEnv is false when NO_COLOR is set to anything non-empty (https://no-color.org).
func ColorFromEnv() bool { return os.Getenv("NO_COLOR") == "" }

// Run shows the TUI on the terminal until the user quits or ctx ends.
func Run(ctx context.Context, c *client.Client, opts Options, programOpts ...tea.ProgramOption) error {
	m := New(c, opts)
	defer m.Close()
	p := tea.NewProgram(m, append([]tea.ProgramOption{tea.WithContext(ctx)}, programOpts...)...)
	_, err := p.Run()
	if err != nil && errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // stopped from outside (serve --tui shutting down): not a failure
	}
	return err
}
