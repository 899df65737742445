package mykaarma

import (
	"fmt"
	"net/http"
	"time"

	"github.com/notifysim/notifysim/simulator/core"
)

// PrincipalName names the service subscriber Basic credentials let in, for the journal.
func (s *subscriber) PrincipalName() string { return "service subscriber " + s.Username }

// TenantOf is the department of the path: fault rules name myKaarma tenants by department UUID.
func (v *Vendor) TenantOf(req *core.Request) string { return req.PathParams["departmentUUID"] }

// faultAnswer is a fault rule's status in the vendor's body: the 401 shape for 401, otherwise
// status FAILURE with the ErrorCode its controller gives for such a status.
func (v *Vendor) faultAnswer(req *core.Request, rej core.Rejection) core.Response {
	if rej.Status == http.StatusUnauthorized {
		resp := core.JSON(rej.Status, authError{Errors: []APIError{apiError(CodeWrongCredential, authDescription+req.ID)}})
		resp.Problems = rej.Problems
		return resp
	}
	code := CodeInvalidRequest
	switch {
	case rej.Status == http.StatusTooManyRequests:
		code = CodeRateLimitReached
	case rej.Status >= 500:
		code = CodeInternalServerError
	}
	return failure(req, rej.Status, []APIError{apiError(code, http.StatusText(rej.Status))}, rej.Problems)
}

// Codes of the vendor's ErrorCode enum that only fault rules answer (research/vendors.md §3).
const (
	CodeRateLimitReached    = "RATE_LIMIT_REACHED"
	CodeInternalServerError = "INTERNAL_SERVER_ERROR"
)

// failDeliveries takes out the messages whose delivery a fault rule fails.
func (v *Vendor) failDeliveries(req *core.Request, tenant string, msgs []core.Message) (keep, failed []core.Message) {
	keep = msgs[:0:0]
	for _, m := range msgs {
		if _, ok := v.env.FailsDelivery(req, "mykaarma", tenant, m.Recipient.ID); ok {
			failed = append(failed, m)
			continue
		}
		keep = append(keep, m)
	}
	return keep, failed
}

// storeFailures wraps after so that, when delivery would have happened, the failed messages are
// stored as failed (never delivered) before the callback reports them. after is called when the
// send is handled, with the time delivery falls due (sync: now, before the answer).
func (v *Vendor) storeFailures(req *core.Request, failed []core.Message, after func(at time.Time, sync bool)) func(at time.Time, sync bool) {
	if len(failed) == 0 {
		return after
	}
	fail := func() { v.env.Fail(req, "delivery failed (fault rule)", failed...) }
	return func(at time.Time, sync bool) {
		if sync {
			fail()
		} else {
			// Set before the callback's timer at the same deadline, so it runs first.
			v.env.Clock.AfterFunc(max(at.Sub(v.env.Clock.Now()), 0), fail)
		}
		if after != nil {
			after(at, sync)
		}
	}
}

// reportFailures makes the callback say FAILURE with one error per recipient not reached. The
// code is the documented one for a failure inside the service; the enum has none for a notifier
// that could not be reached.
func reportFailures(result *CallbackResult, failed []core.Message) {
	if len(failed) == 0 {
		return
	}
	result.Status = StatusFailure
	for _, m := range failed {
		result.Errors = append(result.Errors, apiError(CodeInternalServerError,
			fmt.Sprintf("Notification could not be delivered to user %s (%s)", m.Recipient.ID, m.Channel)))
	}
}
