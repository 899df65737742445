package luma

import (
	"strings"

	"github.com/notifysim/notifysim/simulator/core"
)

// PrincipalName names the tenant a Bearer token let in, for the journal.
func (t *tenant) PrincipalName() string { return "tenant " + t.ID }

// tenantOf is the tenant Authenticate let through; every handler runs after it.
func tenantOf(req *core.Request) *tenant {
	t, _ := req.Auth.(*tenant)
	return t
}

// TenantOf names the tenant whose token the request carries, before authentication, so fault
// rules can match on it; "" when the token is unknown.
func (v *Vendor) TenantOf(req *core.Request) string {
	_, token, _ := strings.Cut(strings.TrimSpace(req.HTTP.Header.Get("Authorization")), " ")
	if t, ok := v.state.Load().byToken[strings.TrimSpace(token)]; ok {
		return t.ID
	}
	return ""
}

// faultAnswer is a fault rule's status in Luma's envelope, as its gateway answers it: the status
// text as message, no errors, no data. Why is in the journal, not in the vendor's body.
func (v *Vendor) faultAnswer(rej core.Rejection) core.Response {
	resp := v.respond(rej.Status, "", nil, nil)
	resp.Problems = rej.Problems
	return resp
}

// failDeliveries takes out the recipients whose delivery a fault rule fails: their messages (m,
// to each of them) are stored as failed, never delivered, and they are not in the answer's list
// of notified users. recipients may be the tenant's own list: it is copied before it changes.
func (v *Vendor) failDeliveries(req *core.Request, t *tenant, recipients []core.Recipient, m core.Message) []core.Recipient {
	if !v.env.DeliveryFaultsActive() {
		return recipients
	}
	var keep []core.Recipient
	var failed []core.Message
	for i, r := range recipients {
		rule, ok := v.env.FailsDelivery(req, "luma", t.ID, r.ID)
		if !ok {
			if keep != nil {
				keep = append(keep, r)
			}
			continue
		}
		if keep == nil {
			keep = append(make([]core.Recipient, 0, len(recipients)), recipients[:i]...)
		}
		f := m
		f.Recipient, f.Data = r, withFault(m.Data, rule)
		failed = append(failed, f)
	}
	if len(failed) == 0 {
		return recipients
	}
	v.env.Fail(req, "delivery failed (fault rule)", failed...)
	return keep
}

// withFault copies data, shared by every message of a request, adding the rule that failed one.
func withFault(data map[string]any, rule string) map[string]any {
	out := make(map[string]any, len(data)+1)
	for k, val := range data {
		out[k] = val
	}
	out["faultRule"] = rule
	return out
}
