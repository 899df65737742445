// Package core holds what every simulated vendor shares: the delivered Message, the Store that
// keeps messages and the request journal, the event Bus, the Clock, the ID generator, and the
// contract (Vendor, Request, Response) between the spec-driven server and a vendor package.
package core

import (
	"encoding/json"
	"time"
)

// Message statuses. Vendors may use others (Luminous receipts use sent, delivered, read).
const (
	StatusScheduled = "scheduled"
	StatusDelivered = "delivered"
	StatusFailed    = "failed"
)

// Channels a message can be delivered on.
const (
	ChannelLumaChat       = "luma-chat"
	ChannelWhatsApp       = "whatsapp"
	ChannelMyKaarmaNotify = "mykaarma-notifier"
	ChannelMyKaarmaPhone  = "mykaarma-phone"
	ChannelMSTeams        = "msteams"
	ChannelSlack          = "slack"
)

// Recipient is who a message was delivered to, in the vendor's own terms.
type Recipient struct {
	// ID is the vendor's identifier: a Luma login id, an E.164 number, a myKaarma user UUID, an
	// email for Kore.ai.
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Role     string `json:"role,omitempty"`     // vendor role code, e.g. "-3"
	RoleName string `json:"roleName,omitempty"` // human name of the role, e.g. "Analyst"
	Address  string `json:"address,omitempty"`  // channel address when it differs from ID
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
	// Seq orders messages by arrival; it breaks ties between messages created at the same instant.
	Seq int64 `json:"seq"`
}

// Clone returns a copy that shares no slices or maps with m, so callers can't mutate stored state.
func (m Message) Clone() Message {
	c := m
	if m.History != nil {
		c.History = append([]StatusChange(nil), m.History...)
	}
	if m.Data != nil {
		c.Data = make(map[string]any, len(m.Data))
		for k, v := range m.Data {
			c.Data[k] = v
		}
	}
	if m.Payload != nil {
		c.Payload = append(json.RawMessage(nil), m.Payload...)
	}
	if m.DeliverAt != nil {
		t := *m.DeliverAt
		c.DeliverAt = &t
	}
	if m.DeliveredAt != nil {
		t := *m.DeliveredAt
		c.DeliveredAt = &t
	}
	return c
}
