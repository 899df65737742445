package kore

import (
	"net/http"
	"strings"

	"github.com/notifysim/notifysim/simulator/core"
)

// PrincipalName names the app and the bot it called, for the journal.
func (c *caller) PrincipalName() string { return "app " + c.app.clientID + " on bot " + c.bot.id }

// callerOf is the caller Authenticate let through; every handler runs after it.
func callerOf(req *core.Request) *caller { return req.Auth.(*caller) }

// TenantOf is the bot of the path: fault rules name Kore tenants by bot id.
func (v *Vendor) TenantOf(req *core.Request) string { return req.PathParams["BotID"] }

// faultAnswer is a fault rule's status in Kore's envelope, worded as Kore words that status:
// the rate-limit message for 429, the credentials error for 401, the status text otherwise.
func faultAnswer(rej core.Rejection) core.Response {
	switch rej.Status {
	case http.StatusTooManyRequests:
		return fail(rej.Status, rej.Status, []string{msgRateLimited}, rej.Problems)
	case http.StatusUnauthorized:
		return fail(rej.Status, codeInvalidCredentials, []string{msgInvalidCredentials}, rej.Problems)
	}
	return fail(rej.Status, rej.Status, []string{http.StatusText(rej.Status)}, rej.Problems)
}

// CommentDeliveryFailed is the status log comment of an identity a fault rule fails.
const CommentDeliveryFailed = "Message delivery to the channel failed"

// failingIdentities asks the fault rules, while the request is being answered, which identities'
// deliveries fail: the decision is the request's (journal, seeded draws), the failure the job's.
func (v *Vendor) failingIdentities(req *core.Request, bot string, identities []string) map[string]string {
	var out map[string]string
	for _, id := range identities {
		if rule, ok := v.env.FailsDelivery(req, "kore", bot, strings.TrimSpace(id)); ok {
			if out == nil {
				out = map[string]string{}
			}
			out[strings.ToLower(id)] = rule
		}
	}
	return out
}
