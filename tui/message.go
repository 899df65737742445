package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/notifysim/notifysim/simulator/client"
)

// messageView shows one message as its recipient would see it, or its raw vendor payload.
type messageView struct {
	msg        client.Message
	tenantName string // the tenant's dataset name, when its id means nothing to a person
	raw        bool
	scroll     int
}

func (v *messageView) lines(st styles, w int) []string {
	m := v.msg
	head := []string{
		st.Header(cut(fmt.Sprintf("%s → %s", vendorLabel[m.Vendor], recipientText(m)), w)),
		st.Dim(cut(fmt.Sprintf("%s · %s · %s · %s · id %s", v.tenant(), m.Channel, m.Kind, clockText(m.CreatedAt), m.ID), w)),
		st.Dim(cut("status "+history(m), w)),
		"",
	}
	if v.raw {
		return append(head, highlightJSON(st, m.Payload, w)...)
	}
	return append(head, renderMessage(st, m, w)...)
}

// tenant names the message's tenant: "Demo Motors Service (0b1d6a4e…0001)" rather than a bare
// UUID.
func (v *messageView) tenant() string {
	if v.tenantName == "" || v.tenantName == v.msg.Tenant {
		return v.msg.Tenant
	}
	return v.tenantName + " (" + shortTenant(v.msg.Tenant) + ")"
}

func recipientText(m client.Message) string {
	s := m.Recipient.ID
	if m.Recipient.Name != "" && m.Recipient.Name != m.Recipient.ID {
		s = m.Recipient.Name + " <" + m.Recipient.ID + ">"
	}
	if m.Recipient.RoleName != "" {
		s += " · " + m.Recipient.RoleName
	}
	return s
}

