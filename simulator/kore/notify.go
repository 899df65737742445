package kore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/kore/script"
)

// MaxIdentities is how many identities one notify may name.
const MaxIdentities = 1000

type notifyRequest struct {
	Channel          string `json:"channel"`
	UserIdentityType string `json:"userIdentityType"`
	Message          struct {
		Type string `json:"type"`
		Val  string `json:"val"`
	} `json:"message"`
	Identities []string `json:"identities"`
}

var knownFields = map[string]bool{"channel": true, "userIdentityType": true, "message": true, "identities": true}

// notify accepts the job and answers it IN_PROGRESS; the clock then works through the identities.
func (v *Vendor) notify(req *core.Request) core.Response {
	c := callerOf(req)
	body, unknown, err := readNotify(req)
	if err != nil {
		return badRequest([]core.Problem{{In: "body", Field: "body", Rule: "json", Reason: err.Error()}})
	}
	var problems []core.Problem
	add := func(field, rule, reason string) {
		problems = append(problems, core.Problem{In: "body", Field: field, Rule: rule, Reason: reason})
	}
	if !c.bot.channels[body.Channel] {
		add("channel", "channel", fmt.Sprintf("%s is not enabled for proactive notifications on bot %s (enabled: %s)",
			body.Channel, c.bot.id, enabledList(c.bot)))
	}
	if strings.TrimSpace(body.Message.Val) == "" {
		add("message.val", "minLength", "must not be empty")
	}
	identities := make([]string, 0, len(body.Identities))
	seen := make(map[string]bool, len(body.Identities))
	for i, id := range body.Identities {
		if strings.TrimSpace(id) == "" {
			add(fmt.Sprintf("identities.%d", i), "minLength", "must not be empty")
			continue
		}
		key := strings.ToLower(strings.TrimSpace(id))
		if seen[key] {
			req.Note("identity %q is named more than once; notified once", id)
			continue
		}
		seen[key] = true
		identities = append(identities, id)
	}
	if len(problems) > 0 {
		return badRequest(problems)
	}
	for _, k := range unknown {
		req.Note("field %q is not part of the notify body; ignored", k)
	}

	st, now := c.st, v.env.Clock.Now()
	j := &job{
		id: "ds-" + v.env.IDs.UUID(), st: st, bot: c.bot, createdBy: c.app.owner, channel: body.Channel,
		msgType: body.Message.Type, val: body.Message.Val, identities: identities, requestID: req.ID,
		payloadHead: payloadHead(body), created: now, status: JobInProgress, lMod: now,
	}
	if j.msgType == "script" {
		if payload, ok := jsonPayload(j.val); ok {
			// Kore's interactive Teams notifications send a stringified Adaptive Card as the
			// script: a JSON object is the message itself, not a program.
			j.payload = payload
			req.Note("message.val is a JSON object: delivered as the message payload, not run as JavaScript")
		} else {
			j.program, j.compileErr = script.Compile(j.val)
			if j.compileErr != nil {
				req.Note("the script does not compile; every resolved identity will fail: %v", j.compileErr)
			}
		}
	}
	j.failing = v.failingIdentities(req, c.bot.id, identities)
	view := j.view(false)
	v.saveJob(j, st.addJob(j))
	v.start(j)
	return core.JSON(http.StatusOK, view)
}

// status answers the job as it stands, with count = the status logs so far.
func (v *Vendor) status(req *core.Request) core.Response {
	c := callerOf(req)
	id := req.PathParams["requestId"]
	j := c.st.job(id)
	if j == nil || j.bot != c.bot {
		return badRequest([]core.Problem{{In: "path", Field: "requestId", Rule: "exists",
			Reason: fmt.Sprintf("no proactive notification request %q on bot %s", id, c.bot.id)}})
	}
	return core.JSON(http.StatusOK, j.view(true))
}

// payloadHead encodes the body without its identities, open where the identity list goes.
func payloadHead(b notifyRequest) []byte {
	head, _ := json.Marshal(struct {
		Channel          string `json:"channel"`
		UserIdentityType string `json:"userIdentityType"`
		Message          any    `json:"message"`
	}{b.Channel, b.UserIdentityType, b.Message})
	return append(head[:len(head)-1], `,"identities":[`...)
}

func enabledList(b *bot) string {
	if len(b.channels) == 0 {
		return "none"
	}
	return strings.Join(sortedKeys(b.channels), ", ")
}

// decodeNotify reads the notify body in one pass, and the body fields the API ignores (sorted),
// so a typo shows in the journal. It decodes as json.Unmarshal into notifyRequest does (a key
// matches its field exactly or else case-insensitively, the last of a repeated key wins); any
// body it is not sure of goes to json.Unmarshal itself, whose error is the one to report.
func decodeNotify(data []byte) (notifyRequest, []string, error) {
	var body notifyRequest
	unknown, ok := decodeNotifyStream(data, &body)
	if !ok {
		body, unknown = notifyRequest{}, nil
		if err := json.Unmarshal(data, &body); err != nil {
			return body, nil, err
		}
		var fields map[string]json.RawMessage
		if json.Unmarshal(data, &fields) == nil {
			for k := range fields {
				if !knownFields[k] {
					unknown = append(unknown, k)
				}
			}
		}
	}
	sort.Strings(unknown)
	return body, unknown, nil
}

func decodeNotifyStream(data []byte, body *notifyRequest) (unknown []string, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, false
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		key, isKey := t.(string)
		if err != nil || !isKey {
			return nil, false
		}
		var dst any
		switch {
		case matches(key, "channel"):
			dst = &body.Channel
		case matches(key, "userIdentityType"):
			dst = &body.UserIdentityType
		case matches(key, "message"):
			dst = &body.Message
		case matches(key, "identities"):
			body.Identities = nil // json.Unmarshal replaces a repeated array rather than appending
			dst = &body.Identities
		default:
			dst = new(json.RawMessage)
		}
		if !knownFields[key] && !seen[key] {
			seen[key] = true
			unknown = append(unknown, key)
		}
		if dec.Decode(dst) != nil {
			return nil, false
		}
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false // trailing data: json.Unmarshal refuses it
	}
	return unknown, true
}

// matches is how encoding/json pairs a key with a field: exactly, or equal under case folding.
func matches(key, field string) bool { return key == field || strings.EqualFold(key, field) }
