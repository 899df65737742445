// Package luma simulates Serviceaide Luma's Notification API: notify chat users of a tenant by
// login id and role, through notification templates.
package luma

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/fixtures"
)

// Roles maps Luma role codes to their names.
var roleNames = map[int]string{
	-1: "Administrator",
	-2: "Developer",
	-3: "Analyst",
	-4: "Self-service",
	-5: "Guest",
}

// DefaultTemplateID is the built-in text template every tenant has.
const DefaultTemplateID = "-1"

// MessageVariable is what templates replace with the request's message.
const MessageVariable = "@request.message"

// Fixtures is the luma section of a dataset.
type Fixtures struct {
	Tenants []TenantFixture `json:"tenants"`
}

// TenantFixture is one Luma tenant.
type TenantFixture struct {
	ID        string            `json:"id"`
	Token     string            `json:"token"`
	Users     []UserFixture     `json:"users"`
	Templates []TemplateFixture `json:"templates"`
}

// UserFixture is one Luma user.
type UserFixture struct {
	Login string `json:"login"`
	Name  string `json:"name"`
	Role  int    `json:"role"`
}

// TemplateFixture is one notification template.
type TemplateFixture struct {
	ID    string `json:"id"`
	Type  string `json:"type"` // text, card or image
	Title string `json:"title"`
	Body  string `json:"body"`
}

type user struct {
	Login    string `json:"login"`
	Name     string `json:"name,omitempty"`
	Role     int    `json:"role"`
	RoleName string `json:"roleName"`
	lower    string
	roleCode string // strconv.Itoa(Role), made once: a negative number allocates each time
	index    int    // in the tenant's Users, and in everyone
}

type tenant struct {
	ID        string                     `json:"id"`
	Users     []*user                    `json:"users"`
	Templates map[string]TemplateFixture `json:"templates"`
	token     string
	byLogin   map[string]*user
	// everyone is every user as a recipient, in the tenant's order: "0" without roles notifies
	// them, and a fan-out shares the list rather than building one per request.
	everyone []core.Recipient
}

type state struct {
	byToken map[string]*tenant
	tenants []*tenant
	// data holds one Message.Data map per template and responseType, shared by every message
	// sent without a botExternalID or an image URL: a map per message was a third of a stored message's memory.
	// It lives in the state, so a new dataset starts it afresh and its size stays bounded.
	data sync.Map // dataKey → map[string]any
}

type dataKey struct{ template, responseType string }

// Vendor is the simulated Luma API.
type Vendor struct {
	env   *core.Env
	state atomic.Pointer[state]
}

// New returns a Luma simulator with no tenants; Load gives it some.
func New(env *core.Env) *Vendor {
	v := &Vendor{env: env}
	v.state.Store(&state{byToken: map[string]*tenant{}})
	return v
}

func (v *Vendor) Name() string { return "luma" }

func (v *Vendor) Handlers() map[string]core.Handler {
	return map[string]core.Handler{"notifyLumaUser": v.notify}
}

// Load parses the luma section and checks it: unique tenants, tokens and login ids, known roles,
// templates of a known type.
func (v *Vendor) Load(section json.RawMessage) (func(), error) {
	var fx Fixtures
	if err := fixtures.Decode(section, &fx); err != nil {
		return nil, err
	}
	st := &state{byToken: map[string]*tenant{}}
	ids := map[string]bool{}
	roleCodes := map[int]string{} // one string per role, shared by its users: see roleJSON
	for i, tf := range fx.Tenants {
		where := fmt.Sprintf("tenants[%d]", i)
		if tf.ID == "" || tf.Token == "" {
			return nil, fmt.Errorf("%s: id and token are required", where)
		}
		if ids[tf.ID] {
			return nil, fmt.Errorf("%s: tenant %q is defined twice", where, tf.ID)
		}
		ids[tf.ID] = true
		if _, dup := st.byToken[tf.Token]; dup {
			return nil, fmt.Errorf("%s: token of tenant %q is already used by another tenant", where, tf.ID)
		}
		t := &tenant{ID: tf.ID, token: tf.Token, byLogin: map[string]*user{}, Templates: map[string]TemplateFixture{
			DefaultTemplateID: {ID: DefaultTemplateID, Type: "text", Body: MessageVariable},
		}}
		for j, uf := range tf.Users {
			name, ok := roleNames[uf.Role]
			if !ok {
				return nil, fmt.Errorf("%s.users[%d]: role %d is not a Luma role (-1 to -5)", where, j, uf.Role)
			}
			login := strings.TrimSpace(uf.Login)
			if login == "" || login == "0" || strings.Contains(login, ",") {
				return nil, fmt.Errorf("%s.users[%d]: login %q is not a usable login id", where, j, uf.Login)
			}
			lower := strings.ToLower(login)
			if _, dup := t.byLogin[lower]; dup {
				return nil, fmt.Errorf("%s.users[%d]: login %q is defined twice", where, j, login)
			}
			code, ok := roleCodes[uf.Role]
			if !ok {
				code = strconv.Itoa(uf.Role)
				roleCodes[uf.Role] = code
			}
			u := &user{Login: login, Name: uf.Name, Role: uf.Role, RoleName: name, lower: lower, roleCode: code}
			u.index = len(t.Users)
			t.byLogin[lower] = u
			t.Users = append(t.Users, u)
		}
		// Made once, at its size: with 100,000 users it is the largest thing a tenant holds.
		t.everyone = make([]core.Recipient, len(t.Users))
		for i, u := range t.Users {
			t.everyone[i] = core.Recipient{ID: u.Login, Name: u.Name, Role: u.roleCode, RoleName: u.RoleName}
		}
		for j, tpl := range tf.Templates {
			tpl.Type = strings.ToLower(tpl.Type)
			if tpl.Type == "" {
				tpl.Type = "text"
			}
			if tpl.ID == "" || (tpl.Type != "text" && tpl.Type != "card" && tpl.Type != "image") {
				return nil, fmt.Errorf("%s.templates[%d]: needs an id and a type of text, card or image", where, j)
			}
			t.Templates[tpl.ID] = tpl
		}
		st.byToken[tf.Token] = t
		st.tenants = append(st.tenants, t)
	}
	return func() { v.state.Store(st) }, nil
}

// Snapshot lists tenants with their users and templates (tokens left out).
func (v *Vendor) Snapshot() any {
	st := v.state.Load()
	type tplView struct {
		ID    string `json:"id"`
		Type  string `json:"type"`
		Title string `json:"title,omitempty"`
		Body  string `json:"body"`
	}
	type tenantView struct {
		ID        string    `json:"id"`
		Users     []*user   `json:"users"`
		Templates []tplView `json:"templates"`
	}
	out := []tenantView{}
	for _, t := range st.tenants {
		tv := tenantView{ID: t.ID, Users: t.Users}
		for _, tpl := range t.Templates {
			tv.Templates = append(tv.Templates, tplView(tpl))
		}
		sort.Slice(tv.Templates, func(i, j int) bool {
			a, _ := strconv.Atoi(tv.Templates[i].ID)
			b, _ := strconv.Atoi(tv.Templates[j].ID)
			return a < b
		})
		out = append(out, tv)
	}
	return map[string]any{"tenants": out}
}
