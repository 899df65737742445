package kore

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/notifysim/notifysim/simulator/core"
)

// Kore's error codes besides the HTTP status.
const (
	codeInvalidCredentials = 4002
	msgInvalidCredentials  = "Invalid SDK credentials"
	msgRateLimited         = "Rate limit for this API has been reached. Please try again after some time."
	msgMethodNotAllowed    = "Method Not Allowed"
)

// kError is one entry of Kore's error envelope.
type kError struct {
	Msg  string `json:"msg"`
	Code int    `json:"code"`
}

type errorBody struct {
	Errors []kError `json:"errors"`
}

// fail is the one place a Kore error answer is built: {"errors":[{"msg","code"}]}. problems go
// to the journal so a refused client can see why in /_sim/requests even when the vendor's
// message says nothing (401).
func fail(status, code int, msgs []string, problems []core.Problem) core.Response {
	body := errorBody{Errors: make([]kError, len(msgs))}
	for i, m := range msgs {
		body.Errors[i] = kError{Msg: m, Code: code}
	}
	return core.Response{Status: status, Body: body, Problems: problems}
}

// badRequest answers 400 with one error per problem, each naming its field.
func badRequest(problems []core.Problem) core.Response {
	msgs := make([]string, len(problems))
	for i, p := range problems {
		msgs[i] = p.String()
	}
	return fail(http.StatusBadRequest, http.StatusBadRequest, msgs, problems)
}

// unauthorized is the one 401 Kore gives for every credential problem; reason goes to the journal.
func unauthorized(reason string) *core.Response {
	resp := fail(http.StatusUnauthorized, codeInvalidCredentials, []string{msgInvalidCredentials},
		[]core.Problem{{In: "header", Field: "auth", Rule: "auth", Reason: reason}})
	return &resp
}

func rateLimited(bot string, retry time.Duration, window string) *core.Response {
	secs := int(math.Ceil(retry.Seconds()))
	if secs < 1 {
		secs = 1
	}
	resp := fail(http.StatusTooManyRequests, http.StatusTooManyRequests, []string{msgRateLimited},
		[]core.Problem{{Rule: "rateLimit", Reason: fmt.Sprintf("bot %s used its %s; retry after %ds", bot, window, secs)}})
	resp.Header = http.Header{"Retry-After": {strconv.Itoa(secs)}}
	return &resp
}

// Reject renders the server's refusals in Kore's envelope.
func (v *Vendor) Reject(req *core.Request, rej core.Rejection) core.Response {
	switch rej.Kind {
	case core.RejectFault:
		return faultAnswer(rej)
	case core.RejectMethodNotAllowed:
		return fail(http.StatusMethodNotAllowed, http.StatusMethodNotAllowed, []string{msgMethodNotAllowed}, rej.Problems)
	case core.RejectInvalid:
		problems := make([]core.Problem, len(rej.Problems))
		for i, p := range rej.Problems {
			problems[i] = koreProblem(p, req.Body)
		}
		return badRequest(problems)
	}
	status := rej.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	msgs := make([]string, len(rej.Problems))
	for i, p := range rej.Problems {
		msgs[i] = p.String()
	}
	if len(msgs) == 0 {
		msgs = []string{http.StatusText(status)}
	}
	return fail(status, status, msgs, rej.Problems)
}

// koreProblem rewords the generic validation wording where it would leave an integrator guessing.
func koreProblem(p core.Problem, body []byte) core.Problem {
	switch {
	case p.In == "body" && p.Field == "" && (p.Rule == "type" || p.Rule == "nullable"):
		p.Field = "body"
		p.Reason = "must be a JSON object with channel, userIdentityType, message and identities, " + strings.TrimPrefix(p.Reason, "must be an object, ")
	case p.Field == "identities" && p.Rule == "maxItems":
		var b struct {
			Identities []json.RawMessage `json:"identities"`
		}
		_ = json.Unmarshal(body, &b)
		p.Reason = fmt.Sprintf("at most %d identities are supported, got %d", MaxIdentities, len(b.Identities))
	case p.Field == "identities" && p.Rule == "minItems":
		p.Reason = "must name at least one identity"
	case p.Rule == "minLength":
		p.Reason = "must not be empty"
	}
	return p
}
