package mykaarma

import (
	"strings"

	"github.com/notifysim/notifysim/simulator/core"
)

// notifierKinds is the order the notifier targets are listed in: who a notification reaches
// first.
var notifierKinds = []string{RoleThreadOwner, RoleInternalSubscriber, RoleExternalSubscriber, RoleAdditionalNotifier}

// Directory lists every department's users, then one group per notifier kind. A kind's members
// are the department's users the dataset puts there (the default user owns threads, the
// subscribers subscribe); who a message actually reached as that kind joins from the inbox.
func (v *Vendor) Directory() []core.DirectoryGroup {
	st := v.state.Load()
	var out []core.DirectoryGroup
	for _, d := range st.departments {
		all := core.DirectoryGroup{Vendor: "mykaarma", Tenant: d.UUID, TenantName: d.Name, Kind: core.GroupAll, Name: "department users"}
		if d.Name != "" {
			all.Name = d.Name + " users"
		}
		for _, u := range d.Users {
			all.Members = append(all.Members, core.Recipient{ID: u.UUID, Name: u.Name, Address: u.Phone})
		}
		out = append(out, all)
		known := map[string][]string{
			RoleThreadOwner:        nonEmpty(d.DefaultUser),
			RoleInternalSubscriber: d.InternalSubscribers,
			RoleExternalSubscriber: d.ExternalSubscribers,
		}
		for _, kind := range notifierKinds {
			g := core.DirectoryGroup{Vendor: "mykaarma", Tenant: d.UUID, TenantName: d.Name, Kind: core.GroupRole, Key: kind, Name: roleNames[kind]}
			for _, id := range known[kind] {
				if u, ok := st.users[strings.ToLower(id)]; ok {
					g.Members = append(g.Members, core.Recipient{ID: u.UUID, Name: u.Name, Role: kind, RoleName: roleNames[kind]})
				}
			}
			out = append(out, g)
		}
	}
	return out
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
