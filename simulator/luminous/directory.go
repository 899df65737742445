package luminous

import (
	"strings"

	"github.com/notifysim/notifysim/simulator/core"
)

// Directory lists every project's contacts, then one group per tag with the contacts that
// carry it. Contacts a send created are included: they are contacts from then on.
func (v *Vendor) Directory() []core.DirectoryGroup {
	st := v.state.Load()
	var out []core.DirectoryGroup
	for _, p := range st.projects {
		all := core.DirectoryGroup{Vendor: "luminous", Tenant: p.id, TenantName: p.name, Kind: core.GroupAll, Name: "contacts"}
		byTag := map[string][]core.Recipient{}
		p.mu.Lock()
		for _, c := range p.contacts {
			r := core.Recipient{ID: c.phone, Name: c.name, Address: strings.TrimPrefix(c.phone, "+")}
			all.Members = append(all.Members, r)
			for _, tag := range c.tags {
				byTag[strings.ToLower(tag)] = append(byTag[strings.ToLower(tag)], r)
			}
		}
		p.mu.Unlock()
		out = append(out, all)
		for _, tag := range p.tags {
			out = append(out, core.DirectoryGroup{Vendor: "luminous", Tenant: p.id, TenantName: p.name, Kind: core.GroupMembers,
				Key: tag, Name: "tag " + tag, Members: byTag[strings.ToLower(tag)]})
		}
	}
	return out
}
