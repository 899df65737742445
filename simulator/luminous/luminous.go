// Package luminous simulates Luminous WhatsApp API campaigns, which speak AiSensy's wire format:
// POST /campaign/t1/api[/v2] with the project's apiKey in the body sends the template of a Live
// API campaign to one WhatsApp number, creating or updating the contact and spending one
// conversation credit.
package luminous

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/fixtures"
)

// Receipt delays used when a project's fixtures do not set them: long enough to watch the
// statuses change in the TUI, short enough for a demo.
const (
	DefaultDeliveredAfter = 2 * time.Second
	DefaultReadAfter      = 5 * time.Second
)

// Message statuses of a WhatsApp message, in the order receipts arrive.
const (
	StatusSent      = "sent"
	StatusDelivered = core.StatusDelivered
	StatusRead      = "read"
)

// Campaign statuses a fixture may give; only Live campaigns send.
var campaignStatuses = []string{"Live", "Paused", "Stopped", "Draft"}

// Header types of a WhatsApp template. The media ones need media.url in the request, location
// needs location.
var headerTypes = map[string]bool{"": true, "text": true, "image": true, "video": true, "document": true, "location": true}

// Button types of a WhatsApp template.
var buttonTypes = map[string]bool{"url": true, "quick_reply": true, "phone_number": true, "copy_code": true}

var placeholder = regexp.MustCompile(`\{\{\s*(\d+)\s*\}\}`)

// Fixtures is the luminous section of a dataset.
type Fixtures struct {
	Projects []ProjectFixture `json:"projects"`
}

// ProjectFixture is one Luminous project (a WhatsApp Business number with its API key).
type ProjectFixture struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	APIKey string `json:"apiKey"`
	// Credits are the WhatsApp conversation credits left; each accepted send spends one.
	Credits int `json:"credits"`
	// ActivePlan names the plan, e.g. PRO_MONTHLY. Empty or FREE_FOREVER means no plan that
	// includes API campaigns: every send answers 400 ERR400.
	ActivePlan string            `json:"activePlan"`
	Receipts   *ReceiptsFixture  `json:"receipts"`
	Tags       []string          `json:"tags"`
	Attributes []string          `json:"attributes"`
	Campaigns  []CampaignFixture `json:"campaigns"`
	Contacts   []ContactFixture  `json:"contacts"`
}

// ReceiptsFixture sets when the receipts of a sent message arrive: delivered this long after the
// send, read this long after delivered. "off" means the receipt never comes.
type ReceiptsFixture struct {
	Delivered string `json:"delivered"`
	Read      string `json:"read"`
}

// CampaignFixture is one API campaign.
type CampaignFixture struct {
	Name     string          `json:"name"`
	Status   string          `json:"status"`
	Template TemplateFixture `json:"template"`
}

// TemplateFixture is the approved WhatsApp template a campaign sends. The number of parameters
// is the highest {{n}} of the body.
type TemplateFixture struct {
	Name     string          `json:"name"`
	Language string          `json:"language"`
	Header   *HeaderFixture  `json:"header,omitempty"`
	Body     string          `json:"body"`
	Footer   string          `json:"footer,omitempty"`
	Buttons  []ButtonFixture `json:"buttons,omitempty"`
}

// HeaderFixture is a template header: text, or media (image, video, document), or location.
type HeaderFixture struct {
	Type string `json:"type"`
	Text string `json:"text,omitempty"`
}

