package luma

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/notifysim/notifysim/simulator/core"
)

// MaxContacts is how many login ids one request may name.
const MaxContacts = 1000

type notifyRequest struct {
	// Contacts, Roles and TemplateID are as decoded: a string, a json.Number, a list, nil.
	Contacts, Roles, TemplateID               any
	TemplateType, BotExternalID, ResponseType string
	Message                                   string
}

// decodeNotify reads the body by its exact key names: the value the spec's validation decoded
// when there is one, else the bytes. encoding/json decoding into a struct would also match
// "MESSAGE" or "Message" to message, so {"message": "a", "Message": "b"} would deliver "b" where
// the vendor's case-sensitive parser (and the spec's validation) take "a".
func decodeNotify(req *core.Request) (notifyRequest, error) {
	var b notifyRequest
	decoded := req.Decoded
	if decoded == nil {
		dec := json.NewDecoder(bytes.NewReader(req.Body))
		dec.UseNumber()
		if err := dec.Decode(&decoded); err != nil {
			return b, err
		}
	}
	top, ok := decoded.(map[string]any)
	if !ok {
		return b, fmt.Errorf("the body must be a JSON object")
	}
	if recipients, ok := top["recipients"].(map[string]any); ok {
		b.Contacts, b.Roles = recipients["contacts"], recipients["roles"]
	} else if top["recipients"] != nil {
		return b, fmt.Errorf("recipients must be an object")
	}
	b.TemplateID = top["template_id"]
	for _, f := range [...]struct {
		key string
		dst *string
	}{{"template_type", &b.TemplateType}, {"botExternalID", &b.BotExternalID}, {"responseType", &b.ResponseType}, {"message", &b.Message}} {
		switch v := top[f.key].(type) {
		case nil:
		case string:
			*f.dst = v
		default:
			return b, fmt.Errorf("%s must be a string", f.key)
		}
	}
	return b, nil
}

// Recipient is one entry of the data array of a successful notify: a user who was notified.
// The vendor publishes no success body for this route; the array follows the envelope of the
// sibling /public routes, whose data is the result list.
type Recipient struct {
	LoginID   string `json:"loginId"`
	Name      string `json:"name,omitempty"`
	Role      string `json:"role"`
	RoleName  string `json:"roleName"`
	MessageID string `json:"messageId"`
}

// Response types the vendor's page names: "text, image, application/json and more".
const (
	ResponseText  = "TEXT"
	ResponseImage = "IMAGE"
	ResponseCard  = "CARD"
	ResponseJSON  = "APPLICATION/JSON"
)

