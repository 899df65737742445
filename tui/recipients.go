package tui

import (
	"fmt"
	"strings"

	"github.com/notifysim/notifysim/simulator/client"
)

type recKind int

const (
	recTop recKind = iota
	recTenant
	recGroup
	recMember
)

// recRow is one line of the recipients pane: a tenant, a group or a member.
type recRow struct {
	key    string // stable across reloads, so the cursor and folds stay on the same row
	kind   recKind
	parent int // index in recipients.all of the tenant or group above; -1 for none
	depth  int
	label  string
	title  string // what the inbox pane calls this selection
	vendor string
	tenant string
	count  int
	unread int
	filter client.MessageFilter
	// children is how many rows fold under this one.
	children int
}

// foldAt is how many members a group may have and still start unfolded: a project's 200
// contacts start as one row.
const foldAt = 12

// recipients is the left pane: every group of the tab's vendors, then their members, folded
// and filtered as the reader asked.
type recipients struct {
	all    []recRow // the whole tree
	rows   []recRow // what shows
	cursor int
	offset int
	folded map[string]bool
	known  map[string]bool // folds decided once: a big group starts folded, the reader's choice stays
	find   string          // text the rows are filtered by ("" = every row)
	// rowsTop is the first row's line within the pane at the last draw, for mouse clicks.
	rowsTop int
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

// tenantLabel names a tenant: by its dataset name when its id is opaque (a myKaarma
// department's UUID), else by id, which is what requests carry.
func tenantLabel(tenant, name string) string {
	if name != "" && len(tenant) > 20 {
		return name
	}
	return shortTenant(tenant)
}

// build lays out the groups of vendor ("" = every vendor), keeping the cursor on the row it
// was on.
func (p *recipients) build(groups []client.Group, vendor string) {
	if p.folded == nil {
		p.folded, p.known = map[string]bool{}, map[string]bool{}
	}
	selected := p.selected().key
	top := recRow{key: "*" + vendor, kind: recTop, parent: -1, label: "All messages", title: "All messages", filter: client.MessageFilter{Vendor: vendor}}
	if vendor != "" {
		top.label = "All " + vendorLabel[vendor]
		top.title = top.label
	}
	all := []recRow{top}
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
	add := func(r recRow) int {
		all = append(all, r)
		for i := r.parent; i >= 0; i = all[i].parent {
			all[i].children++
		}
		return len(all) - 1
	}
	for _, k := range order {
		gs := byTenant[k]
		name := gs[0].TenantName
		place := vendorLabel[k.vendor] + " " + tenantLabel(k.tenant, name)
		tenant := recRow{key: k.vendor + "/" + k.tenant, kind: recTenant, parent: -1, label: tenantLabel(k.tenant, name),
			title: place, vendor: k.vendor, tenant: k.tenant, filter: client.MessageFilter{Vendor: k.vendor, Tenant: k.tenant}}
		if vendor == "" {
			tenant.label = place
		}
		grouped := map[string]bool{}
		var everyone *client.Group
		for i := range gs {
			if gs[i].Kind == client.GroupAll {
				everyone = &gs[i]
				continue
			}
			for _, m := range gs[i].Members {
				grouped[strings.ToLower(m.Recipient.ID)] = true
			}
		}
		if everyone != nil {
			tenant.count, tenant.unread = everyone.Count, everyone.Unread
		}
		ti := add(tenant)
		groupRow := func(key, label string, count, unread int, f client.MessageFilter) int {
			return add(recRow{key: tenant.key + "/" + key, kind: recGroup, parent: ti, depth: 1, label: label,
				title: label + " (" + place + ")", vendor: k.vendor, tenant: k.tenant, count: count, unread: unread, filter: f})
		}
		// A member's inbox within a group is the group's filter narrowed to them: under a Kore.ai
		// channel it holds that channel's messages only, as the group's count does.
		member := func(parent int, gf client.MessageFilter, m client.GroupMember) {
			label := memberLabel(k.vendor, m.Recipient)
			gf.Recipient = m.Recipient.ID
			add(recRow{key: all[parent].key + "/" + m.Recipient.ID, kind: recMember, parent: parent, depth: all[parent].depth + 1,
				label: label, title: label + " (" + place + ")", vendor: k.vendor, tenant: k.tenant,
				count: m.Count, unread: m.Unread, filter: gf})
		}
		// Members no group holds (an untagged contact) get a group of their own, so a project
		// with hundreds of them folds like any group.
		if everyone != nil {
			var loose []client.GroupMember
			for _, m := range everyone.Members {
				if !grouped[strings.ToLower(m.Recipient.ID)] {
					loose = append(loose, m)
				}
			}
			if len(loose) > 0 {
				label, ids, count, unread := "others", make([]string, len(loose)), 0, 0
				if k.vendor == "luminous" {
					label = "untagged"
				}
				for i, m := range loose {
					ids[i] = m.Recipient.ID
					count += m.Count
					unread += m.Unread
				}
				gf := client.MessageFilter{Vendor: k.vendor, Tenant: k.tenant, Recipient: strings.Join(ids, ",")}
				gi := groupRow("loose", label, count, unread, gf)
				for _, m := range loose {
					member(gi, client.MessageFilter{Vendor: k.vendor, Tenant: k.tenant}, m)
				}
			}
		}
		for _, g := range gs {
			if g.Kind == client.GroupAll {
				continue
			}
			gf := g.Filter.MessageFilter()
			gi := groupRow(g.Kind+":"+g.Key, g.Name, g.Count, g.Unread, gf)
			for _, m := range g.Members {
				member(gi, gf, m)
			}
		}
	}
	for _, r := range all {
		if r.kind == recGroup && !p.known[r.key] {
			p.known[r.key] = true
			p.folded[r.key] = r.children > foldAt
		}
	}
	p.all = all
	p.layout(selected)
}

// layout picks the rows that show (folds, the filter) and puts the cursor back on key.
func (p *recipients) layout(key string) {
	show := make([]bool, len(p.all))
	if p.find == "" {
		for i, r := range p.all {
			show[i] = true
			for a := r.parent; a >= 0; a = p.all[a].parent {
				if p.folded[p.all[a].key] {
					show[i] = false
				}
			}
		}
	} else {
		find := strings.ToLower(p.find)
		show[0] = true
		for i, r := range p.all {
			if strings.Contains(strings.ToLower(r.label), find) || r.kind == recMember && strings.Contains(strings.ToLower(r.filter.Recipient), find) {
				for a := i; a >= 0 && !show[a]; a = p.all[a].parent {
					show[a] = true
				}
			}
		}
	}
	p.rows = p.rows[:0]
	p.cursor = 0
	for i, r := range p.all {
		if show[i] {
			if r.key == key {
				p.cursor = len(p.rows)
			}
			p.rows = append(p.rows, r)
		}
	}
}

// toggle folds or unfolds the group or tenant under the cursor; on a member, its group.
func (p *recipients) toggle() {
	r := p.selected()
	if r.kind == recMember && r.parent >= 0 {
		r = p.all[r.parent]
	}
	if r.children == 0 {
		return
	}
	p.folded[r.key] = !p.folded[r.key]
	p.known[r.key] = true
	p.layout(r.key)
}

// setFind filters the rows by text in a label or recipient id.
func (p *recipients) setFind(s string) {
	p.find = strings.TrimSpace(s)
	p.layout(p.selected().key)
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
	return recRow{key: "*", kind: recTop, parent: -1, title: "All messages"}
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
	if p.find != "" {
		title += " · find “" + p.find + "”"
	}
	lines := []string{st.Header(fit(paneTitle(title, focused), w))}
	if len(p.rows) == 1 && p.find != "" {
		lines = append(lines, st.Dim(fit("  nobody matches · esc clears", w)))
	}
	p.rowsTop = len(lines)
	body := h - len(lines)
	p.offset = scrollTo(p.offset, p.cursor, body, len(p.rows))
	for i := p.offset; i < len(p.rows) && len(lines) < h; i++ {
		r := p.rows[i]
		n := counts(r.count, r.unread)
		if r.kind == recTop {
			n = ""
		}
		fold := ""
		if r.kind == recTenant || r.kind == recGroup {
			fold = "○ " // an empty group: a send to it still reaches nobody
			if r.children > 0 {
				fold = "▾ "
				if p.folded[r.key] && p.find == "" {
					fold = "▸ "
				}
			}
		}
		indent := strings.Repeat("  ", r.depth)
		lead := cursorMark(i == p.cursor, focused) + indent + fold
		labelW := w - len([]rune(lead)) - len([]rune(n)) - 1
		line := fit(lead+fit(r.label, labelW)+" "+n, w)
		switch {
		case i == p.cursor && focused:
			line = st.Selected(line)
		case i == p.cursor:
			line = st.Bold(line)
		case r.unread > 0:
			line = st.Unread(line)
		case r.count == 0 && r.kind != recTop:
			line = st.Dim(line)
		}
		lines = append(lines, line)
	}
	return lines
}
