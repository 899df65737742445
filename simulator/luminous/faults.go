package luminous

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/notifysim/notifysim/simulator/core"
)

// PrincipalName names the project an apiKey opened, for the journal.
func (p *project) PrincipalName() string { return "project " + p.id }

// TenantOf names the project whose apiKey the body carries, so fault rules can match on it
// before the body is validated; "" when the key is unknown or the body unreadable.
func (v *Vendor) TenantOf(req *core.Request) string {
	var body struct {
		APIKey any `json:"apiKey"`
	}
	_ = json.Unmarshal(req.Body, &body)
	key, _ := body.APIKey.(string)
	if p, ok := v.state.Load().byKey[strings.TrimSpace(key)]; ok {
		return p.id
	}
	return ""
}

// faultAnswer is a fault rule's status in the vendor's bodies: {"message"} for the request errors
// (400, 404) and the ERRnnn envelope its gateway uses for everything else (401, 402, 429, 5xx).
func (v *Vendor) faultAnswer(rej core.Rejection) core.Response {
	text := http.StatusText(rej.Status)
	if text == "" {
		text = "Error"
	}
	problem := core.Problem{Rule: "fault"}
	if len(rej.Problems) > 0 {
		problem = rej.Problems[0]
	}
	if rej.Status == http.StatusBadRequest || rej.Status == http.StatusNotFound {
		return fail(rej.Status, text, rej.Problems...)
	}
	return v.accountFail(rej.Status, text, problem)
}

// failReceipt moves a sent message to failed where its delivered receipt would have come (at
// once when the project sends no receipts): WhatsApp accepted it, the handset never got it.
func (v *Vendor) failReceipt(p *project, id, rule string) {
	reason := "delivery failed (fault rule " + rule + ")"
	v.env.Clock.AfterFunc(max(p.deliveredAfter, 0), func() { v.env.ChangeStatus(id, core.StatusFailed, reason) })
}
