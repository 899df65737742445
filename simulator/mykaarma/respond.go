package mykaarma

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"github.com/notifysim/notifysim/simulator/core"
)

// Error codes the notify endpoint answers with (names of the vendor's ErrorCode enum).
const (
	CodeCredentialsAreNull       = "CREDENTIALS_ARE_NULL"
	CodeWrongCredential          = "WRONG_CREDENTIAL"
	CodeInvalidServiceSubscriber = "INVALID_SERVICE_SUBSCRIBER"
	CodeNotAuthorizedRequest     = "NOT_AUTHORIZED_REQUEST"
	CodeMissingMessageAttributes = "MISSING_MESSAGE_ATTRIBUTES"
	CodeMissingMessageBody       = "MISSING_MESSAGE_BODY"
	CodeInvalidRequest           = "INVALID_REQUEST"
)

// Status values of a response.
const (
	StatusSuccess = "SUCCESS"
	StatusFailure = "FAILURE"
)

// The vendor's own wording for its validation failures.
const (
	descBodyMissing       = "Request body is missing"
	descAttributesMissing = "Message Attributes are missing"
	descMessageBody       = "Message body is missing"
)

// authDescription is the one text the vendor gives for all four authentication failures.
const authDescription = "Credentials are wrong, Authorization refused for provided credentials. Please contact Communications API support. Reference MessageID: "

// APIError is one entry of errors.
type APIError struct {
	ErrorCode        string  `json:"errorCode"`
	ErrorDescription string  `json:"errorDescription"`
	ErrorUID         *string `json:"errorUID"`
}

// APIWarning is one entry of warnings.
type APIWarning struct {
	WarningCode        string `json:"warningCode"`
	WarningDescription string `json:"warningDescription"`
}

// Response is the body of every answer except 401, in the vendor's field order.
type Response struct {
	NotificationMessageUUID *string      `json:"notificationMessageUUID"`
	Status                  string       `json:"status"`
	RequestUUID             string       `json:"requestUUID"`
	Errors                  []APIError   `json:"errors"`
	Warnings                []APIWarning `json:"warnings"`
}

// authError is the 401 body written by the vendor's controller advice: warnings stays null.
type authError struct {
	Errors   []APIError    `json:"errors"`
	Warnings *[]APIWarning `json:"warnings"`
}

// success is the one place a 200 is built. The notify path adds no warnings (§3.5–3.6 of the
// vendor research), so warnings is always empty.
func success(req *core.Request, messageUUID string) core.Response {
	return core.JSON(http.StatusOK, Response{NotificationMessageUUID: &messageUUID, Status: StatusSuccess,
		RequestUUID: req.ID, Errors: []APIError{}, Warnings: []APIWarning{}})
}

// failure is the one place a refusal in the response shape is built; problems go to the journal.
func failure(req *core.Request, status int, errs []APIError, problems []core.Problem) core.Response {
	resp := core.JSON(status, Response{Status: StatusFailure, RequestUUID: req.ID, Errors: errs, Warnings: []APIWarning{}})
	resp.Problems = problems
	return resp
}

func apiError(code, desc string) APIError { return APIError{ErrorCode: code, ErrorDescription: desc} }

// Authenticate checks HTTP Basic credentials against the service subscribers, then the notify
// scope on the path's department, in the vendor's order. Every refusal is the same 401 body; the
// code says which check failed and the journal says why.
func (v *Vendor) Authenticate(_ string, req *core.Request) *core.Response {
	st := v.state.Load()
	code, why := CodeWrongCredential, ""
	h := strings.TrimSpace(req.HTTP.Header.Get("Authorization"))
	scheme, token, _ := strings.Cut(h, " ")
	switch {
	case h == "":
		code, why = CodeCredentialsAreNull, "no Authorization header"
	case !strings.EqualFold(scheme, "Basic"):
		why = "the Authorization header is not Basic credentials"
	default:
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(token))
		name, password, ok := bytes.Cut(raw, []byte(":"))
		s := st.byUsername[string(name)]
		dept := req.PathParams["departmentUUID"]
		switch {
		case err != nil:
			why = "the Basic credentials are not valid base64"
		case !ok:
			why = "the Basic credentials have no colon between username and password"
		case s == nil:
			why = fmt.Sprintf("no service subscriber %q", name)
		// The vendor compares passwords ignoring case.
		case !strings.EqualFold(s.password, string(password)):
			why = fmt.Sprintf("wrong password for service subscriber %q", name)
		case !s.Valid:
			code, why = CodeInvalidServiceSubscriber, fmt.Sprintf("service subscriber %q is disabled", name)
		case !s.can(dept, NotifyScope):
			code, why = CodeNotAuthorizedRequest, fmt.Sprintf("service subscriber %q has no scope %s on department %q", name, NotifyScope, dept)
		default:
			req.Auth = s
			return nil
		}
	}
	resp := core.JSON(http.StatusUnauthorized, authError{Errors: []APIError{apiError(code, authDescription+req.ID)}})
	resp.Problems = []core.Problem{{In: "header", Field: "Authorization", Rule: "auth", Reason: code + ": " + why}}
	return &resp
}

// SpringError is Spring Boot's default error body (DefaultErrorAttributes), which the vendor's
// service answers for what its own code never sees: a body Jackson can't read, a wrong method or
// content type.
type SpringError struct {
	Timestamp string `json:"timestamp"`
	Status    int    `json:"status"`
	Error     string `json:"error"`
	Message   string `json:"message"`
	Path      string `json:"path"`
}

