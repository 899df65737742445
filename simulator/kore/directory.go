package kore

import (
	"sort"

	"github.com/notifysim/notifysim/simulator/core"
)

// Directory lists, per bot, every user who has an identity on one of its enabled channels, then
// one group per enabled channel with the users reachable there. Users are global in Kore.ai; a
// bot reaches those its channels can.
func (v *Vendor) Directory() []core.DirectoryGroup {
	st := v.state.Load()
	var out []core.DirectoryGroup
	for _, b := range st.botList {
		channels := make([]string, 0, len(b.channels))
		for ch, on := range b.channels {
			if on {
				channels = append(channels, ch)
			}
		}
		sort.Strings(channels)
		all := core.DirectoryGroup{Vendor: "kore", Tenant: b.id, TenantName: b.name, Kind: core.GroupAll, Name: "identities"}
		byChannel := map[string][]core.Recipient{}
		for _, u := range st.userList {
			reachable := false
			for _, ch := range channels {
				if id, ok := u.channels[ch]; ok {
					byChannel[ch] = append(byChannel[ch], core.Recipient{ID: u.email, Name: u.name, Address: id})
					reachable = true
				}
			}
			if reachable {
				all.Members = append(all.Members, core.Recipient{ID: u.email, Name: u.name})
			}
		}
		out = append(out, all)
		for _, ch := range channels {
			out = append(out, core.DirectoryGroup{Vendor: "kore", Tenant: b.id, TenantName: b.name, Kind: core.GroupChannel, Key: ch, Name: ch, Members: byChannel[ch]})
		}
	}
	return out
}
