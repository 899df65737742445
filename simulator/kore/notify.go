package kore

import (
	"encoding/json"
	"fmt"
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
	var body notifyRequest
	if err := json.Unmarshal(req.Body, &body); err != nil {
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
	noteUnknownFields(req)

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

// noteUnknownFields records body fields the API ignores, so a typo shows in the journal.
func noteUnknownFields(req *core.Request) {
	var fields map[string]json.RawMessage
	if json.Unmarshal(req.Body, &fields) != nil {
		return
	}
	var unknown []string
	for k := range fields {
		if !knownFields[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		req.Note("field %q is not part of the notify body; ignored", k)
	}
}
