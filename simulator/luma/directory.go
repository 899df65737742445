package luma

import (
	"strconv"

	"github.com/notifysim/notifysim/simulator/core"
)

// Directory lists every tenant's users, then one group per role in role-code order
// (Administrator first), each with its users; roles nobody has are listed too, empty, because
// a notification to them is still a valid request.
func (v *Vendor) Directory() []core.DirectoryGroup {
	st := v.state.Load()
	var out []core.DirectoryGroup
	for _, t := range st.tenants {
		all := core.DirectoryGroup{Vendor: "luma", Tenant: t.ID, Kind: core.GroupAll, Name: "all users"}
		byRole := map[int][]core.Recipient{}
		for _, u := range t.Users {
			r := core.Recipient{ID: u.Login, Name: u.Name, Role: strconv.Itoa(u.Role), RoleName: u.RoleName}
			all.Members = append(all.Members, r)
			byRole[u.Role] = append(byRole[u.Role], r)
		}
		out = append(out, all)
		for code := -1; code >= -5; code-- {
			out = append(out, core.DirectoryGroup{Vendor: "luma", Tenant: t.ID, Kind: core.GroupRole,
				Key: strconv.Itoa(code), Name: roleNames[code], Members: byRole[code]})
		}
	}
	return out
}
