package client

import (
	"encoding/json"
	"time"
)

// Recipient is who a message was delivered to, in the vendor's own terms.
type Recipient struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Role     string `json:"role,omitempty"`
	RoleName string `json:"roleName,omitempty"`
	Address  string `json:"address,omitempty"`
}

// StatusChange is one step of a message's life.
type StatusChange struct {
	Status string    `json:"status"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
}

// Message is one notification to one recipient.
type Message struct {
	ID          string          `json:"id"`
	Vendor      string          `json:"vendor"`
	Tenant      string          `json:"tenant"`
	Recipient   Recipient       `json:"recipient"`
	Channel     string          `json:"channel"`
	Kind        string          `json:"kind"`
	Body        string          `json:"body"`
	Title       string          `json:"title,omitempty"`
	Data        map[string]any  `json:"data,omitempty"`
	Payload     json.RawMessage `json:"payload,omitempty"`
	Status      string          `json:"status"`
	History     []StatusChange  `json:"history,omitempty"`
	Seen        bool            `json:"seen"`
	CreatedAt   time.Time       `json:"createdAt"`
	DeliverAt   *time.Time      `json:"deliverAt,omitempty"`
	DeliveredAt *time.Time      `json:"deliveredAt,omitempty"`
	RequestID   string          `json:"requestId,omitempty"`
	Seq         int64           `json:"seq"`
}

// MessageList is one page of messages, newest first.
type MessageList struct {
	// Count is how many messages this page holds; Total how many match the filter.
	Count    int       `json:"count"`
	Total    int       `json:"total"`
	Messages []Message `json:"messages"`
	// NextCursor, when not empty, fetches the next (older) page: pass it as MessageFilter.Cursor.
	NextCursor string `json:"nextCursor,omitempty"`
}

// Health is the simulator's liveness summary.
type Health struct {
	Status        string    `json:"status"`
	Version       string    `json:"version"`
	Time          time.Time `json:"time"`
	UptimeSeconds float64   `json:"uptimeSeconds"`
	Vendors       []string  `json:"vendors"`
	Messages      int       `json:"messages"`
	Requests      int64     `json:"requests"`
	Subscribers   int       `json:"subscribers"`
}

// Inbox summarises the messages of one recipient.
type Inbox struct {
	Vendor    string    `json:"vendor"`
	Tenant    string    `json:"tenant"`
	Recipient Recipient `json:"recipient"`
	Count     int       `json:"count"`
	Unread    int       `json:"unread"`
	Channels  []string  `json:"channels"`
	Last      *Message  `json:"last,omitempty"`
}

// RoleGroup sums the inboxes of everyone with one role.
type RoleGroup struct {
	Vendor     string   `json:"vendor"`
	Tenant     string   `json:"tenant"`
	Role       string   `json:"role"`
	RoleName   string   `json:"roleName,omitempty"`
	Recipients []string `json:"recipients"`
	Count      int      `json:"count"`
	Unread     int      `json:"unread"`
}

// Inboxes is the answer of /_sim/inboxes: one row per recipient and one per role.
type Inboxes struct {
	Inboxes []Inbox     `json:"inboxes"`
	Roles   []RoleGroup `json:"roles"`
}

// Problem is one reason a request was refused.
type Problem struct {
	In     string `json:"in,omitempty"`
	Field  string `json:"field,omitempty"`
	Rule   string `json:"rule,omitempty"`
	Reason string `json:"reason"`
}

func (p Problem) String() string {
	if p.Field != "" {
		return p.Field + ": " + p.Reason
	}
	return p.Reason
}

// JournalEntry is one vendor request the simulator answered.
type JournalEntry struct {
	ID           string            `json:"id"`
	Time         time.Time         `json:"time"`
	Vendor       string            `json:"vendor,omitempty"`
	Operation    string            `json:"operation,omitempty"`
	Method       string            `json:"method"`
	Path         string            `json:"path"`
	Query        string            `json:"query,omitempty"`
	Headers      map[string]string `json:"headers,omitempty"`
	Body         string            `json:"body,omitempty"`
	Status       int               `json:"status"`
	Response     string            `json:"response,omitempty"`
	Problems     []Problem         `json:"problems,omitempty"`
	Notes        []string          `json:"notes,omitempty"`
	Principal    string            `json:"principal,omitempty"` // who the vendor's authentication let through
	Faults       []string          `json:"faults,omitempty"`    // ids of the fault rules applied
	Messages     []string          `json:"messages,omitempty"`
	MessageCount int               `json:"messageCount"`
	DurationMS   float64           `json:"durationMs"`
	Seq          int64             `json:"seq"`
}

// RequestList is one page of the journal, newest first.
type RequestList struct {
	// Total is how many journal entries match the filter, whatever the page and limit.
	Total    int64          `json:"total"`
	Requests []JournalEntry `json:"requests"`
	// NextCursor, when not empty, fetches the next (older) page: pass it as RequestFilter.Cursor.
	NextCursor string `json:"nextCursor,omitempty"`
}

// TroubleshootEntry is one refused request in Luma's troubleshoot log.
type TroubleshootEntry struct {
	Time      time.Time `json:"time"`
	RequestID string    `json:"requestId"`
	Vendor    string    `json:"vendor"`
	Tenant    string    `json:"tenant,omitempty"`
	Status    int       `json:"status"`
	Errors    []string  `json:"errors"`
	Body      string    `json:"body"`
}

// CallbackAttempt is one try at POSTing a callback.
type CallbackAttempt struct {
	Attempt    int       `json:"attempt"`
	Time       time.Time `json:"time"`
	Status     int       `json:"status,omitempty"`
	Error      string    `json:"error,omitempty"`
	DurationMS float64   `json:"durationMs"`
}

// Callback is a result the simulator sent (or is sending) to a URL a client gave.
type Callback struct {
	ID        string            `json:"id"`
	Vendor    string            `json:"vendor"`
	RequestID string            `json:"requestId,omitempty"`
	URL       string            `json:"url"`
	Body      json.RawMessage   `json:"body"`
	State     string            `json:"state"`
	Attempts  []CallbackAttempt `json:"attempts"`
	Created   time.Time         `json:"created"`
}

// Clock is the simulated time.
type Clock struct {
	Now           time.Time `json:"now"`
	Frozen        bool      `json:"frozen"`
	PendingTimers int       `json:"pendingTimers"`
}

// Status is the answer of a control route (reset, fixtures).
type Status struct {
	Status  string   `json:"status"`
	Vendors []string `json:"vendors,omitempty"`
}

// Job is the summary of a Kore.ai notify job that job.progress events carry.
type Job struct {
	ID                 string `json:"_id"`
	StreamID           string `json:"streamId"`
	Channel            string `json:"channel"`
	MessageType        string `json:"messageType"`
	Status             string `json:"status"`
	PercentageComplete int    `json:"percentageComplete"`
	Identities         int    `json:"identities"`
	Count              int    `json:"count"`
	Succeeded          int    `json:"succeeded"`
	Failed             int    `json:"failed"`
	CreatedOn          string `json:"createdOn"`
	LMod               string `json:"lMod"`
	RequestID          string `json:"requestId,omitempty"`
}

// Group kinds of /_sim/groups.
const (
	GroupAll     = "all"     // everyone of a tenant
	GroupRole    = "role"    // Luma roles, myKaarma notifier kinds
	GroupChannel = "channel" // Kore.ai channels
	GroupMembers = "members" // Luminous tags
)

// GroupMember is one recipient's counts within a group.
type GroupMember struct {
	Recipient Recipient  `json:"recipient"`
	Count     int        `json:"count"`
	Unread    int        `json:"unread"`
	LastAt    *time.Time `json:"lastAt,omitempty"`
}

// GroupFilter is the message query of a group's merged inbox; Recipient may list several ids,
// comma-separated.
type GroupFilter struct {
	Vendor    string `json:"vendor"`
	Tenant    string `json:"tenant"`
	Role      string `json:"role,omitempty"`
	Channel   string `json:"channel,omitempty"`
	Recipient string `json:"recipient,omitempty"`
}

// MessageFilter returns the filter that pages through the group's merged inbox.
func (g GroupFilter) MessageFilter() MessageFilter {
	return MessageFilter{Vendor: g.Vendor, Tenant: g.Tenant, Role: g.Role, Channel: g.Channel, Recipient: g.Recipient}
}

// Group is one group of recipients in a vendor's own terms, with the counts of its merged inbox.
type Group struct {
	Vendor string `json:"vendor"`
	Tenant string `json:"tenant"`
	// TenantName is the tenant's name in the dataset (a myKaarma department's, a Luminous
	// project's, a Kore.ai bot's); empty when it has none.
	TenantName string        `json:"tenantName,omitempty"`
	Kind       string        `json:"kind"`
	Key        string        `json:"key,omitempty"`
	Name       string        `json:"name"`
	Count      int           `json:"count"`
	Unread     int           `json:"unread"`
	Filter     GroupFilter   `json:"filter"`
	Members    []GroupMember `json:"members"`
}