func (v *Vendor) notify(req *core.Request) core.Response {
	t := tenantOf(req)
	body, err := decodeNotify(req)
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
	// The pages name text, image, card and application/json "and more", and say nothing of what
	// each demands of the message: what notifysim can't render as asked is delivered as text,
	// with a note in the journal, never refused.
	responseType := strings.ToUpper(strings.TrimSpace(body.ResponseType))
	if responseType == "" {
		responseType = ResponseText
	}
	message := body.Message
	var document any
	plain := false
	if strings.TrimSpace(message) == "" {
		add("message", "must not be empty")
	} else if templateID == DefaultTemplateID {
		switch responseType {
		case ResponseText, ResponseCard:
		case ResponseImage:
			if !isImageURL(message) {
				req.Note("responseType IMAGE with a message that is not an absolute http(s) URL: delivered as the image's address as given")
			}
		case ResponseJSON:
			if err := json.Unmarshal([]byte(message), &document); err != nil {
				plain = true
				req.Note("responseType application/json with a message that is not a JSON document: delivered as text")
			}
		default:
			plain = true
			req.Note("responseType %q is none notifysim renders (TEXT, IMAGE, CARD, application/json): delivered as text", body.ResponseType)
		}
	}

	// Named contacts are always checked, also beside "0": an unknown login id is a mistake
	// whether or not everyone is notified anyway.
	var named []*user
	for _, c := range contacts {
		u, ok := t.byLogin[strings.ToLower(c)]
		if !ok {
			add("recipients.contacts", fmt.Sprintf("unknown login id %q in tenant %s", c, t.ID))
			continue
		}
		named = append(named, u)
	}
	if len(problems) > 0 {
		return v.badRequest(req, t, problems)
	}
	recipients := selectRecipients(req, t, all, named, roles)
	if len(recipients) == 0 {
		req.Note("no user of tenant %s has the roles asked for; nothing delivered", t.ID)
	}
	if body.TemplateType != "" && !strings.EqualFold(body.TemplateType, tpl.Type) {
		req.Note("template_type %q ignored: template %s is a %s template", body.TemplateType, tpl.ID, tpl.Type)
	}

	kind, title, text, data := render(tpl, responseType, plain, message, body.BotExternalID, document, &v.state.Load().data)
	// A fault rule's failed deliveries are stored as failed and left out of data, which lists
	// the users notified.
	recipients = v.failDeliveries(req, t, recipients, core.Message{
		Vendor: "luma", Tenant: t.ID, Channel: core.ChannelLumaChat, Kind: kind, Title: title, Body: text, Data: data, Payload: req.Body,
	})
	if len(recipients) == 0 {
		return v.respond(http.StatusOK, "OK", nil, nobody{})
	}
	// The answer lists the recipients and their messages' ids: it is written while the store
	// takes the messages.
	var resp core.Response
	v.env.DeliverFanOut(req, core.Message{
		Vendor: "luma", Tenant: t.ID, Channel: core.ChannelLumaChat, Kind: kind, Title: title, Body: text, Data: data, Payload: req.Body,
	}, recipients, func(f *core.FanOut) { resp = v.respond(http.StatusOK, "OK", nil, f) })
	return resp
}

// selectRecipients applies the rule for contacts and roles: "0" selects every user of the tenant
// and roles narrow that set; users named by login id are notified whatever their role, since
// naming someone is the most specific request there is. Each user is notified once, in the
// tenant's order for "0" and then in the order named. The list may be the tenant's own: read it,
// don't change it.
func selectRecipients(req *core.Request, t *tenant, all bool, named []*user, roles map[int]bool) []core.Recipient {
	if all && len(roles) == 0 && len(named) == 0 {
		return t.everyone
	}
	var out []core.Recipient
	var seen map[*user]bool // only named users can repeat one already chosen
	if len(named) > 0 {
		seen = map[*user]bool{}
	}
	if all {
		for _, u := range t.Users {
			if len(roles) == 0 || roles[u.Role] {
				if seen != nil {
					seen[u] = true
				}
				out = append(out, t.everyone[u.index])
			}
		}
		if len(roles) > 0 {
			req.Note("roles filter left %d of %d users for \"0\"", len(out), len(t.Users))
		}
	}
	for _, u := range named {
		if seen[u] {
			continue
		}
		seen[u] = true
		out = append(out, t.everyone[u.index])
		if len(roles) > 0 && !roles[u.Role] {
			req.Note("%s is notified although role %d (%s) is not among the roles: roles filter only \"0\"", u.Login, u.Role, u.RoleName)
		}
	}
	return out
}

// render fills the template. The template's own type wins; the default template takes the
// request's responseType, or text when plain (a type notifysim can't render the message as).
func render(tpl TemplateFixture, responseType string, plain bool, message, bot string, document any, shared *sync.Map) (kind, title, text string, data map[string]any) {
	kind = tpl.Type
	if tpl.ID == DefaultTemplateID {
		switch {
		case plain:
			kind = "text"
		case responseType == ResponseJSON:
			kind = "json"
		default:
			kind = strings.ToLower(responseType)
		}
	}
	text = strings.ReplaceAll(tpl.Body, MessageVariable, message)
	title = strings.ReplaceAll(tpl.Title, MessageVariable, message)
	if bot == "" && kind != "image" && kind != "json" && shared != nil && knownResponseType(responseType) {
		// Data then holds only the template and type, and messages only read it: every such
		// send shares one map, made once (per known type: a request's own type would make the
		// cache grow with every new one).
		key := dataKey{tpl.ID, responseType}
		if d, ok := shared.Load(key); ok {
			return kind, title, text, d.(map[string]any)
		}
		d, _ := shared.LoadOrStore(key, map[string]any{"templateId": tpl.ID, "responseType": responseType})
		return kind, title, text, d.(map[string]any)
	}
	data = map[string]any{"templateId": tpl.ID, "responseType": responseType}
	if bot != "" {
		data["botExternalID"] = bot
	}
	switch kind {
	case "image":
		data["imageUrl"] = text
	case "json":
		// Kept parsed, so /_sim/messages and the TUI show the document as JSON, not as a string.
		data["json"] = document
		if pretty, err := json.MarshalIndent(document, "", "  "); err == nil {
			text = string(pretty)
		}
	}
	return kind, title, text, data
}