func history(m client.Message) string {
	if len(m.History) == 0 {
		return m.Status
	}
	var parts []string
	for _, h := range m.History {
		p := h.Status + " " + h.At.UTC().Format("15:04:05")
		if h.Reason != "" {
			p += " (" + h.Reason + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " → ")
}

// box draws a card of width w around lines.
func box(title string, body []string, w int) []string {
	inner := max(w-4, 1)
	top := "┌" + strings.Repeat("─", inner+2) + "┐"
	if title != "" {
		t := cut(" "+title+" ", inner)
		top = "┌─" + t + strings.Repeat("─", max(inner+1-len([]rune(t)), 0)) + "┐"
	}
	out := []string{top}
	for _, l := range body {
		for _, wl := range wrap(l, inner) {
			out = append(out, "│ "+fit(wl, inner)+" │")
		}
	}
	return append(out, "└"+strings.Repeat("─", inner+2)+"┘")
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	case float64, bool:
		return fmt.Sprint(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// buttonText finds a button's label whatever the vendor calls it.
func buttonText(b any) string {
	if m, ok := b.(map[string]any); ok {
		for _, k := range []string{"text", "buttonText", "buttonDefaultText", "title", "label", "type"} {
			if s := str(m[k]); s != "" {
				return s
			}
		}
	}
	return str(b)
}

func buttons(list any) string {
	items, _ := list.([]any)
	var out []string
	for _, b := range items {
		out = append(out, "[ "+buttonText(b)+" ]")
	}
	return strings.Join(out, " ")
}

func renderMessage(st styles, m client.Message, w int) []string {
	cardW := min(w, 72)
	switch m.Vendor {
	case "luma":
		var body []string
		if m.Title != "" {
			body = append(body, st.Bold(m.Title), "")
		}
		if m.Kind == "image" {
			body = append(body, "🖼  "+m.Body)
		} else {
			body = append(body, m.Body)
		}
		return box("Luma · "+m.Kind, body, cardW)
	case "luminous":
		return whatsApp(st, m, cardW)
	case "mykaarma":
		body := []string{}
		if m.Title != "" {
			body = append(body, st.Bold(m.Title))
		}
		body = append(body, m.Body)
		if b := buttons(m.Data["buttons"]); b != "" {
			body = append(body, "", b)
		}
		label := "myKaarma notifier"
		if m.Channel == "mykaarma-phone" {
			label = "myKaarma phone notification"
		}
		return box(label, body, cardW)
	case "kore":
		return chat(st, m, cardW)
	}
	return wrap(m.Body, w)
}

func whatsApp(st styles, m client.Message, w int) []string {
	var body []string
	if h, ok := m.Data["header"].(map[string]any); ok {
		typ := str(h["type"])
		switch {
		case str(h["text"]) != "":
			body = append(body, st.Bold(str(h["text"])))
		case str(h["url"]) != "":
			line := "📎 " + typ + ": " + str(h["url"])
			if fn := str(h["filename"]); fn != "" {
				line += " (" + fn + ")"
			}
			body = append(body, line)
		default:
			body = append(body, "📎 "+typ)
		}
		body = append(body, "")
	} else if m.Title != "" {
		body = append(body, st.Bold(m.Title), "")
	}
	body = append(body, m.Body)
	if f := str(m.Data["footer"]); f != "" {
		body = append(body, st.Dim(f))
	}
	if b := buttons(m.Data["buttons"]); b != "" {
		body = append(body, "", b)
	}
	title := "WhatsApp · " + str(m.Data["campaign"])
	out := box(title, body, w)
	if params, ok := m.Data["templateParams"].([]any); ok && len(params) > 0 {
		var ps []string
		for i, p := range params {
			ps = append(ps, fmt.Sprintf("{{%d}}=%s", i+1, str(p)))
		}
		out = append(out, st.Dim(cut("template "+str(m.Data["template"])+" · "+strings.Join(ps, " "), w)))
	}
	return out
}

// chat renders a Teams or Slack message; an Adaptive Card (or Slack blocks) shows its text
// and actions rather than its JSON.
func chat(st styles, m client.Message, w int) []string {
	label := map[string]string{"msteams": "Microsoft Teams", "slack": "Slack"}[m.Channel]
	if label == "" {
		label = m.Channel
	}
	var card map[string]any
	if json.Unmarshal([]byte(strings.TrimSpace(m.Body)), &card) == nil && card != nil {
		if texts, actions := cardParts(card); len(texts) > 0 || len(actions) > 0 {
			body := texts
			if len(actions) > 0 {
				body = append(body, "", "[ "+strings.Join(actions, " ] [ ")+" ]")
			}
			return box(label+" · card", body, w)
		}
	}
	return box(label, []string{m.Body}, w)
}

// cardParts walks an Adaptive Card (or a Slack message) for its text and its action titles.
func cardParts(v any) (texts, actions []string) {
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			typ := str(x["type"])
			if strings.HasPrefix(typ, "Action.") || typ == "button" {
				if t := str(x["title"]); t != "" {
					actions = append(actions, t)
				} else if t, ok := x["text"].(map[string]any); ok {
					actions = append(actions, str(t["text"]))
				}
				return
			}
			if t, ok := x["text"].(string); ok && t != "" {
				texts = append(texts, t)
			}
			// A fixed order of the containers keeps the view stable: a map has none.
			for _, k := range []string{"body", "blocks", "items", "columns", "attachments", "content", "fields", "actions", "elements"} {
				if c, ok := x[k]; ok {
					walk(c)
				}
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return texts, actions
}

// highlightJSON pretty-prints raw JSON with keys, strings, numbers and literals coloured.
func highlightJSON(st styles, raw json.RawMessage, w int) []string {
	if len(raw) == 0 {
		return []string{st.Dim("(no payload)")}
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return wrap(string(raw), w)
	}
	var out []string
	for _, l := range strings.Split(buf.String(), "\n") {
		for _, wl := range wrap(l, w) {
			out = append(out, colourJSONLine(st, wl))
		}
	}
	return out
}

// colourJSONLine colours one line of indented JSON; without colour it returns it unchanged.
func colourJSONLine(st styles, l string) string {
	if !st.Color {
		return l
	}
	var b strings.Builder
	i := 0
	for i < len(l) {
		c := l[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(l) && l[j] != '"' {
				if l[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, len(l))
			tok := l[i:j]
			if strings.HasPrefix(strings.TrimSpace(l[j:]), ":") {
				b.WriteString(st.Key(tok))
			} else {
				b.WriteString(st.String(tok))
			}
			i = j
		case c == '-' || c >= '0' && c <= '9':
			j := i
			for j < len(l) && strings.IndexByte("-+.eE0123456789", l[j]) >= 0 {
				j++
			}
			b.WriteString(st.Number(l[i:j]))
			i = j
		case strings.HasPrefix(l[i:], "true") || strings.HasPrefix(l[i:], "null"):
			b.WriteString(st.Literal(l[i : i+4]))
			i += 4
		case strings.HasPrefix(l[i:], "false"):
			b.WriteString(st.Literal(l[i : i+5]))
			i += 5
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}
