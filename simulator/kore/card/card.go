// Package card renders Microsoft Teams Adaptive Cards as the plain text a recipient reads: the
// text of every text element in order, facts as "title: value", and the card's actions as
// buttons. Kore.ai's interactive Teams notifications send such a card as the message; the
// sandbox stores its text as the message body so inboxes, searches and the TUI show it.
package card

import (
	"fmt"
	"strings"
)

// ContentType is the attachment content type of an Adaptive Card.
const ContentType = "application/vnd.microsoft.card.adaptive"

// maxDepth bounds how deep Render follows nested containers: a card is a client's JSON, and a
// hostile one can nest thousands of levels.
const maxDepth = 32

// Find returns the Adaptive Card a message payload holds: the payload itself when its type is
// AdaptiveCard, or the first Adaptive Card attachment of a Bot Framework message
// ({"attachments": [{"contentType": ContentType, "content": {…}}]}).
func Find(payload map[string]any) (map[string]any, bool) {
	if isCard(payload) {
		return payload, true
	}
	atts, _ := payload["attachments"].([]any)
	for _, a := range atts {
		att, _ := a.(map[string]any)
		content, _ := att["content"].(map[string]any)
		ct, _ := att["contentType"].(string)
		if content != nil && (strings.EqualFold(ct, ContentType) || isCard(content)) {
			return content, true
		}
	}
	return nil, false
}

func isCard(m map[string]any) bool {
	t, _ := m["type"].(string)
	return strings.EqualFold(t, "AdaptiveCard")
}

// Rendered is a card as text: its lines (text blocks, facts, image descriptions) and the titles
// of its actions.
type Rendered struct {
	Lines   []string `json:"lines"`
	Actions []string `json:"actions"`
}

// Text is the card as one string: its lines, then the actions as [Title] buttons on one line.
func (r Rendered) Text() string {
	lines := append([]string(nil), r.Lines...)
	if len(r.Actions) > 0 {
		buttons := make([]string, len(r.Actions))
		for i, a := range r.Actions {
			buttons[i] = "[" + a + "]"
		}
		lines = append(lines, strings.Join(buttons, " "))
	}
	return strings.Join(lines, "\n")
}

// Render walks a card's body and actions. Elements it does not know are walked for the items,
// columns and actions they hold, so a new container type still shows its text.
func Render(c map[string]any) Rendered {
	var r Rendered
	r.elements(c["body"], 0)
	r.actions(c["actions"], 0)
	if r.Lines == nil {
		r.Lines = []string{}
	}
	if r.Actions == nil {
		r.Actions = []string{}
	}
	return r
}

func (r *Rendered) elements(v any, depth int) {
	list, _ := v.([]any)
	for _, e := range list {
		r.element(e, depth)
	}
}

func (r *Rendered) element(v any, depth int) {
	e, _ := v.(map[string]any)
	if e == nil || depth > maxDepth {
		return
	}
	typ, _ := e["type"].(string)
	switch typ {
	case "TextBlock":
		r.line(str(e["text"]))
	case "RichTextBlock":
		var b strings.Builder
		inlines, _ := e["inlines"].([]any)
		for _, in := range inlines {
			switch x := in.(type) {
			case string:
				b.WriteString(x)
			case map[string]any:
				b.WriteString(str(x["text"]))
			}
		}
		r.line(b.String())
	case "FactSet":
		facts, _ := e["facts"].([]any)
		for _, f := range facts {
			fact, _ := f.(map[string]any)
			if fact == nil {
				continue
			}
			r.line(strings.TrimSpace(fmt.Sprintf("%s: %s", str(fact["title"]), str(fact["value"]))))
		}
	case "Image":
		if alt := str(e["altText"]); alt != "" {
			r.line("(image: " + alt + ")")
		}
	case "Input.Text", "Input.Number", "Input.Date", "Input.Time", "Input.Toggle", "Input.ChoiceSet":
		if label := str(e["label"]); label != "" {
			r.line(label)
		} else if t := str(e["title"]); t != "" {
			r.line(t)
		}
	}
	for _, key := range []string{"items", "columns"} {
		r.elements(e[key], depth+1)
	}
	r.actions(e["actions"], depth+1)
}

func (r *Rendered) actions(v any, depth int) {
	list, _ := v.([]any)
	for _, a := range list {
		action, _ := a.(map[string]any)
		if action == nil || depth > maxDepth {
			continue
		}
		if title := strings.TrimSpace(str(action["title"])); title != "" {
			r.Actions = append(r.Actions, title)
		}
		// Action.ShowCard opens a card of its own: its text belongs to the message too.
		if inner, ok := action["card"].(map[string]any); ok {
			r.elements(inner["body"], depth+1)
			r.actions(inner["actions"], depth+1)
		}
	}
}

func (r *Rendered) line(s string) {
	if s = strings.TrimSpace(s); s != "" {
		r.Lines = append(r.Lines, s)
	}
}

// str reads a card property written as a string; numbers and booleans are written as JSON does.
func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	case float64, bool:
		return fmt.Sprint(x)
	}
	return ""
}