// springTime is how Spring Boot 2.0's Jackson writes the error's java.util.Date.
const springTime = "2006-01-02T15:04:05.000-0700"

// spring is the one place a Spring default error body is built; problems go to the journal.
func (v *Vendor) spring(req *core.Request, status int, message string, problems []core.Problem) core.Response {
	resp := core.JSON(status, SpringError{
		Timestamp: v.env.Clock.Now().UTC().Format(springTime),
		Status:    status,
		Error:     http.StatusText(status),
		Message:   message,
		Path:      req.HTTP.URL.Path,
	})
	resp.Problems = problems
	return resp
}

// ReadsJSONLikeJackson makes the server convert "5" to 5, "true" to true and 5 to "5" before
// validating, as the vendor's Spring service does.
func (v *Vendor) ReadsJSONLikeJackson() {}

// Reject renders the server's refusals as the vendor's service would. What never reaches the
// vendor's code is Spring's: a wrong method or content type, and a body Jackson can't read
// (syntax, a type it can't coerce, an unknown enum value), which fails at the first problem, as
// Jackson stops there. Then the vendor's validator, in its own shape, stops at the first of: body
// missing, messageAttributes missing, body text missing or empty.
func (v *Vendor) Reject(req *core.Request, rej core.Rejection) core.Response {
	switch rej.Kind {
	case core.RejectFault:
		return v.faultAnswer(req, rej)
	case core.RejectMethodNotAllowed:
		return v.spring(req, http.StatusMethodNotAllowed, fmt.Sprintf("Request method '%s' not supported", req.HTTP.Method), rej.Problems)
	case core.RejectMediaType:
		ct := req.HTTP.Header.Get("Content-Type")
		if ct == "" {
			ct = "application/octet-stream"
		}
		return v.spring(req, http.StatusUnsupportedMediaType, fmt.Sprintf("Content type '%s' not supported", ct), rej.Problems)
	case core.RejectMalformedJSON:
		return v.spring(req, http.StatusBadRequest, "JSON parse error: "+firstReason(rej.Problems), rej.Problems)
	case core.RejectTooLarge:
		// The sandbox's own limit: Spring has none for JSON, so it is said in the vendor's shape.
		errs := make([]APIError, len(rej.Problems))
		for i, p := range rej.Problems {
			errs[i] = apiError(CodeInvalidRequest, "Request body rejected: "+p.Reason)
		}
		return failure(req, http.StatusBadRequest, errs, rej.Problems)
	}
	if b := bytes.TrimSpace(req.Body); len(b) == 0 || string(b) == "null" {
		return failure(req, http.StatusBadRequest, []APIError{apiError(CodeMissingMessageAttributes, descBodyMissing)},
			[]core.Problem{{In: "body", Rule: "required", Reason: descBodyMissing}})
	}
	var unreadable, attributes, body []core.Problem
	for _, p := range rej.Problems {
		switch {
		// A null messageAttributes or body passes the spec (nullable, as Jackson reads it) and
		// reaches the handler, which refuses it in the same words; here they are only absent.
		case p.Field == "messageAttributes" && p.Rule == "required":
			attributes = append(attributes, p)
		case p.Field == "messageAttributes.body" && (p.Rule == "required" || p.Rule == "minLength"):
			body = append(body, p)
		default:
			unreadable = append(unreadable, reword(p))
		}
	}
	switch {
	case len(unreadable) > 0:
		return v.spring(req, http.StatusBadRequest, "JSON parse error: "+unreadable[0].String(), unreadable)
	case len(attributes) > 0:
		return failure(req, http.StatusBadRequest, []APIError{apiError(CodeMissingMessageAttributes, descAttributesMissing)}, attributes)
	case len(body) > 0:
		return failure(req, http.StatusBadRequest, []APIError{apiError(CodeMissingMessageBody, descMessageBody)}, body)
	}
	// A refusal with no problems is a server bug; still answer in the vendor's shape.
	return failure(req, rej.Status, []APIError{apiError(CodeInvalidRequest, "request refused")}, rej.Problems)
}

func firstReason(problems []core.Problem) string {
	if len(problems) == 0 {
		return "the body could not be read"
	}
	return problems[0].String()
}

// maxListedValues is how many enum values an error lists before it only names a few: the 93
// MessagePurpose names would bury the one that was wrong.
const maxListedValues = 12

// reword makes a spec problem read well in an errorDescription.
func reword(p core.Problem) core.Problem {
	if p.Field == "" {
		p.Field = "request body"
	}
	switch {
	case p.Rule == "enum":
		list, got, ok := strings.Cut(strings.TrimPrefix(p.Reason, "must be one of "), ", got ")
		if vals := strings.Split(list, ", "); ok && len(vals) > maxListedValues {
			p.Reason = fmt.Sprintf("must be one of %d values such as %s (all listed in /openapi/mykaarma.yaml), got %s",
				len(vals), strings.Join(vals[:3], ", "), got)
		}
	case strings.HasSuffix(p.Field, "bodyTagsForSpecialRendering") && strings.HasPrefix(p.Reason, "property "):
		name, _, _ := strings.Cut(strings.TrimPrefix(p.Reason, "property "), " ")
		p.Reason = fmt.Sprintf("%s is not a body tag; the only one is CUSTOMER_NAMES", name)
	}
	return p
}
