package tui

import "charm.land/bubbles/v2/key"

// keyMap is every key the TUI answers; `?` shows them all, the footer those that work where the
// reader is.
type keyMap struct {
	NextTab, PrevTab      key.Binding
	Up, Down, Left, Right key.Binding
	PageUp, PageDown      key.Binding
	Top, Bottom           key.Binding
	Open, Back            key.Binding
	Fold                  key.Binding
	Search, Find          key.Binding
	MarkRead, MarkAll     key.Binding
	Raw                   key.Binding
	CopyID, CopyJSON      key.Binding
	Save, Pager           key.Binding
	Compose               key.Binding
	Refresh               key.Binding
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
		Left:     key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←", "recipients")),
		Right:    key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→", "inbox")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "top (newest)")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "bottom")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Fold:     key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "fold")),
		Search:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		Find:     key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "find recipient")),
		MarkRead: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "mark read")),
		MarkAll:  key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "all read")),
		Raw:      key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "raw")),
		CopyID:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy id")),
		CopyJSON: key.NewBinding(key.WithKeys("Y"), key.WithHelp("Y", "copy JSON")),
		Save:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save")),
		Pager:    key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "pager")),
		Compose:  key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "compose")),
		Refresh:  key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "refresh")),
		Reset:    key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "reset sandbox")),
		Freeze:   key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "freeze/resume clock")),
		Advance:  key.NewBinding(key.WithKeys("+"), key.WithHelp("+", "clock +1 minute")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// FullHelp is the `?` screen, one column per kind of key.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.NextTab, k.PrevTab, k.Up, k.Down, k.Left, k.Right, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Fold, k.Find},
		{k.Open, k.Back, k.Search, k.MarkRead, k.MarkAll, k.Raw, k.CopyID, k.CopyJSON, k.Save, k.Pager, k.Compose},
		{k.Refresh, k.Reset, k.Freeze, k.Advance, k.Help, k.Quit},
	}
}
