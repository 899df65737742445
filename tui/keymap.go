package tui

import "charm.land/bubbles/v2/key"

// keyMap is every key the TUI answers; `?` shows them all, the footer the most used.
type keyMap struct {
	NextTab, PrevTab      key.Binding
	Up, Down, Left, Right key.Binding
	PageUp, PageDown      key.Binding
	Open, Back            key.Binding
	Filter                key.Binding
	MarkRead              key.Binding
	Raw                   key.Binding
	Compose               key.Binding
	Reset                 key.Binding
	Freeze, Advance       key.Binding
	Help, Quit            key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		NextTab:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next tab")),
		PrevTab:  key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous tab")),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Left:     key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "recipients")),
		Right:    key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "inbox")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Filter:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter by text")),
		MarkRead: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "mark read")),
		Raw:      key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "raw payload")),
		Compose:  key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "compose")),
		Reset:    key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "reset sandbox")),
		Freeze:   key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "freeze/resume clock")),
		Advance:  key.NewBinding(key.WithKeys("+"), key.WithHelp("+", "clock +1 minute")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// ShortHelp is the footer.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Help, k.NextTab, k.Open, k.Filter, k.Compose, k.Quit}
}

// FullHelp is the `?` screen, one column per kind of key.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.NextTab, k.PrevTab, k.Up, k.Down, k.Left, k.Right, k.PageUp, k.PageDown},
		{k.Open, k.Back, k.Filter, k.MarkRead, k.Raw, k.Compose},
		{k.Reset, k.Freeze, k.Advance, k.Help, k.Quit},
	}
}