// ButtonFixture is a template button. A url button whose URL holds {{1}} is dynamic: the
// request must give its suffix in buttons.
type ButtonFixture struct {
	Type  string `json:"type"`
	Text  string `json:"text"`
	URL   string `json:"url,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// ContactFixture is a contact that already exists in the project.
type ContactFixture struct {
	Phone      string            `json:"phone"`
	Name       string            `json:"name"`
	Source     string            `json:"source"`
	Tags       []string          `json:"tags"`
	Attributes map[string]string `json:"attributes"`
}

type template struct {
	TemplateFixture
	params int
	// parts is Body cut at its placeholders, so a send fills it without a regular expression.
	parts []bodyPart
}

// bodyPart is literal text followed by placeholder {{param}} (param 0: none, the end of the body).
type bodyPart struct {
	text  string
	param int
}

// splitBody cuts a template body at its placeholders. countParams has checked that each is {{1}}
// or higher.
func splitBody(body string) []bodyPart {
	var parts []bodyPart
	last := 0
	for _, m := range placeholder.FindAllStringSubmatchIndex(body, -1) {
		n, _ := strconv.Atoi(body[m[2]:m[3]])
		parts = append(parts, bodyPart{text: body[last:m[0]], param: n})
		last = m[1]
	}
	return append(parts, bodyPart{text: body[last:]})
}

type campaign struct {
	name     string
	status   string
	template template
}

type contact struct {
	phone      string
	name       string
	source     string
	tags       []string
	attributes map[string]string
	created    time.Time
	updated    time.Time
	messages   int
}

type project struct {
	id, name, key             string
	activePlan                string
	deliveredAfter, readAfter time.Duration // < 0: the receipt never comes
	tags                      []string
	tagIndex                  map[string]string // lower-case → the project's spelling
	attributes                []string
	attrIndex                 map[string]string
	campaigns                 []*campaign
	byCampaign                map[string]*campaign

	// mu guards what sends change: credits and contacts.
	mu       sync.Mutex
	credits  int
	spent    int
	contacts []*contact
	byPhone  map[string]*contact
}

type state struct {
	projects []*project
	byKey    map[string]*project
}

// Vendor is the simulated Luminous API.
type Vendor struct {
	env     *core.Env
	state   atomic.Pointer[state]
	numbers numberCache
}

// New returns a Luminous simulator with no projects; Load gives it some.
func New(env *core.Env) *Vendor {
	v := &Vendor{env: env}
	v.state.Store(&state{byKey: map[string]*project{}})
	return v
}

func (v *Vendor) Name() string { return "luminous" }

// NormalizeRecipient reads a phone-like recipient filter as a destination without
// defaultCountryCode is read, so "919876543210" finds the messages of "+919876543210".
func (v *Vendor) NormalizeRecipient(id string) (string, bool) {
	if !LooksLikePhone(id) {
		return "", false
	}
	e164, err := v.numbers.normalize(id, DefaultRegion)
	return e164, err == nil
}

func (v *Vendor) Handlers() map[string]core.Handler {
	return map[string]core.Handler{
		"sendApiCampaign":   func(req *core.Request) core.Response { return v.send(req, false) },
		"sendApiCampaignV2": func(req *core.Request) core.Response { return v.send(req, true) },
		"campaignDetails":   v.campaignDetails,
	}
}

// planActive reports whether a plan includes API campaigns; Forever-Free does not.
func planActive(plan string) bool {
	p := strings.TrimSpace(plan)
	return p != "" && !strings.EqualFold(p, "FREE_FOREVER") && !strings.EqualFold(p, "NONE")
}

// Load parses the luminous section and checks it: unique project ids and keys, known campaign
// statuses and header types, templates whose {{n}} run from 1 without gaps, contacts with valid
// numbers and only the project's tags and attributes.
func (v *Vendor) Load(section json.RawMessage) (func(), error) {
	var fx Fixtures
	if err := fixtures.Decode(section, &fx); err != nil {
		return nil, err
	}
	now := v.env.Clock.Now()
	st := &state{byKey: map[string]*project{}}
	ids := map[string]bool{}
	for i, pf := range fx.Projects {
		where := fmt.Sprintf("projects[%d]", i)
		p, err := loadProject(where, pf, now)
		if err != nil {
			return nil, err
		}
		if ids[p.id] {
			return nil, fmt.Errorf("%s: project %q is defined twice", where, p.id)
		}
		ids[p.id] = true
		if _, dup := st.byKey[p.key]; dup {
			return nil, fmt.Errorf("%s: apiKey of project %q is already used by another project", where, p.id)
		}
		st.byKey[p.key] = p
		st.projects = append(st.projects, p)
	}
	return func() { v.state.Store(st) }, nil
}

func loadProject(where string, pf ProjectFixture, now time.Time) (*project, error) {
	if strings.TrimSpace(pf.ID) == "" || strings.TrimSpace(pf.APIKey) == "" {
		return nil, fmt.Errorf("%s: id and apiKey are required", where)
	}
	if pf.Credits < 0 {
		return nil, fmt.Errorf("%s: credits must be 0 or more, got %d", where, pf.Credits)
	}
	p := &project{
		id: pf.ID, name: pf.Name, key: pf.APIKey, activePlan: pf.ActivePlan, credits: pf.Credits,
		deliveredAfter: DefaultDeliveredAfter, readAfter: DefaultReadAfter,
		tagIndex: map[string]string{}, attrIndex: map[string]string{},
		byCampaign: map[string]*campaign{}, byPhone: map[string]*contact{},
	}
	if p.name == "" {
		p.name = p.id
	}
	if r := pf.Receipts; r != nil {
		var err error
		if p.deliveredAfter, err = receiptDelay(r.Delivered, DefaultDeliveredAfter); err != nil {
			return nil, fmt.Errorf("%s.receipts.delivered: %w", where, err)
		}
		if p.readAfter, err = receiptDelay(r.Read, DefaultReadAfter); err != nil {
			return nil, fmt.Errorf("%s.receipts.read: %w", where, err)
		}
	}
	for j, t := range pf.Tags {
		t = strings.TrimSpace(t)
		if t == "" || p.tagIndex[strings.ToLower(t)] != "" {
			return nil, fmt.Errorf("%s.tags[%d]: tag %q is empty or defined twice", where, j, t)
		}
		p.tagIndex[strings.ToLower(t)] = t
		p.tags = append(p.tags, t)
	}
	for j, a := range pf.Attributes {
		a = strings.TrimSpace(a)
		if a == "" || p.attrIndex[strings.ToLower(a)] != "" {
			return nil, fmt.Errorf("%s.attributes[%d]: attribute %q is empty or defined twice", where, j, a)
		}
		p.attrIndex[strings.ToLower(a)] = a
		p.attributes = append(p.attributes, a)
	}
	for j, cf := range pf.Campaigns {
		c, err := loadCampaign(fmt.Sprintf("%s.campaigns[%d]", where, j), cf)
		if err != nil {
			return nil, err
		}
		if _, dup := p.byCampaign[c.name]; dup {
			return nil, fmt.Errorf("%s.campaigns[%d]: campaign %q is defined twice", where, j, c.name)
		}
		p.byCampaign[c.name] = c
		p.campaigns = append(p.campaigns, c)
	}
	for j, cf := range pf.Contacts {
		at := fmt.Sprintf("%s.contacts[%d]", where, j)
		phone, err := NormalizeNumber(cf.Phone)
		if err != nil {
			return nil, fmt.Errorf("%s: phone %q: %w", at, cf.Phone, err)
		}
		if _, dup := p.byPhone[phone]; dup {
			return nil, fmt.Errorf("%s: contact %s is defined twice", at, phone)
		}
		c := &contact{phone: phone, name: cf.Name, source: cf.Source, attributes: map[string]string{}, created: now, updated: now}
		for _, t := range cf.Tags {
			name, ok := p.tagIndex[strings.ToLower(strings.TrimSpace(t))]
			if !ok {
				return nil, fmt.Errorf("%s: tag %q is not a tag of project %s (tags: %s)", at, t, p.id, strings.Join(p.tags, ", "))
			}
			c.tags = appendUnique(c.tags, name)
		}
		for k, val := range cf.Attributes {
			name, ok := p.attrIndex[strings.ToLower(strings.TrimSpace(k))]
			if !ok {
				return nil, fmt.Errorf("%s: attribute %q is not an attribute of project %s (attributes: %s)", at, k, p.id, strings.Join(p.attributes, ", "))
			}
			c.attributes[name] = val
		}
		p.byPhone[phone] = c
		p.contacts = append(p.contacts, c)
	}
	return p, nil
}

func receiptDelay(s string, def time.Duration) (time.Duration, error) {
	switch s = strings.TrimSpace(s); {
	case s == "":
		return def, nil
	case strings.EqualFold(s, "off"), strings.EqualFold(s, "never"):
		return -1, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration such as 2s or 1m, or off", s)
	}
	return d, nil
}

func loadCampaign(where string, cf CampaignFixture) (*campaign, error) {
	name := strings.TrimSpace(cf.Name)
	if name == "" {
		return nil, fmt.Errorf("%s: name is required", where)
	}
	status := ""
	for _, s := range campaignStatuses {
		if strings.EqualFold(s, strings.TrimSpace(cf.Status)) {
			status = s
		}
	}
	if status == "" {
		return nil, fmt.Errorf("%s: status %q is not one of %s", where, cf.Status, strings.Join(campaignStatuses, ", "))
	}
	tf := cf.Template
	if tf.Name == "" {
		tf.Name = name
	}
	if tf.Language == "" {
		tf.Language = "en"
	}
	if strings.TrimSpace(tf.Body) == "" {
		return nil, fmt.Errorf("%s.template.body is required", where)
	}
	params, err := countParams(tf.Body)
	if err != nil {
		return nil, fmt.Errorf("%s.template.body: %w", where, err)
	}
	if h := tf.Header; h != nil {
		h.Type = strings.ToLower(strings.TrimSpace(h.Type))
		if !headerTypes[h.Type] {
			return nil, fmt.Errorf("%s.template.header.type %q is not one of text, image, video, document, location", where, h.Type)
		}
	}
	for k := range tf.Buttons {
		b := &tf.Buttons[k]
		b.Type = strings.ToLower(strings.TrimSpace(b.Type))
		if !buttonTypes[b.Type] {
			return nil, fmt.Errorf("%s.template.buttons[%d].type %q is not one of url, quick_reply, phone_number, copy_code", where, k, b.Type)
		}
		if b.Type == "url" && b.URL == "" {
			return nil, fmt.Errorf("%s.template.buttons[%d]: a url button needs a url", where, k)
		}
	}
	return &campaign{name: name, status: status, template: template{TemplateFixture: tf, params: params, parts: splitBody(tf.Body)}}, nil
}

// countParams returns how many parameters a template body takes: {{1}} … {{n}}, each present.
func countParams(body string) (int, error) {
	seen := map[int]bool{}
	max := 0
	for _, m := range placeholder.FindAllStringSubmatch(body, -1) {
		n, err := strconv.Atoi(m[1])
		if err != nil || n < 1 {
			return 0, fmt.Errorf("placeholder {{%s}} must be {{1}} or higher", m[1])
		}
		seen[n] = true
		if n > max {
			max = n
		}
	}
	for n := 1; n <= max; n++ {
		if !seen[n] {
			return 0, fmt.Errorf("uses {{%d}} but not {{%d}}; WhatsApp templates number their parameters from {{1}} without gaps", max, n)
		}
	}
	return max, nil
}

func appendUnique(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

// Views of the state for GET /_sim/state/luminous. API keys are left out.
type (
	projectView struct {
		ID           string         `json:"id"`
		Name         string         `json:"name"`
		ActivePlan   string         `json:"activePlan"`
		PlanActive   bool           `json:"planActive"`
		Credits      int            `json:"credits"`
		CreditsSpent int            `json:"creditsSpent"`
		Receipts     receiptsView   `json:"receipts"`
		Tags         []string       `json:"tags"`
		Attributes   []string       `json:"attributes"`
		Campaigns    []campaignView `json:"campaigns"`
		Contacts     []contactView  `json:"contacts"`
	}
	receiptsView struct {
		Delivered string `json:"delivered"`
		Read      string `json:"read"`
	}
	campaignView struct {
		Name     string          `json:"name"`
		Status   string          `json:"status"`
		Params   int             `json:"params"`
		Template TemplateFixture `json:"template"`
	}
	contactView struct {
		Phone      string            `json:"phone"`
		WaID       string            `json:"waId"`
		Name       string            `json:"name"`
		Source     string            `json:"source,omitempty"`
		Tags       []string          `json:"tags"`
		Attributes map[string]string `json:"attributes"`
		Messages   int               `json:"messages"`
		CreatedAt  time.Time         `json:"createdAt"`
		UpdatedAt  time.Time         `json:"updatedAt"`
	}
)

func delayText(d time.Duration) string {
	if d < 0 {
		return "off"
	}
	return d.String()
}

// Snapshot lists the projects with their credits, campaigns and contacts (tags and attributes
// included). It copies under each project's lock so the result can be encoded while sends go on.
func (v *Vendor) Snapshot() any {
	st := v.state.Load()
	out := []projectView{}
	for _, p := range st.projects {
		pv := projectView{
			ID: p.id, Name: p.name, ActivePlan: p.activePlan, PlanActive: planActive(p.activePlan),
			Receipts:   receiptsView{Delivered: delayText(p.deliveredAfter), Read: delayText(p.readAfter)},
			Tags:       append([]string{}, p.tags...),
			Attributes: append([]string{}, p.attributes...),
			Campaigns:  []campaignView{},
		}
		for _, c := range p.campaigns {
			pv.Campaigns = append(pv.Campaigns, campaignView{Name: c.name, Status: c.status, Params: c.template.params, Template: c.template.TemplateFixture})
		}
		p.mu.Lock()
		pv.Credits, pv.CreditsSpent = p.credits, p.spent
		pv.Contacts = make([]contactView, 0, len(p.contacts))
		for _, c := range p.contacts {
			attrs := make(map[string]string, len(c.attributes))
			for k, val := range c.attributes {
				attrs[k] = val
			}
			pv.Contacts = append(pv.Contacts, contactView{
				Phone: c.phone, WaID: strings.TrimPrefix(c.phone, "+"), Name: c.name, Source: c.source,
				Tags: append([]string{}, c.tags...), Attributes: attrs, Messages: c.messages,
				CreatedAt: c.created, UpdatedAt: c.updated,
			})
		}
		p.mu.Unlock()
		out = append(out, pv)
	}
	return map[string]any{"projects": out}
}
