package admin

import (
	"net/http"
	"strings"
	"time"

	"github.com/notifysim/notifysim/simulator/core"
)

// groupMember is one recipient's counts within a group.
type groupMember struct {
	Recipient core.Recipient `json:"recipient"`
	Count     int            `json:"count"`
	Unread    int            `json:"unread"`
	LastAt    *time.Time     `json:"lastAt,omitempty"`
}

// groupFilter is the /_sim/messages query that selects a group's merged inbox.
type groupFilter struct {
	Vendor    string `json:"vendor"`
	Tenant    string `json:"tenant"`
	Role      string `json:"role,omitempty"`
	Channel   string `json:"channel,omitempty"`
	Recipient string `json:"recipient,omitempty"`
}

type group struct {
	Vendor     string        `json:"vendor"`
	Tenant     string        `json:"tenant"`
	TenantName string        `json:"tenantName,omitempty"`
	Kind       string        `json:"kind"`
	Key        string        `json:"key,omitempty"`
	Name       string        `json:"name"`
	Count      int           `json:"count"`
	Unread     int           `json:"unread"`
	Filter     groupFilter   `json:"filter"`
	Members    []groupMember `json:"members"`
}

// listGroups answers GET /_sim/groups: every vendor's recipient groups in its own terms, each
// with its members and the counts of its merged inbox. Members the dataset knows are listed
// even with no message; whoever received a message matching a role or channel group joins it.
// Each group costs one pass over the store, never a copy of its messages.
func (a *API) listGroups(req *core.Request) core.Response {
	q := req.HTTP.URL.Query()
	vendor, tenant := q.Get("vendor"), q.Get("tenant")
	var dir []core.DirectoryGroup
	if a.c.Directory != nil {
		dir = a.c.Directory()
	}
	out := []group{}
	for _, d := range dir {
		if vendor != "" && !strings.EqualFold(vendor, d.Vendor) || tenant != "" && !strings.EqualFold(tenant, d.Tenant) {
			continue
		}
		out = append(out, a.group(d))
	}
	return core.JSON(http.StatusOK, map[string]any{"groups": out})
}

func (a *API) group(d core.DirectoryGroup) group {
	g := group{Vendor: d.Vendor, Tenant: d.Tenant, TenantName: d.TenantName, Kind: d.Kind, Key: d.Key, Name: d.Name,
		Filter: groupFilter{Vendor: d.Vendor, Tenant: d.Tenant}, Members: []groupMember{}}
	f := core.Filter{Vendor: d.Vendor, Tenant: d.Tenant}
	switch d.Kind {
	case core.GroupRole:
		f.Role, g.Filter.Role = d.Key, d.Key
	case core.GroupChannel:
		f.Channel, g.Filter.Channel = d.Key, d.Key
	case core.GroupMembers:
		ids := make([]string, len(d.Members))
		for i, m := range d.Members {
			ids[i] = m.ID
		}
		f.Recipients, g.Filter.Recipient = ids, strings.Join(ids, ",")
	}
	index := map[string]int{}
	for _, m := range d.Members {
		index[strings.ToLower(m.ID)] = len(g.Members)
		g.Members = append(g.Members, groupMember{Recipient: m})
	}
	if d.Kind == core.GroupMembers && len(d.Members) == 0 {
		return g // nobody carries the tag: an empty Recipients filter would match everyone
	}
	for _, in := range a.c.Env.Store.Inboxes(f) {
		g.Count += in.Count
		g.Unread += in.Unread
		i, ok := index[strings.ToLower(in.Recipient.ID)]
		if !ok {
			i = len(g.Members)
			index[strings.ToLower(in.Recipient.ID)] = i
			g.Members = append(g.Members, groupMember{Recipient: in.Recipient})
		}
		g.Members[i].Count, g.Members[i].Unread = in.Count, in.Unread
		if in.Last != nil {
			t := in.Last.CreatedAt
			g.Members[i].LastAt = &t
		}
	}
	return g
}
