// Package mykaarma simulates myKaarma's Communications API "send Notification without single
// customer context": a ServiceSubscriber notifies the users (dealer associates) of a department —
// the thread owner, the department's internal and external subscribers, extra users by UUID, and
// the owner's phone — with delay, synchronous sending and result callbacks.
package mykaarma

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/fixtures"
)

// NotifyScope is the scope a subscriber needs on a department to call notify.
const NotifyScope = "communications.notification.without.customer.send"

// DefaultUser is the userUUID that stands for the department's default user (any case).
const DefaultUser = "DEFAULT"

// Fixtures is the mykaarma section of a dataset.
type Fixtures struct {
	Departments []DepartmentFixture `json:"departments"`
	Subscribers []SubscriberFixture `json:"subscribers"`
}

// DepartmentFixture is one dealership department and its users.
type DepartmentFixture struct {
	UUID                string        `json:"uuid"`
	Name                string        `json:"name"`
	DefaultUser         string        `json:"defaultUser"`
	Users               []UserFixture `json:"users"`
	InternalSubscribers []string      `json:"internalSubscribers"`
	ExternalSubscribers []string      `json:"externalSubscribers"`
}

// UserFixture is one dealer associate.
type UserFixture struct {
	UUID  string `json:"uuid"`
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// SubscriberFixture is one ServiceSubscriber account: Basic credentials and scopes per department.
type SubscriberFixture struct {
	Username string `json:"username"`
	Password string `json:"password"`
	// Valid false disables the account (INVALID_SERVICE_SUBSCRIBER); absent means enabled.
	Valid  *bool               `json:"valid"`
	Scopes map[string][]string `json:"scopes"`
}

type user struct {
	UUID       string `json:"uuid"`
	Name       string `json:"name,omitempty"`
	Phone      string `json:"phone,omitempty"`
	Department string `json:"department"`
}

type department struct {
	UUID                string   `json:"uuid"`
	Name                string   `json:"name,omitempty"`
	DefaultUser         string   `json:"defaultUser,omitempty"`
	Users               []*user  `json:"users"`
	InternalSubscribers []string `json:"internalSubscribers"`
	ExternalSubscribers []string `json:"externalSubscribers"`
}

type subscriber struct {
	Username string              `json:"username"`
	Valid    bool                `json:"valid"`
	Scopes   map[string][]string `json:"scopes"`
	password string
	// scopes by lower-case department UUID
	byDept map[string]map[string]bool
}

func (s *subscriber) can(dept, scope string) bool {
	return s.byDept[strings.ToLower(dept)][scope]
}

type state struct {
	departments []*department
	byDept      map[string]*department // lower-case UUID
	users       map[string]*user       // lower-case UUID, across every department
	subscribers []*subscriber
	byUsername  map[string]*subscriber
}

// Vendor is the simulated myKaarma Communications API.
type Vendor struct {
	env   *core.Env
	state atomic.Pointer[state]
}

// New returns a myKaarma simulator with no departments or subscribers; Load gives it some.
func New(env *core.Env) *Vendor {
	v := &Vendor{env: env}
	v.state.Store(&state{byDept: map[string]*department{}, users: map[string]*user{}, byUsername: map[string]*subscriber{}})
	return v
}

func (v *Vendor) Name() string { return "mykaarma" }

func (v *Vendor) Handlers() map[string]core.Handler {
	return map[string]core.Handler{"sendNotificationWithoutCustomer": v.notify}
}

// Load parses the mykaarma section and checks it: unique department and user UUIDs, a default
// user and subscribers that are users of their department, external subscribers and scoped
// departments that exist, unique subscriber usernames with a password.
func (v *Vendor) Load(section json.RawMessage) (func(), error) {
	var fx Fixtures
	if err := fixtures.Decode(section, &fx); err != nil {
		return nil, err
	}
	st := &state{byDept: map[string]*department{}, users: map[string]*user{}, byUsername: map[string]*subscriber{}}
	for i, df := range fx.Departments {
		where := fmt.Sprintf("departments[%d]", i)
		id := strings.TrimSpace(df.UUID)
		if id == "" {
			return nil, fmt.Errorf("%s: uuid is required", where)
		}
		if _, dup := st.byDept[strings.ToLower(id)]; dup {
			return nil, fmt.Errorf("%s: department %q is defined twice", where, id)
		}
		d := &department{UUID: id, Name: df.Name, InternalSubscribers: []string{}, ExternalSubscribers: []string{}}
		for j, uf := range df.Users {
			uid := strings.TrimSpace(uf.UUID)
			if uid == "" || strings.EqualFold(uid, DefaultUser) {
				return nil, fmt.Errorf("%s.users[%d]: uuid %q is not a usable user UUID", where, j, uf.UUID)
			}
			if prev, dup := st.users[strings.ToLower(uid)]; dup {
				return nil, fmt.Errorf("%s.users[%d]: user %q is already defined in department %s", where, j, uid, prev.Department)
			}
			u := &user{UUID: uid, Name: uf.Name, Phone: uf.Phone, Department: id}
			st.users[strings.ToLower(uid)] = u
			d.Users = append(d.Users, u)
		}
		member := func(field, uid string) (string, error) {
			for _, u := range d.Users {
				if strings.EqualFold(u.UUID, uid) {
					return u.UUID, nil
				}
			}
			return "", fmt.Errorf("%s.%s: %q is not a user of department %s", where, field, uid, id)
		}
		if df.DefaultUser != "" {
			uid, err := member("defaultUser", df.DefaultUser)
			if err != nil {
				return nil, err
			}
			d.DefaultUser = uid
		}
		for _, s := range df.InternalSubscribers {
			uid, err := member("internalSubscribers", s)
			if err != nil {
				return nil, err
			}
			d.InternalSubscribers = append(d.InternalSubscribers, uid)
		}
		st.byDept[strings.ToLower(id)] = d
		st.departments = append(st.departments, d)
	}
	// External subscribers follow the department from elsewhere, so they are checked once every
	// department's users are known.
	for i, df := range fx.Departments {
		d := st.departments[i]
		for _, s := range df.ExternalSubscribers {
			u, ok := st.users[strings.ToLower(strings.TrimSpace(s))]
			if !ok {
				return nil, fmt.Errorf("departments[%d].externalSubscribers: %q is not a user of any department", i, s)
			}
			d.ExternalSubscribers = append(d.ExternalSubscribers, u.UUID)
		}
	}
	for i, sf := range fx.Subscribers {
		where := fmt.Sprintf("subscribers[%d]", i)
		if sf.Username == "" || sf.Password == "" {
			return nil, fmt.Errorf("%s: username and password are required", where)
		}
		if strings.Contains(sf.Username, ":") {
			return nil, fmt.Errorf("%s: username %q can't contain a colon (Basic credentials are username:password)", where, sf.Username)
		}
		if _, dup := st.byUsername[sf.Username]; dup {
			return nil, fmt.Errorf("%s: username %q is defined twice", where, sf.Username)
		}
		s := &subscriber{Username: sf.Username, Valid: sf.Valid == nil || *sf.Valid, password: sf.Password,
			Scopes: map[string][]string{}, byDept: map[string]map[string]bool{}}
		for dept, scopes := range sf.Scopes {
			d, ok := st.byDept[strings.ToLower(strings.TrimSpace(dept))]
			if !ok {
				return nil, fmt.Errorf("%s.scopes: department %q is not defined", where, dept)
			}
			set := map[string]bool{}
			for _, sc := range scopes {
				if sc = strings.TrimSpace(sc); sc == "" {
					return nil, fmt.Errorf("%s.scopes.%s: empty scope name", where, dept)
				}
				set[sc] = true
			}
			s.byDept[strings.ToLower(d.UUID)] = set
			s.Scopes[d.UUID] = append([]string{}, scopes...)
		}
		st.byUsername[sf.Username] = s
		st.subscribers = append(st.subscribers, s)
	}
	return func() { v.state.Store(st) }, nil
}

// Snapshot lists departments with their users and subscribers, and the service subscribers with
// their scopes (passwords left out).
func (v *Vendor) Snapshot() any {
	st := v.state.Load()
	subs := make([]*subscriber, len(st.subscribers))
	copy(subs, st.subscribers)
	sort.Slice(subs, func(i, j int) bool { return subs[i].Username < subs[j].Username })
	depts := st.departments
	if depts == nil {
		depts = []*department{}
	}
	return map[string]any{"departments": depts, "subscribers": subs}
}
