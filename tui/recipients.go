package tui

import (
	"fmt"
	"strings"

	"github.com/notifysim/notifysim/simulator/client"
)

// recRow is one line of the recipients pane: a tenant, a group or a member.
type recRow struct {
	key    string // stable across reloads, so the cursor stays on the same row
	depth  int
	label  string
	title  string // what the inbox pane calls this selection
	vendor string
	tenant string
	count  int
	unread int
	filter client.MessageFilter
}

// recipients is the left pane: every group of the tab's vendors, then their members.
type recipients struct {
	rows   []recRow
	cursor int
	offset int
}

var vendorLabel = map[string]string{"luma": "Luma", "luminous": "Luminous", "mykaarma": "myKaarma", "kore": "Kore.ai"}

// memberLabel names a recipient the way the vendor's users know them: myKaarma users by name
// (their ids are UUIDs), everyone else by id (login, phone number, email).
func memberLabel(vendor string, r client.Recipient) string {
	if vendor == "mykaarma" && r.Name != "" {
		return r.Name
	}
	return r.ID
}

// build lays out the groups of vendor ("" = every vendor), keeping the cursor on the row it
// was on.
func (p *recipients) build(groups []client.Group, vendor string) {
	var selected string
	if p.cursor < len(p.rows) {
		selected = p.rows[p.cursor].key
	}
	top := recRow{key: "*" + vendor, label: "All messages", title: "All messages", filter: client.MessageFilter{Vendor: vendor}}
	if vendor != "" {
		top.label = "All " + vendorLabel[vendor]
		top.title = top.label
	}
	rows := []recRow{top}
	type tenantKey struct{ vendor, tenant string }
	var order []tenantKey
	byTenant := map[tenantKey][]client.Group{}
	for _, g := range groups {
		if vendor != "" && g.Vendor != vendor {
			continue
		}
		k := tenantKey{g.Vendor, g.Tenant}
		if _, ok := byTenant[k]; !ok {
			order = append(order, k)
		}
		byTenant[k] = append(byTenant[k], g)
	}
	for _, k := range order {
		gs := byTenant[k]
		tenantRow := recRow{key: k.vendor + "/" + k.tenant, label: shortTenant(k.tenant), vendor: k.vendor, tenant: k.tenant,
			filter: client.MessageFilter{Vendor: k.vendor, Tenant: k.tenant}}
		if vendor == "" {
			tenantRow.label = vendorLabel[k.vendor] + " " + tenantRow.label
		}
		tenantRow.title = vendorLabel[k.vendor] + " " + k.tenant
		grouped := map[string]bool{}
		var all *client.Group
		for i := range gs {
			if gs[i].Kind == client.GroupAll {
				all = &gs[i]
				continue
			}
			for _, m := range gs[i].Members {
				grouped[strings.ToLower(m.Recipient.ID)] = true
			}
		}
		if all != nil {
			tenantRow.count, tenantRow.unread = all.Count, all.Unread
		}
		rows = append(rows, tenantRow)
		member := func(g client.Group, m client.GroupMember, depth int) recRow {
			return recRow{key: tenantRow.key + "/" + g.Kind + ":" + g.Key + "/" + m.Recipient.ID, depth: depth,
				label: memberLabel(k.vendor, m.Recipient), title: memberLabel(k.vendor, m.Recipient) + " (" + vendorLabel[k.vendor] + " " + k.tenant + ")",
				vendor: k.vendor, tenant: k.tenant, count: m.Count, unread: m.Unread,
				filter: client.MessageFilter{Vendor: k.vendor, Tenant: k.tenant, Recipient: m.Recipient.ID}}
		}
		// Members no group holds (an untagged contact) sit under the tenant itself.
		if all != nil {
			for _, m := range all.Members {
				if !grouped[strings.ToLower(m.Recipient.ID)] {
					rows = append(rows, member(*all, m, 1))
				}
			}
		}
		for _, g := range gs {
			if g.Kind == client.GroupAll {
				continue
			}
			rows = append(rows, recRow{key: tenantRow.key + "/" + g.Kind + ":" + g.Key, depth: 1, label: g.Name,
				title: g.Name + " (" + vendorLabel[k.vendor] + " " + k.tenant + ")", vendor: k.vendor, tenant: k.tenant,
				count: g.Count, unread: g.Unread, filter: g.Filter.MessageFilter()})
			for _, m := range g.Members {
				rows = append(rows, member(g, m, 2))
			}
		}
	}
	p.rows = rows
	p.cursor = 0
	for i, r := range rows {
		if r.key == selected {
			p.cursor = i
		}
	}
}

// shortTenant keeps long ids (myKaarma department UUIDs) readable in a narrow pane.
func shortTenant(t string) string {
	if len(t) > 20 {
		return t[:8] + "…" + t[len(t)-4:]
	}
	return t
}

func (p *recipients) selected() recRow {
	if p.cursor < len(p.rows) {
		return p.rows[p.cursor]
	}
	return recRow{key: "*", title: "All messages"}
}

func (p *recipients) move(d int) bool {
	old := p.cursor
	p.cursor = clamp(p.cursor+d, 0, max(len(p.rows)-1, 0))
	return p.cursor != old
}

func counts(count, unread int) string {
	if unread > 0 {
		return fmt.Sprintf("%d ●%d", count, unread)
	}
	return fmt.Sprintf("%d", count)
}

func (p *recipients) view(st styles, w, h int, focused bool) []string {
	title := "Recipients"
	lines := []string{st.Header(fit(title, w))}
	body := h - 1
	p.offset = scrollTo(p.offset, p.cursor, body, len(p.rows))
	for i := p.offset; i < len(p.rows) && len(lines) < h; i++ {
		r := p.rows[i]
		n := counts(r.count, r.unread)
		if strings.HasPrefix(r.key, "*") {
			n = ""
		}
		marker := " "
		if i == p.cursor {
			marker = "›"
		}
		labelW := w - 1 - 2*r.depth - len([]rune(n)) - 1
		line := marker + strings.Repeat("  ", r.depth) + fit(r.label, labelW) + " " + n
		line = fit(line, w)
		switch {
		case i == p.cursor && focused:
			line = st.Selected(line)
		case i == p.cursor:
			line = st.Bold(line)
		case r.unread > 0:
			line = st.Unread(line)
		case r.count == 0 && !strings.HasPrefix(r.key, "*"):
			line = st.Dim(line)
		}
		lines = append(lines, line)
	}
	return lines
}
