package luminous

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/notifysim/notifysim/simulator/core"
)

// sendRequest is the body of both routes. v1 decodes only campaignFields, so whatever a client
// sends under a v2-only key there (of any type) is ignored, as the v1 spec does not check it.
type sendRequest struct {
	campaignFields
	v2Extras
}

// campaignFields are what both routes read: the vendor page's table, which lists location beside
// media, the buttons a template with a dynamic URL needs, and the defaultCountryCode the
// vendor's own clients send.
type campaignFields struct {
	APIKey             string            `json:"apiKey"`
	CampaignName       string            `json:"campaignName"`
	Destination        string            `json:"destination"`
	UserName           string            `json:"userName"`
	Source             string            `json:"source"`
	Media              *mediaParam       `json:"media"`
	TemplateParams     []string          `json:"templateParams"`
	Tags               []string          `json:"tags"`
	Attributes         map[string]string `json:"attributes"`
	Buttons            []buttonParam     `json:"buttons"`
	Location           json.RawMessage   `json:"location"`
	DefaultCountryCode *string           `json:"defaultCountryCode"`
}

type v2Extras struct {
	CarouselCards       []json.RawMessage `json:"carouselCards"`
	ParamsFallbackValue map[string]string `json:"paramsFallbackValue"`
}

type mediaParam struct {
	URL      string `json:"url"`
	Filename string `json:"filename"`
}

