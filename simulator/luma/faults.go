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