// parseContacts accepts an array of login ids or one comma-separated string. "0" anywhere means
// every user of the tenant; login ids beside it are still returned, to be checked. Blank entries
// are skipped and duplicates dropped.
func parseContacts(raw any) (ids []string, all bool, err error) {
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

// parseRoles accepts role codes or names (as the vendor's Parameters text writes them:
// "Analyst", "Self-service user"), as an array or a comma-separated string, strings or numbers.
// Empty means no filter.
func parseRoles(raw any) (map[int]bool, error) {
	list, err := stringList(raw)
	if err != nil {
		return nil, fmt.Errorf("must be an array of role codes or names, or a comma-separated string of them")
	}
	roles := map[int]bool{}
	var bad []string
	for _, r := range list {
		code, ok := roleCode(r)
		if !ok {
			bad = append(bad, strconv.Quote(r))
			continue
		}
		roles[code] = true
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("unknown role %s; use a code or a name: -1 Administrator, -2 Developer, -3 Analyst, -4 Self-service (or Self-service user), -5 Guest (or Guest user)", strings.Join(bad, ", "))
	}
	return roles, nil
}

// roleCode reads "-3", "- 3", "Analyst", "analyst", "Self-service user", and the plurals the
// vendor's page writes ("Analysts", "Self-service users").
func roleCode(r string) (int, bool) {
	if code, err := strconv.Atoi(strings.ReplaceAll(r, " ", "")); err == nil {
		_, ok := roleNames[code]
		return code, ok
	}
	name := strings.Join(strings.Fields(strings.ToLower(r)), " ")
	name = strings.TrimSuffix(strings.TrimSuffix(name, " users"), " user")
	for _, candidate := range []string{name, strings.TrimSuffix(name, "s")} {
		for code, n := range roleNames {
			if strings.ToLower(n) == candidate {
				return code, true
			}
		}
	}
	return 0, false
}

// stringList reads null, a string (split on commas), a number, or an array of strings and
// numbers, and returns the trimmed non-empty entries.
func stringList(v any) ([]string, error) {
	var out []string
	addAll := func(s string) {
		for _, part := range strings.Split(s, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		addAll(x)
	case []any:
		for _, item := range x {
			if s, ok := item.(string); ok {
				addAll(s)
			} else if n, ok := numberString(item); ok {
				out = append(out, n)
			} else {
				return nil, fmt.Errorf("entries must be strings")
			}
		}
	default:
		n, ok := numberString(x)
		if !ok {
			return nil, fmt.Errorf("wrong type")
		}
		out = append(out, n)
	}
	return out, nil
}

// numberString writes a JSON number the way the vendor's JavaScript would print it: 1e2 is
// "100", -3.0 is "-3".
func numberString(v any) (string, bool) {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case json.Number:
		var err error
		if f, err = x.Float64(); err != nil {
			return "", false
		}
	default:
		return "", false
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true
}

func parseTemplateID(v any) (string, error) {
	if s, ok := v.(string); ok {
		if s = strings.TrimSpace(s); s == "" {
			return DefaultTemplateID, nil
		}
		return s, nil
	}
	if v == nil {
		return DefaultTemplateID, nil
	}
	if n, ok := numberString(v); ok {
		return n, nil
	}
	return "", fmt.Errorf("must be a template id, as a string or a number")
}

func knownResponseType(t string) bool {
	switch t {
	case ResponseText, ResponseImage, ResponseCard, ResponseJSON:
		return true
	}
	return false
}

func isImageURL(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
