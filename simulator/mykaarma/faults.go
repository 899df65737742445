package mykaarma

import (
	"net/http"

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
