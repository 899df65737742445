package luminous

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/notifysim/notifysim/simulator/core"
)

// The vendor's own words for the refusals seen in real traffic (see docs/luminous.md).
const (
	MsgCampaignMissing = "Campaign does not exist."
	MsgCampaignNotLive = "Campaign is Not Live"
	MsgParamsMismatch  = "Template params does not match the campaign"
	MsgInvalidNumber   = "Invalid Number"
	MsgNoPlan          = "No Plan active on assistant!"
	MsgNoCredits       = "Insufficient WhatsApp Conversation Credits (WCC)!"
	MsgInvalidAPIKey   = "Invalid apiKey: no project has this API key (copy it from Manage > API Key)"
)

type messageBody struct {
	Message string `json:"message"`
}

// accountError is the ERRnnn envelope AiSensy uses for account-level refusals.
type accountError struct {
	Message      string `json:"message"`
	Name         string `json:"name"`
	ErrorCode    int    `json:"errorCode"`
	ErrorMessage string `json:"errorMessage"`
	AisTraceID   string `json:"aisTraceId"`
}

type submitted struct {
	Success            string `json:"success"`
	SubmittedMessageID string `json:"submitted_message_id"`
}

// fail is the one place a {"message": …} refusal is built; problems go to the journal.
func fail(status int, message string, problems ...core.Problem) core.Response {
	return core.Response{Status: status, Body: messageBody{Message: message}, Problems: problems}
}

// decodeFailure words a body the handler could not decode the way Reject words the spec's
// refusals, without Go's type names.
func decodeFailure(err error) core.Response {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) && typ.Field != "" {
		// Go names the embedded structs of sendRequest in the path; the client never saw them.
		field := strings.TrimPrefix(strings.TrimPrefix(typ.Field, "campaignFields."), "v2Extras.")
		return fail(http.StatusBadRequest, strconv.Quote(jsField(field))+" has the wrong type: got a "+typ.Value,
			core.Problem{In: "body", Field: field, Rule: "type", Reason: "got a " + typ.Value})
	}
	return fail(http.StatusBadRequest, "request body could not be read: "+err.Error(),
		core.Problem{In: "body", Rule: "json", Reason: err.Error()})
}

// accountFail answers the ERRnnn envelope. The trace id has the shape of AiSensy's:
// ais_<epoch ms in base 36>_<8 hex>.
func (v *Vendor) accountFail(status int, message string, problem core.Problem) core.Response {
	trace := "ais_" + strconv.FormatInt(v.env.Clock.Now().UnixMilli(), 36) + "_" + v.env.IDs.Hex(4)
	return core.Response{Status: status, Problems: []core.Problem{problem}, Body: accountError{
		Message: message, Name: "ERR" + strconv.Itoa(status), ErrorCode: status, ErrorMessage: message, AisTraceID: trace,
	}}
}

// Authenticate lets every request through: the API key is a field of the JSON body, so it can
// only be read once the body has passed the spec; the handler answers 401 for an unknown key.
func (v *Vendor) Authenticate(string, *core.Request) *core.Response { return nil }

// Reject renders the server's refusals as {"message": …} naming the field and why. Every request
// error is a 400, as AiSensy's are; a body over the limit too (the issue and real clients treat
// it as a bad request), and so is a body that is not sent as JSON.
func (v *Vendor) Reject(req *core.Request, rej core.Rejection) core.Response {
	if rej.Kind == core.RejectFault {
		return v.faultAnswer(rej)
	}
	wants := "apiKey, campaignName, destination and userName"
	if req != nil && req.Operation == "campaignDetails" {
		wants = "apiKey and campaignName"
	}
	problems := append([]core.Problem(nil), rej.Problems...)
	sort.SliceStable(problems, func(i, j int) bool { return fieldRank(problems[i].Field) < fieldRank(problems[j].Field) })
	parts := make([]string, 0, len(problems))
	for _, p := range problems {
		if s := describe(rej.Kind, p, wants); s != "" && !slices.Contains(parts, s) {
			parts = append(parts, s)
		}
	}
	message := strings.Join(parts, "; ")
	status := http.StatusBadRequest
	switch rej.Kind {
	case core.RejectMalformedJSON:
		if strings.HasPrefix(message, "body ") {
			message = "request " + message
		}
	case core.RejectMethodNotAllowed:
		status = http.StatusMethodNotAllowed
	case core.RejectTooLarge:
		message = "request entity too large: " + message
	}
	if message == "" {
		message = "Bad Request"
	}
	return fail(status, message, problems...)
}

// fieldOrder is the order of the vendor's field table; problems are reported in it so the
// message does not depend on the validator's map order.
var fieldOrder = []string{"apiKey", "campaignName", "destination", "userName", "source", "media", "templateParams", "tags", "attributes", "buttons", "carouselCards", "location", "paramsFallbackValue"}

func fieldRank(field string) int {
	top, _, _ := strings.Cut(field, ".")
	for i, f := range fieldOrder {
		if f == top {
			return i
		}
	}
	return len(fieldOrder)
}

// describe words one problem the way a Node/Joi backend does: "destination" must be a string.
// wants names the fields the body must have.
func describe(kind string, p core.Problem, wants string) string {
	if kind != core.RejectInvalid {
		return p.Reason
	}
	if p.Field == "" {
		switch p.Rule {
		case "type", "nullable":
			return "request body must be a JSON object with " + wants + ", " + strings.TrimPrefix(p.Reason, "must be an object, ")
		case "required":
			return "request body is required: send a JSON object with " + wants
		}
		return "request body " + p.Reason
	}
	name := strconv.Quote(jsField(p.Field))
	switch p.Rule {
	case "required":
		return name + " is required"
	case "minLength":
		return name + " is not allowed to be empty"
	}
	return name + " " + p.Reason
}

// jsField turns a dotted path into the JavaScript form the vendor's messages use:
// templateParams.0 → templateParams[0].
func jsField(path string) string {
	parts := strings.Split(path, ".")
	var b strings.Builder
	for i, part := range parts {
		if _, err := strconv.Atoi(part); err == nil && i > 0 {
			b.WriteString("[" + part + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(part)
	}
	return b.String()
}
