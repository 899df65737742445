package luminous

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/notifysim/notifysim/simulator/core"
)

// Rows this package records with --data: a project's credits, and each contact it created or
// changed. Campaigns, tags and the rest come from the dataset and never change.
const (
	kindProject = "project"
	kindContact = "contact"
)

type savedProject struct {
	Credits int `json:"credits"`
	Spent   int `json:"spent"`
}

type savedContact struct {
	Phone      string            `json:"phone"`
	Name       string            `json:"name"`
	Source     string            `json:"source,omitempty"`
	Tags       []string          `json:"tags,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
	Created    time.Time         `json:"created"`
	Updated    time.Time         `json:"updated"`
	Messages   int               `json:"messages"`
}

func contactKey(p *project, phone string) string { return p.id + "\x00" + phone }

// saveSend marks what a send changed. Called with p.mu held; the rows are encoded at commit time
// under the same lock, so they hold the latest credits and contact.
func (v *Vendor) saveSend(p *project, ct *contact) {
	if !v.env.Persistent() {
		return
	}
	v.env.SaveState(v.Name(), kindProject, p.id, func() any {
		p.mu.Lock()
		defer p.mu.Unlock()
		return savedProject{Credits: p.credits, Spent: p.spent}
	})
	v.env.SaveState(v.Name(), kindContact, contactKey(p, ct.phone), func() any {
		p.mu.Lock()
		defer p.mu.Unlock()
		attrs := make(map[string]string, len(ct.attributes))
		for k, val := range ct.attributes {
			attrs[k] = val
		}
		return savedContact{Phone: ct.phone, Name: ct.name, Source: ct.source, Tags: append([]string(nil), ct.tags...),
			Attributes: attrs, Created: ct.created, Updated: ct.updated, Messages: ct.messages}
	})
}

// Restore puts back the credits and contacts a previous run recorded, then resumes the receipts
// of messages still waiting for theirs. Rows of projects the dataset no longer has are skipped.
func (v *Vendor) Restore(rows []core.StateRow) error {
	st := v.state.Load()
	byID := map[string]*project{}
	for _, p := range st.projects {
		byID[p.id] = p
	}
	for _, r := range rows {
		switch r.Kind {
		case kindProject:
			p := byID[r.Key]
			if p == nil {
				continue
			}
			var sp savedProject
			if err := json.Unmarshal(r.Value, &sp); err != nil {
				return fmt.Errorf("project %s: %w", r.Key, err)
			}
			p.mu.Lock()
			p.credits, p.spent = sp.Credits, sp.Spent
			p.mu.Unlock()
		case kindContact:
			id, _, _ := strings.Cut(r.Key, "\x00")
			p := byID[id]
			if p == nil {
				continue
			}
			var sc savedContact
			if err := json.Unmarshal(r.Value, &sc); err != nil {
				return fmt.Errorf("contact %s: %w", r.Key, err)
			}
			p.mu.Lock()
			ct, known := p.byPhone[sc.Phone]
			if !known {
				ct = &contact{phone: sc.Phone}
				p.byPhone[sc.Phone] = ct
				p.contacts = append(p.contacts, ct)
			}
			ct.name, ct.source, ct.tags, ct.attributes = sc.Name, sc.Source, sc.Tags, sc.Attributes
			if ct.attributes == nil {
				ct.attributes = map[string]string{}
			}
			ct.created, ct.updated, ct.messages = sc.Created, sc.Updated, sc.Messages
			p.mu.Unlock()
		}
	}
	v.resumeReceipts(byID)
	return nil
}

// resumeReceipts re-arms the delivered and read receipts of stored messages that had not had
// them yet, due when they would have been had the simulator kept running.
func (v *Vendor) resumeReceipts(byID map[string]*project) {
	now := v.env.Clock.Now()
	for _, status := range []string{StatusSent, StatusDelivered} {
		msgs := v.env.Store.Query(core.Filter{Vendor: v.Name(), Status: status})
		for i := len(msgs) - 1; i >= 0; i-- {
			m := msgs[i]
			p := byID[m.Tenant]
			if p == nil {
				continue
			}
			id, readAfter := m.ID, p.readAfter
			switch {
			case status == StatusSent && p.deliveredAfter >= 0:
				wait := max(m.CreatedAt.Add(p.deliveredAfter).Sub(now), 0)
				v.env.Clock.AfterFunc(wait, func() {
					if !v.env.ChangeStatus(id, StatusDelivered, "") || readAfter < 0 {
						return
					}
					v.env.Clock.AfterFunc(readAfter, func() { v.env.ChangeStatus(id, StatusRead, "") })
				})
			case status == StatusDelivered && readAfter >= 0 && m.DeliveredAt != nil:
				v.env.Clock.AfterFunc(max(m.DeliveredAt.Add(readAfter).Sub(now), 0), func() { v.env.ChangeStatus(id, StatusRead, "") })
			}
		}
	}
}
