package luma

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/notifysim/notifysim/simulator/core"
)

// MaxContacts is how many login ids one request may name.
const MaxContacts = 1000

type notifyRequest struct {
	Contacts, Roles, TemplateID               json.RawMessage
	TemplateType, BotExternalID, ResponseType string
	Message                                   string
}

// decodeNotify reads the body by its exact key names. encoding/json would also match "MESSAGE"
// or "Message" to message, so {"message": "a", "Message": "b"} would deliver "b" where the
// vendor's case-sensitive parser (and the spec's validation) take "a".
func decodeNotify(data []byte) (notifyRequest, error) {
	var top, recipients map[string]json.RawMessage
	var b notifyRequest
	if err := json.Unmarshal(data, &top); err != nil {
		return b, err
	}
	if raw := top["recipients"]; len(raw) > 0 {
		if err := json.Unmarshal(raw, &recipients); err != nil {
			return b, err
		}
	}
	b.Contacts, b.Roles, b.TemplateID = recipients["contacts"], recipients["roles"], top["template_id"]
	for key, raw := range top {
		var dst *string
		switch key {
		case "template_type":
			dst = &b.TemplateType
		case "botExternalID":
			dst = &b.BotExternalID
		case "responseType":
			dst = &b.ResponseType
		case "message":
			dst = &b.Message
		default:
			continue
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			return b, fmt.Errorf("%s: %w", key, err)
		}
	}
	return b, nil
}

// Result is the data of a successful notify.
type Result struct {
	Notified     int      `json:"notified"`
	Recipients   []string `json:"recipients"`
	TemplateID   string   `json:"template_id"`
	ResponseType string   `json:"responseType"`
}

func (v *Vendor) notify(req *core.Request) core.Response {
	t := tenantOf(req)
	body, err := decodeNotify(req.Body)
	if err != nil { // the spec's validation has passed: this is a simulator bug, but say what
		return v.badRequest(req, t, []core.Problem{{In: "body", Field: "body", Rule: "json", Reason: err.Error()}})
	}
	var problems []core.Problem
	add := func(field, reason string) {
		problems = append(problems, core.Problem{In: "body", Field: field, Reason: reason})
	}

	contacts, all, err := parseContacts(body.Contacts)
	if err != nil {
		add("recipients.contacts", err.Error())
	}
	roles, err := parseRoles(body.Roles)
	if err != nil {
		add("recipients.roles", err.Error())
	}
	templateID, err := parseTemplateID(body.TemplateID)
	if err != nil {
		add("template_id", err.Error())
	}
	tpl, ok := t.Templates[templateID]
	if err == nil && !ok {
		add("template_id", fmt.Sprintf("no notification template %q in tenant %s (see Skills Builder → Settings → Notification Templates; -1 is the default text template)", templateID, t.ID))
	}
	responseType := strings.ToUpper(strings.TrimSpace(body.ResponseType))
	if responseType == "" {
		responseType = "TEXT"
	}
	if responseType != "TEXT" && responseType != "IMAGE" && responseType != "CARD" {
		add("responseType", fmt.Sprintf("must be TEXT, IMAGE or CARD, got %q", body.ResponseType))
	}
	message := body.Message
	if strings.TrimSpace(message) == "" {
		add("message", "must not be empty")
	} else if responseType == "IMAGE" && templateID == DefaultTemplateID && !isImageURL(message) {
		add("message", "with responseType IMAGE the message must be the image's absolute http(s) URL")
	}

	var recipients []*user
	if !all && len(contacts) > 0 {
		var unknown []string
		for _, c := range contacts {
			u, ok := t.byLogin[strings.ToLower(c)]
			if !ok {
				unknown = append(unknown, c)
				continue
			}
			recipients = append(recipients, u)
		}
		for _, c := range unknown {
			add("recipients.contacts", fmt.Sprintf("unknown login id %q in tenant %s", c, t.ID))
		}
	}
	if len(problems) > 0 {
		return v.badRequest(req, t, problems)
	}
	if all {
		recipients = t.Users
	}
	if len(roles) > 0 {
		filtered := make([]*user, 0, len(recipients))
		for _, u := range recipients {
			if roles[u.Role] {
				filtered = append(filtered, u)
			}
		}
		if len(filtered) < len(recipients) {
			req.Note("roles filter left %d of %d users", len(filtered), len(recipients))
		}
		recipients = filtered
	}
	if len(recipients) == 0 {
		req.Note("no user matched contacts and roles; nothing delivered")
		return v.respond(http.StatusNoContent, "", nil, nil)
	}
	if body.TemplateType != "" && !strings.EqualFold(body.TemplateType, tpl.Type) {
		req.Note("template_type %q ignored: template %s is a %s template", body.TemplateType, tpl.ID, tpl.Type)
	}

	kind, title, text, data := render(tpl, responseType, message, body.BotExternalID)
	if _, own := data["imageUrl"]; !own && body.BotExternalID == "" {
		// Data then holds only the template and type, and messages only read it: every such send
		// can share one map.
		shared, _ := v.state.Load().data.LoadOrStore(dataKey{tpl.ID, responseType}, data)
		data = shared.(map[string]any)
	}
	msgs := make([]core.Message, len(recipients))
	logins := make([]string, len(recipients))
	for i, u := range recipients {
		logins[i] = u.Login
		msgs[i] = core.Message{
			Vendor: "luma", Tenant: t.ID, Channel: core.ChannelLumaChat, Kind: kind,
			Recipient: core.Recipient{ID: u.Login, Name: u.Name, Role: u.roleCode, RoleName: u.RoleName},
			Title:     title, Body: text, Data: data, Payload: req.Body,
		}
	}
	msgs, logins = v.failDeliveries(req, t, msgs, logins)
	v.env.Deliver(req, msgs...)
	return v.respond(http.StatusOK, "OK", nil, Result{Notified: len(logins), Recipients: logins, TemplateID: tpl.ID, ResponseType: responseType})
}

