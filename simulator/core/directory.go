package core

// Group kinds: how a vendor groups the people it can notify, and so how a group's merged inbox
// is selected from the store.
const (
	// GroupAll is everyone of a tenant (a Luma tenant, a Luminous project, a myKaarma
	// department, a Kore.ai bot).
	GroupAll = "all"
	// GroupRole selects messages by Recipient.Role: Luma roles, myKaarma notifier kinds.
	GroupRole = "role"
	// GroupChannel selects messages by channel: a Kore.ai bot's msteams and slack.
	GroupChannel = "channel"
	// GroupMembers selects messages by recipient: the group is its members (Luminous tags).
	GroupMembers = "members"
)

// DirectoryGroup is one group of recipients in a vendor's own terms.
type DirectoryGroup struct {
	Vendor string
	Tenant string
	// TenantName is the tenant's name in the dataset, for people who don't know its id by heart
	// (a myKaarma department's UUID); empty when the dataset gives none.
	TenantName string
	Kind       string // GroupAll, GroupRole, GroupChannel or GroupMembers
	// Key is the role code or channel the group selects on; the tag for GroupMembers.
	Key  string
	Name string // human name: "Analyst", "msteams", "tag vip"
	// Members are the recipients the dataset knows in this group. Role and channel groups also
	// gather whoever received a message matching them.
	Members []Recipient
}

// Directory is implemented by a vendor that can list who it can notify, grouped its own way,
// so inspectors can show recipients before anything reached them.
type Directory interface {
	Directory() []DirectoryGroup
}
