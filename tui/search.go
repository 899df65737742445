package tui

import (
	"strings"

	"github.com/notifysim/notifysim/simulator/client"
)

// query is the inbox search, as Mailpit reads its search box: `to:`, `status:`, `channel:` and
// `vendor:` terms, and free text matched in the title or body. The admin API applies it, so it
// pages through every stored message, not only the loaded ones.
type query struct {
	raw     string
	to      []string // recipient ids (to:a,b or several to: terms: any of them)
	status  string
	channel string
	vendor  string
	text    string
}

// searchPrefixes are the terms a query understands, for the prompt's hint and the help screen.
var searchPrefixes = []string{"to:", "status:", "channel:", "vendor:"}

// parseQuery reads a search. A term with an unknown prefix (http://x, a:b) is free text.
func parseQuery(s string) query {
	q := query{raw: strings.TrimSpace(s)}
	var free []string
	for _, f := range strings.Fields(s) {
		key, val, ok := strings.Cut(f, ":")
		if !ok || val == "" {
			free = append(free, f)
			continue
		}
		switch strings.ToLower(key) {
		case "to":
			for _, id := range strings.Split(val, ",") {
				if id = strings.TrimSpace(id); id != "" {
					q.to = append(q.to, id)
				}
			}
		case "status":
			q.status = strings.ToLower(val)
		case "channel":
			q.channel = strings.ToLower(val)
		case "vendor":
			q.vendor = vendorCode(val)
		default:
			free = append(free, f)
		}
	}
	q.text = strings.Join(free, " ")
	return q
}

// vendorCode accepts a vendor as the tabs name it (Kore.ai, myKaarma) or as the API does.
func vendorCode(s string) string {
	s = strings.ToLower(strings.TrimSuffix(strings.ToLower(s), ".ai"))
	for code, label := range vendorLabel {
		if s == code || s == strings.ToLower(strings.TrimSuffix(label, ".ai")) {
			return code
		}
	}
	return s
}

func (q query) empty() bool { return q.raw == "" }

// apply narrows base by the query. ok is false when the two cannot both hold (vendor:kore on
// the Luma tab, to: someone outside the selected group): nothing matches, no request needed.
func (q query) apply(base client.MessageFilter) (client.MessageFilter, bool) {
	f := base
	narrow := func(field *string, v string) bool {
		if v == "" {
			return true
		}
		if *field != "" && !strings.EqualFold(*field, v) {
			return false
		}
		*field = v
		return true
	}
	if !narrow(&f.Vendor, q.vendor) || !narrow(&f.Channel, q.channel) || !narrow(&f.Status, q.status) {
		return f, false
	}
	if len(q.to) > 0 {
		ids := q.to
		if base.Recipient != "" {
			ids = nil
			for _, id := range q.to {
				if containsFold(strings.Split(base.Recipient, ","), id) {
					ids = append(ids, id)
				}
			}
			if len(ids) == 0 {
				return f, false
			}
		}
		f.Recipient = strings.Join(ids, ",")
	}
	f.Text = q.text
	return f, true
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), s) {
			return true
		}
	}
	return false
}

// matches is the server's filter applied to a message that arrived live, so it joins the list
// only if a reload would have listed it.
func matches(f client.MessageFilter, m client.Message) bool {
	eq := strings.EqualFold
	if f.Vendor != "" && !eq(f.Vendor, m.Vendor) || f.Tenant != "" && !eq(f.Tenant, m.Tenant) ||
		f.Channel != "" && !eq(f.Channel, m.Channel) || f.Status != "" && !eq(f.Status, m.Status) {
		return false
	}
	if f.Role != "" && !eq(f.Role, m.Recipient.Role) && !eq(f.Role, m.Recipient.RoleName) {
		return false
	}
	if f.Recipient != "" && !containsFold(strings.Split(f.Recipient, ","), m.Recipient.ID) {
		return false
	}
	if f.Text != "" {
		q := strings.ToLower(f.Text)
		if !strings.Contains(strings.ToLower(m.Body), q) && !strings.Contains(strings.ToLower(m.Title), q) {
			return false
		}
	}
	return true
}

// highlight paints every case-insensitive occurrence of needle in a fitted plain line. Widths
// don't change: only styles are added.
func highlight(st styles, line, needle string) string {
	if needle == "" || !st.Color {
		return line
	}
	lower, n := strings.ToLower(line), strings.ToLower(needle)
	if len(lower) != len(line) { // a case change that alters byte lengths: leave it plain
		return line
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, n)
		if i < 0 {
			b.WriteString(line)
			return b.String()
		}
		b.WriteString(line[:i])
		b.WriteString(st.Match(line[i : i+len(n)]))
		line, lower = line[i+len(n):], lower[i+len(n):]
	}
}