// render fills the template. The template's own type wins; the default template takes the
// request's responseType.
func render(tpl TemplateFixture, responseType, message, bot string) (kind, title, text string, data map[string]any) {
	kind = tpl.Type
	if tpl.ID == DefaultTemplateID {
		kind = strings.ToLower(responseType)
	}
	text = strings.ReplaceAll(tpl.Body, MessageVariable, message)
	title = strings.ReplaceAll(tpl.Title, MessageVariable, message)
	data = map[string]any{"templateId": tpl.ID, "responseType": responseType}
	if bot != "" {
		data["botExternalID"] = bot
	}
	if kind == "image" {
		data["imageUrl"] = text
	}
	return kind, title, text, data
}

// parseContacts accepts an array of login ids or one comma-separated string. "0" anywhere means
// every user of the tenant. Blank entries are skipped and duplicates dropped.
func parseContacts(raw json.RawMessage) (ids []string, all bool, err error) {
	list, err := stringList(raw)
	if err != nil {
		return nil, false, fmt.Errorf("must be an array of login ids or a comma-separated string of login ids")
	}
	seen := map[string]bool{}
	for _, c := range list {
		if c == "0" {
			all = true
			continue
		}
		if k := strings.ToLower(c); !seen[k] {
			seen[k] = true
			ids = append(ids, c)
		}
	}
	if len(ids) > MaxContacts {
		return nil, false, fmt.Errorf("names %d login ids, more than %d; use \"0\" with roles to reach more users", len(ids), MaxContacts)
	}
	if !all && len(ids) == 0 {
		return nil, false, fmt.Errorf("must name at least one login id, or \"0\" for every user of the tenant")
	}
	return ids, all, nil
}

// parseRoles accepts role codes as an array or a comma-separated string, strings or numbers.
// Empty means no filter.
func parseRoles(raw json.RawMessage) (map[int]bool, error) {
	list, err := stringList(raw)
	if err != nil {
		return nil, fmt.Errorf("must be an array of role codes or a comma-separated string of role codes")
	}
	roles := map[int]bool{}
	var bad []string
	for _, r := range list {
		code, err := strconv.Atoi(strings.ReplaceAll(r, " ", ""))
		if _, ok := roleNames[code]; err != nil || !ok {
			bad = append(bad, strconv.Quote(r))
			continue
		}
		roles[code] = true
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("unknown role %s; use -1 Administrator, -2 Developer, -3 Analyst, -4 Self-service, -5 Guest", strings.Join(bad, ", "))
	}
	return roles, nil
}

// stringList reads null, a string (split on commas), a number, or an array of strings and
// numbers, and returns the trimmed non-empty entries.
func stringList(raw json.RawMessage) ([]string, error) {
	var out []string
	addAll := func(s string) {
		for _, part := range strings.Split(s, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case string:
		addAll(x)
	case float64:
		out = append(out, strconv.FormatFloat(x, 'f', -1, 64))
	case []any:
		for _, item := range x {
			switch y := item.(type) {
			case string:
				addAll(y)
			case float64:
				out = append(out, strconv.FormatFloat(y, 'f', -1, 64))
			default:
				return nil, fmt.Errorf("entries must be strings")
			}
		}
	default:
		return nil, fmt.Errorf("wrong type")
	}
	return out, nil
}

func parseTemplateID(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return DefaultTemplateID, nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", err
	}
	switch x := v.(type) {
	case string:
		if x = strings.TrimSpace(x); x == "" {
			return DefaultTemplateID, nil
		}
		return x, nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	}
	return "", fmt.Errorf("must be a template id, as a string or a number")
}

func isImageURL(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