type buttonParam struct {
	Type       string          `json:"type"`
	SubType    string          `json:"sub_type"`
	Index      json.RawMessage `json:"index"`
	Parameters []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"parameters"`
}

type locationParam struct {
	Latitude  json.RawMessage `json:"latitude"`
	Longitude json.RawMessage `json:"longitude"`
	Name      string          `json:"name"`
	Address   string          `json:"address"`
}

// hasPoint reports whether the location names a place: both coordinates given and not empty.
func (l *locationParam) hasPoint() bool {
	return l != nil && coordinate(l.Latitude) && coordinate(l.Longitude)
}

func coordinate(raw json.RawMessage) bool {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s) != ""
	}
	return len(raw) > 0 && string(raw) != "null"
}

var (
	v1Fields = []string{"apiKey", "campaignName", "destination", "userName", "source", "media", "templateParams", "tags", "attributes", "buttons", "location", "defaultCountryCode"}
	v2Fields = []string{"carouselCards", "paramsFallbackValue"}
)

// locationShapes is what a location may be, for the message refusing one that is none of them.
const locationShapes = `"location" must be a string "latitude, longitude, name, address" (as the vendor's page describes it), an object {latitude, longitude, name, address}, or a string holding that object as JSON`

// parseLocation reads location as the seed's table types it, a string "latitude, longitude, name
// & address" ("0.3476, 32.5825, Store, Kampala Rd": the address takes the rest, commas and all),
// or as the object that description implies, also as JSON in a string. Absent, null or a blank
// string is no location.
func parseLocation(raw json.RawMessage) (*locationParam, *core.Response) {
	trimmed := strings.TrimSpace(string(raw))
	if trimmed == "" || trimmed == "null" {
		return nil, nil
	}
	refuse := func(field, msg string) (*locationParam, *core.Response) {
		r := fail(http.StatusBadRequest, msg, core.Problem{In: "body", Field: field, Rule: "type", Reason: msg})
		return nil, &r
	}
	var text string
	if json.Unmarshal(raw, &text) == nil {
		text = strings.TrimSpace(text)
		if text == "" {
			return nil, nil
		}
		if !strings.HasPrefix(text, "{") {
			return locationText(text, refuse)
		}
		raw = json.RawMessage(text)
	}
	var l locationParam
	if err := json.Unmarshal(raw, &l); err != nil || !strings.HasPrefix(strings.TrimSpace(string(raw)), "{") {
		return refuse("location", locationShapes)
	}
	for _, c := range []struct {
		name string
		raw  json.RawMessage
	}{{"latitude", l.Latitude}, {"longitude", l.Longitude}} {
		var f float64
		var s string
		if len(c.raw) > 0 && string(c.raw) != "null" && json.Unmarshal(c.raw, &f) != nil && json.Unmarshal(c.raw, &s) != nil {
			return refuse("location."+c.name, fmt.Sprintf(`"location.%s" must be a number or a string`, c.name))
		}
	}
	return &l, nil
}

// readPlain fills body from the validated body's decoded value when it is a plain send: only
// the keys whose values it can take as json.Unmarshal would (strings, string lists and maps,
// media), each spelt exactly. Anything else (another key or spelling, since json.Unmarshal matches
// keys in any case; location, buttons and the v2 keys, which keep raw JSON) returns false, and
// the caller decodes the body with json.Unmarshal as before. It saves that second decode of
// every ordinary send.
func readPlain(decoded any, body *sendRequest) bool {
	obj, ok := decoded.(map[string]any)
	if !ok {
		return false
	}
	f := &body.campaignFields
	for k, v := range obj {
		switch k {
		case "apiKey":
			ok = core.PlainString(v, &f.APIKey)
		case "campaignName":
			ok = core.PlainString(v, &f.CampaignName)
		case "destination":
			ok = core.PlainString(v, &f.Destination)
		case "userName":
			ok = core.PlainString(v, &f.UserName)
		case "source":
			ok = core.PlainString(v, &f.Source)
		case "templateParams":
			f.TemplateParams, ok = core.PlainStrings(v)
		case "tags":
			f.Tags, ok = core.PlainStrings(v)
		case "attributes":
			f.Attributes, ok = core.PlainStringMap(v)
		case "defaultCountryCode":
			if v != nil {
				var cc string
				ok = core.PlainString(v, &cc)
				f.DefaultCountryCode = &cc
			}
		case "media":
			if v != nil {
				m, isMap := v.(map[string]any)
				ok = isMap
				f.Media = &mediaParam{}
				for mk, mv := range m {
					switch mk {
					case "url":
						ok = ok && core.PlainString(mv, &f.Media.URL)
					case "filename":
						ok = ok && core.PlainString(mv, &f.Media.Filename)
					default:
						ok = false
					}
				}
			}
		default:
			ok = false
		}
		if !ok {
			return false
		}
	}
	return true
}

// locationText reads "latitude, longitude, name, address": two numbers, then the place's name and
// its address, both optional. The coordinates are kept as written, as a string coordinate of the
// object form is.
func locationText(text string, refuse func(field, msg string) (*locationParam, *core.Response)) (*locationParam, *core.Response) {
	parts := strings.SplitN(text, ",", 4)
	if len(parts) < 2 {
		return refuse("location", locationShapes)
	}
	var l locationParam
	for i, c := range []struct {
		name  string
		to    *json.RawMessage
		limit float64
	}{{"latitude", &l.Latitude, 90}, {"longitude", &l.Longitude, 180}} {
		part := strings.TrimSpace(parts[i])
		f, err := strconv.ParseFloat(part, 64)
		if err != nil {
			return refuse("location", fmt.Sprintf("%s; its %s %q is not a number", locationShapes, c.name, part))
		}
		if math.Abs(f) > c.limit || math.IsNaN(f) {
			return refuse("location."+c.name, fmt.Sprintf(`"location" %s %s is out of range (-%g to %g)`, c.name, part, c.limit, c.limit))
		}
		*c.to, _ = json.Marshal(part)
	}
	if len(parts) > 2 {
		l.Name = strings.TrimSpace(parts[2])
	}
	if len(parts) > 3 {
		l.Address = strings.TrimSpace(parts[3])
	}
	return &l, nil
}

// attributeParam is a template param that names a contact attribute: "$FirstName".
var attributeParam = regexp.MustCompile(`^\$([A-Za-z_][A-Za-z0-9_]*)$`)

// send is POST /campaign/t1/api and /campaign/t1/api/v2. Every check runs before anything
// changes, so a refused request spends no credit and touches no contact; the credit is spent
// under the project's lock, so two sends can't both spend the last one.
func (v *Vendor) send(req *core.Request, v2 bool) core.Response {
	var body sendRequest
	plain := readPlain(req.Decoded, &body)
	if !plain {
		body = sendRequest{}
		var target any = &body.campaignFields
		if v2 {
			target = &body
		}
		if err := json.Unmarshal(req.Body, target); err != nil {
			// The spec has checked every key this route reads, so this is a simulator bug; still a
			// 400 that names the field rather than Go's wording.
			return decodeFailure(err)
		}
	}
	for _, f := range []struct{ name, value string }{
		{"apiKey", body.APIKey}, {"campaignName", body.CampaignName}, {"destination", body.Destination}, {"userName", body.UserName},
	} {
		if strings.TrimSpace(f.value) == "" {
			return fail(http.StatusBadRequest, strconv.Quote(f.name)+" is not allowed to be empty",
				core.Problem{In: "body", Field: f.name, Rule: "minLength", Reason: "is blank"})
		}
	}
	if !plain { // a plain body names only v1 keys: nothing to note
		v.noteIgnoredFields(req, v2)
	}

	p, ok := v.state.Load().byKey[strings.TrimSpace(body.APIKey)]
	if !ok {
		return fail(http.StatusUnauthorized, MsgInvalidAPIKey,
			core.Problem{In: "body", Field: "apiKey", Rule: "auth", Reason: "no project has this API key"})
	}
	req.Auth = p
	if !planActive(p.activePlan) {
		return v.accountFail(http.StatusBadRequest, MsgNoPlan, core.Problem{Rule: "plan",
			Reason: fmt.Sprintf("project %s has no active plan that includes API campaigns (activePlan %q)", p.id, p.activePlan)})
	}

	// Credits are checked before the campaign rules: the ERRnnn envelope comes from an account
	// layer in front of them. The rules read only what the fixtures fixed, so they run without
	// the lock (number parsing is the dearest step), and the credit is checked again when spent.
	p.mu.Lock()
	broke := p.credits <= 0
	p.mu.Unlock()
	if broke {
		return v.noCredits(p)
	}
	c, ok := p.byCampaign[strings.TrimSpace(body.CampaignName)]
	if !ok {
		for _, other := range p.campaigns {
			if strings.EqualFold(other.name, strings.TrimSpace(body.CampaignName)) {
				req.Note("campaign names are case-sensitive: did you mean %q?", other.name)
			}
		}
		return fail(http.StatusBadRequest, MsgCampaignMissing, core.Problem{In: "body", Field: "campaignName", Rule: "campaign",
			Reason: fmt.Sprintf("project %s has no API campaign named %q", p.id, body.CampaignName)})
	}
	if c.status != "Live" {
		return fail(http.StatusBadRequest, MsgCampaignNotLive, core.Problem{In: "body", Field: "campaignName", Rule: "campaign",
			Reason: fmt.Sprintf("campaign %q is %s, not Live", c.name, c.status)})
	}
	region := DefaultRegion
	if cc := body.DefaultCountryCode; cc != nil && strings.TrimSpace(*cc) != "" {
		var ok bool
		if region, ok = CountryCode(*cc); !ok {
			msg := fmt.Sprintf("%q must be an ISO 3166 alpha-2 country code such as IN or US, got %q", "defaultCountryCode", *cc)
			return fail(http.StatusBadRequest, msg, core.Problem{In: "body", Field: "defaultCountryCode", Rule: "country", Reason: msg})
		}
	}
	phone, err := v.numbers.normalize(body.Destination, region)
	if err != nil {
		return fail(http.StatusBadRequest, MsgInvalidNumber, core.Problem{In: "body", Field: "destination", Rule: "phone",
			Reason: fmt.Sprintf("%q is not a valid phone number in any country, nor in %s", body.Destination, regionName(region))})
	}
	tpl := c.template
	if len(body.TemplateParams) != tpl.params {
		return fail(http.StatusBadRequest, MsgParamsMismatch, core.Problem{In: "body", Field: "templateParams", Rule: "count",
			Reason: fmt.Sprintf("campaign %q takes %d params, got %d", c.name, tpl.params, len(body.TemplateParams))})
	}
	for i, param := range body.TemplateParams {
		if strings.TrimSpace(param) == "" {
			field := fmt.Sprintf("templateParams[%d]", i)
			// WhatsApp refuses a template whose parameter is empty.
			return fail(http.StatusBadRequest, strconv.Quote(field)+" is not allowed to be empty",
				core.Problem{In: "body", Field: fmt.Sprintf("templateParams.%d", i), Rule: "minLength", Reason: "is blank"})
		}
	}
	location, refusal := parseLocation(body.Location)
	if refusal != nil {
		return *refusal
	}
	header, refusal := templateHeader(req, c, body, location)
	if refusal != nil {
		return *refusal
	}
	buttons, refusal := templateButtons(tpl, body.Buttons)
	if refusal != nil {
		return *refusal
	}

	// Accepted unless a concurrent send took the last credit: spend, remember the contact, send.
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.credits <= 0 {
		return v.noCredits(p)
	}
	now := v.env.Clock.Now()
	p.credits--
	p.spent++
	ct, known := p.byPhone[phone]
	if !known {
		ct = &contact{phone: phone, attributes: map[string]string{}, created: now}
		p.byPhone[phone] = ct
		p.contacts = append(p.contacts, ct)
		req.Note("contact %s created in project %s", phone, p.id)
	}
	ct.name = strings.TrimSpace(body.UserName)
	if s := strings.TrimSpace(body.Source); s != "" {
		ct.source = s
	}
	ct.updated = now
	ct.messages++
	applyTags(req, p, ct, body.Tags)
	applyAttributes(req, p, ct, body.Attributes)
	v.saveSend(p, ct)

	params := make([]string, len(body.TemplateParams))
	for i, raw := range body.TemplateParams {
		params[i] = resolveParam(req, i, raw, ct, body.ParamsFallbackValue, v2)
	}
	text := render(tpl, params)
	data := map[string]any{
		"campaign": c.name, "template": tpl.Name, "language": tpl.Language, "templateParams": params,
		"waId": strings.TrimPrefix(phone, "+"), "project": p.id,
	}
	if header != nil {
		data["header"] = header
	}
	if tpl.Footer != "" {
		data["footer"] = tpl.Footer
	}
	if len(buttons) > 0 {
		data["buttons"] = buttons
	}
	if len(body.CarouselCards) > 0 {
		data["carouselCards"] = body.CarouselCards
	}
	if ct.source != "" {
		data["source"] = ct.source
	}
	title := ""
	if tpl.Header != nil && tpl.Header.Type == "text" {
		title = tpl.Header.Text
	}
	msg := core.Message{
		Vendor: "luminous", Tenant: p.id, Channel: core.ChannelWhatsApp, Kind: "template",
		Recipient: core.Recipient{ID: phone, Name: ct.name, Address: strings.TrimPrefix(phone, "+")},
		Title:     title, Body: text, Data: data, Payload: req.Body, Status: StatusSent,
	}
	stored := v.env.Deliver(req, msg)
	if rule, failed := v.env.FailsDelivery(req, "luminous", p.id, phone); failed {
		v.failReceipt(p, stored[0].ID, rule)
	} else {
		v.receipts(p, stored[0].ID)
	}
	return core.JSON(http.StatusOK, submitted{Success: "true", SubmittedMessageID: stored[0].ID})
}

func (v *Vendor) noCredits(p *project) core.Response {
	return v.accountFail(http.StatusPaymentRequired, MsgNoCredits, core.Problem{Rule: "credits",
		Reason: fmt.Sprintf("project %s has 0 WhatsApp conversation credits left", p.id)})
}

// receipts moves the message to delivered, then read, on the simulator's clock, each step an
// event on the bus. A reset in between leaves nothing to update: SetStatus finds no message.
func (v *Vendor) receipts(p *project, id string) {
	if p.deliveredAfter < 0 {
		return
	}
	readAfter := p.readAfter
	v.env.Clock.AfterFunc(p.deliveredAfter, func() {
		if !v.env.ChangeStatus(id, StatusDelivered, "") || readAfter < 0 {
			return
		}
		v.env.Clock.AfterFunc(readAfter, func() { v.env.ChangeStatus(id, StatusRead, "") })
	})
}

// noteIgnoredFields records keys the route does not read, so a client sending v2 keys to v1, or
// a misspelt key, can find out why they had no effect.
func (v *Vendor) noteIgnoredFields(req *core.Request, v2 bool) {
	var unknown []string
	gjson.ParseBytes(req.Body).ForEach(func(key, _ gjson.Result) bool {
		switch k := key.String(); {
		case slices.Contains(v1Fields, k):
		case slices.Contains(v2Fields, k):
			if !v2 {
				req.Note("%s is read only on /campaign/t1/api/v2; ignored", k)
			}
		default:
			unknown = append(unknown, strconv.Quote(k))
		}
		return true
	})
	if len(unknown) > 0 {
		sort.Strings(unknown)
		req.Note("unknown fields ignored: %s", nameList(unknown))
	}
}

// templateHeader checks the template's header against the request and returns what the message
// shows.
func templateHeader(req *core.Request, c *campaign, body sendRequest, loc *locationParam) (map[string]any, *core.Response) {
	h := c.template.Header
	typ := ""
	if h != nil {
		typ = h.Type
	}
	switch typ {
	case "image", "video", "document":
		if body.Media == nil || strings.TrimSpace(body.Media.URL) == "" {
			r := fail(http.StatusBadRequest, fmt.Sprintf("media.url is required: the template of campaign %q has a %s header", c.name, typ),
				core.Problem{In: "body", Field: "media.url", Rule: "required", Reason: "the template has a " + typ + " header"})
			return nil, &r
		}
		if why := checkPublicURL(body.Media.URL); why != "" {
			r := fail(http.StatusBadRequest, "media URL must be publicly accessible: "+why,
				core.Problem{In: "body", Field: "media.url", Rule: "public", Reason: why})
			return nil, &r
		}
		u := strings.TrimSpace(body.Media.URL)
		name := body.Media.Filename
		if name == "" && typ == "document" {
			if parsed, err := url.Parse(u); err == nil {
				name = path.Base(parsed.Path)
			}
		}
		out := map[string]any{"type": typ, "url": u}
		if name != "" && name != "/" && name != "." {
			out["filename"] = name
		}
		return out, nil
	case "location":
		if !loc.hasPoint() {
			reason := fmt.Sprintf("location with latitude and longitude is required: the template of campaign %q has a location header", c.name)
			r := fail(http.StatusBadRequest, reason, core.Problem{In: "body", Field: "location", Rule: "required", Reason: reason})
			return nil, &r
		}
		return map[string]any{"type": "location", "latitude": loc.Latitude, "longitude": loc.Longitude, "name": loc.Name, "address": loc.Address}, nil
	}
	if body.Media != nil && body.Media.URL != "" {
		req.Note("media ignored: the template of campaign %q has no media header", c.name)
	}
	if loc.hasPoint() {
		req.Note("location ignored: the template of campaign %q has no location header", c.name)
	}
	if typ == "text" {
		return map[string]any{"type": "text", "text": h.Text}, nil
	}
	return nil, nil
}

// templateButtons renders the template's buttons. A url button with {{1}} in its URL takes its
// suffix from the request's buttons entry with sub_type url and the same index; without one the
// send is refused in the words Meta's API uses.
func templateButtons(tpl template, params []buttonParam) ([]map[string]any, *core.Response) {
	var out []map[string]any
	for i, b := range tpl.Buttons {
		rb := map[string]any{"type": b.Type, "text": b.Text}
		switch b.Type {
		case "url":
			u := b.URL
			if placeholder.MatchString(u) {
				suffix, ok := buttonParamFor(params, i)
				if !ok {
					msg := fmt.Sprintf("Button at index %d of type Url requires a parameter", i)
					r := fail(http.StatusBadRequest, msg, core.Problem{In: "body", Field: "buttons", Rule: "required", Reason: msg})
					return nil, &r
				}
				u = placeholder.ReplaceAllLiteralString(u, suffix)
			}
			rb["url"] = u
		case "phone_number":
			rb["phone"] = b.Phone
		case "copy_code":
			if code, ok := buttonParamFor(params, i); ok {
				rb["code"] = code
			}
		}
		out = append(out, rb)
	}
	return out, nil
}

func buttonParamFor(params []buttonParam, index int) (string, bool) {
	for _, p := range params {
		var n int
		if err := json.Unmarshal(p.Index, &n); err != nil {
			var s string
			if json.Unmarshal(p.Index, &s) != nil {
				continue
			}
			if n, err = strconv.Atoi(strings.TrimSpace(s)); err != nil {
				continue
			}
		}
		if n != index || len(p.Parameters) == 0 || strings.TrimSpace(p.Parameters[0].Text) == "" {
			continue
		}
		return p.Parameters[0].Text, true
	}
	return "", false
}

func applyTags(req *core.Request, p *project, ct *contact, tags []string) {
	var ignored []string
	for _, t := range tags {
		if name, ok := p.tagIndex[strings.ToLower(strings.TrimSpace(t))]; ok {
			ct.tags = appendUnique(ct.tags, name)
			continue
		}
		ignored = append(ignored, strconv.Quote(t))
	}
	if len(ignored) > 0 {
		req.Note("tags ignored, not tags of project %s: %s", p.id, nameList(ignored))
	}
}

// applyAttributes sets the project's attributes on the contact and notes the others. Keys are
// taken in sorted order so that "City" and "city" in one body give the same result every run.
func applyAttributes(req *core.Request, p *project, ct *contact, attrs map[string]string) {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var ignored []string
	for _, k := range keys {
		if name, ok := p.attrIndex[strings.ToLower(strings.TrimSpace(k))]; ok {
			ct.attributes[name] = attrs[k]
			continue
		}
		ignored = append(ignored, strconv.Quote(k))
	}
	if len(ignored) > 0 {
		req.Note("attributes ignored, not attributes of project %s: %s", p.id, nameList(ignored))
	}
}

// resolveParam fills a "$Attribute" param from the contact (its attributes, then FirstName and
// Name from its name), then from paramsFallbackValue (v2). A param it can't fill is sent as
// written and the journal says so; anything else is sent as it is.
func resolveParam(req *core.Request, i int, raw string, ct *contact, fallback map[string]string, v2 bool) string {
	if !strings.HasPrefix(raw, "$") {
		return raw
	}
	m := attributeParam.FindStringSubmatch(raw)
	if m == nil {
		return raw
	}
	key := m[1]
	for k, val := range ct.attributes {
		if strings.EqualFold(k, key) && val != "" {
			return val
		}
	}
	switch strings.ToLower(key) {
	case "firstname":
		if f := strings.Fields(ct.name); len(f) > 0 {
			return f[0]
		}
	case "name":
		if ct.name != "" {
			return ct.name
		}
	}
	if val, ok := fallback[key]; ok && val != "" {
		return val
	}
	for k, val := range fallback {
		if strings.EqualFold(k, key) && val != "" {
			return val
		}
	}
	if v2 {
		req.Note("templateParams[%d] %s: the contact has no attribute %s and paramsFallbackValue has none; sent as written", i, raw, key)
	} else {
		req.Note("templateParams[%d] %s: the contact has no attribute %s (paramsFallbackValue is read only on /v2); sent as written", i, raw, key)
	}
	return raw
}

// render fills {{n}} with params[n-1]. Load has checked that every n is within params.
func render(tpl template, params []string) string {
	if len(params) == 0 {
		return tpl.Body
	}
	size := 0
	for _, p := range tpl.parts {
		size += len(p.text)
		if p.param > 0 {
			size += len(params[p.param-1])
		}
	}
	var b strings.Builder
	b.Grow(size)
	for _, p := range tpl.parts {
		b.WriteString(p.text)
		if p.param > 0 {
			b.WriteString(params[p.param-1])
		}
	}
	return b.String()
}

// maxNamesInNote bounds a note's list: the journal keeps 10,000 entries, and a body can name
// tens of thousands of unknown keys.
const maxNamesInNote = 20

func nameList(names []string) string {
	if len(names) <= maxNamesInNote {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:maxNamesInNote], ", "), len(names)-maxNamesInNote)
}
