// Package kore simulates the Kore.ai XO Platform's proactive notifications API: JWT apps linked to
// bots, msteams and slack channels enabled for proactive messages, users whose email resolves to
// a channel identity, and the asynchronous job (ds-…) that notifies each identity and that the
// status route reports on.
package kore

import (
	"encoding/json"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/fixtures"
	"github.com/notifysim/notifysim/simulator/kore/script"
)

// Channels a bot can enable for proactive notifications.
var channels = []string{core.ChannelMSTeams, core.ChannelSlack}

// Documented defaults (rate-limit page of the Kore.ai API docs).
const (
	DefaultPerMinute = 600
	DefaultPerHour   = 18000
	// MaxJobs bounds how many jobs are kept for the status route; the oldest go first.
	MaxJobs = 10000
)

// idSpace derives stable default ids (an app's owner, a user's koreId) from names, so the demo
// answers the same ids on every run.
var idSpace = uuid.MustParse("6f1d2c3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f")

// Fixtures is the kore section of a dataset.
type Fixtures struct {
	Apps  []AppFixture  `json:"apps"`
	Bots  []BotFixture  `json:"bots"`
	Users []UserFixture `json:"users"`
}

// AppFixture is a JWT app (Client ID and Client Secret) mapped to the Proactive Messages scope of
// some bots.
type AppFixture struct {
	ClientID string   `json:"clientId"`
	Secret   string   `json:"secret"`
	Name     string   `json:"name"`
	Owner    string   `json:"owner"` // the u-… user that jobs are createdBy
	Bots     []string `json:"bots"`
	// EnforceJTI rejects tokens without a jti claim, as the app setting "Enforce JTI" does.
	EnforceJTI bool `json:"enforceJti"`
}

// BotFixture is a bot (stream) and its proactive-notification settings.
type BotFixture struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Channels []string `json:"channels"` // enabled for proactive notifications
	// Pace is the time the job spends on each identity (simulated time); 0 runs a job at once.
	Pace Duration `json:"pace"`
	// ScriptTimeLimit bounds one script run (wall time); default 500ms.
	ScriptTimeLimit Duration          `json:"scriptTimeLimit"`
	RateLimit       *RateLimitFixture `json:"rateLimit"`
}

// RateLimitFixture overrides the documented 600 per minute and 18,000 per hour.
type RateLimitFixture struct {
	PerMinute int `json:"perMinute"`
	PerHour   int `json:"perHour"`
}

// UserFixture is a user of the account and the channel identities proactive messages resolve to.
type UserFixture struct {
	Email  string `json:"email"`
	Name   string `json:"name"`
	KoreID string `json:"koreId"`
	// Channels maps msteams or slack to the user's id on that channel.
	Channels map[string]string `json:"channels"`
}

// Duration reads "250ms", "2s" in fixtures.
type Duration time.Duration

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration must be a string such as \"250ms\" or \"2s\", got %s", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return fmt.Errorf("%q is not a duration such as \"250ms\" or \"2s\"", s)
	}
	*d = Duration(v)
	return nil
}

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

type app struct {
	clientID   string
	secret     string
	name       string
	owner      string
	bots       map[string]bool
	enforceJTI bool
}

type bot struct {
	id          string
	name        string
	channels    map[string]bool
	pace        time.Duration
	scriptLimit time.Duration
	limiter     *limiter
}

type user struct {
	email    string
	name     string
	koreID   string
	channels map[string]string
}

type state struct {
	apps  map[string]*app
	bots  map[string]*bot
	users map[string]*user // by lower-case email
	// In fixture order, for the snapshot.
	appList  []*app
	botList  []*bot
	userList []*user

	mu       sync.Mutex
	jobs     map[string]*job
	jobOrder []*job

	// verified holds tokens whose signature and claims passed, with their app and claims: a
	// client sends the same token until it expires, and its times are checked on every request.
	// Per state, so a new dataset (new apps, new secrets) starts empty.
	verified      sync.Map // token → verifiedToken
	verifiedCount atomic.Int32
}

// verifiedToken is a token that passed every check but its times.
type verifiedToken struct {
	app    *app
	claims jwt.MapClaims
}

// maxVerified bounds the tokens remembered per dataset: past it, they are forgotten at once (a
// script minting a token per request can't grow the map).
const maxVerified = 4096

// Vendor is the simulated Kore.ai proactive notifications API.
type Vendor struct {
	env   *core.Env
	state atomic.Pointer[state]
	// scriptSlots is the CPU budget of scripts: at most this many run at once, across every job,
	// so hostile scripts leave a core to the rest of the sandbox. Each slot carries a
	// script.Runner, whose runtime serves one identity after another.
	scriptSlots chan *script.Runner
}

// New returns a Kore.ai simulator with no apps or bots; Load gives it some.
func New(env *core.Env) *Vendor {
	slots := make(chan *script.Runner, max(1, runtime.GOMAXPROCS(0)-1))
	for range cap(slots) {
		slots <- script.NewRunner()
	}
	v := &Vendor{env: env, scriptSlots: slots}
	v.state.Store(newState())
	return v
}

func newState() *state {
	return &state{apps: map[string]*app{}, bots: map[string]*bot{}, users: map[string]*user{}, jobs: map[string]*job{}}
}

func (v *Vendor) Name() string { return "kore" }

func (v *Vendor) Handlers() map[string]core.Handler {
	return map[string]core.Handler{
		"sendProactiveNotification":      v.notify,
		"getProactiveNotificationStatus": v.status,
		"issueStsToken":                  v.sts,
		// The older documentation gives the status route as POST.
		"postProactiveNotificationStatus": v.status,
	}
}

// Load parses the kore section and checks it: unique apps, bots and users, apps linked to bots
// that exist, known channels, sane limits.
func (v *Vendor) Load(section json.RawMessage) (func(), error) {
	var fx Fixtures
	if err := fixtures.Decode(section, &fx); err != nil {
		return nil, err
	}
	st := newState()
	for i, bf := range fx.Bots {
		where := fmt.Sprintf("bots[%d]", i)
		id := strings.TrimSpace(bf.ID)
		if id == "" {
			return nil, fmt.Errorf("%s: id is required", where)
		}
		if _, dup := st.bots[id]; dup {
			return nil, fmt.Errorf("%s: bot %q is defined twice", where, id)
		}
		b := &bot{id: id, name: bf.Name, channels: map[string]bool{}, pace: time.Duration(bf.Pace), scriptLimit: time.Duration(bf.ScriptTimeLimit)}
		for _, c := range bf.Channels {
			if !knownChannel(c) {
				return nil, fmt.Errorf("%s: channel %q is not one of %s", where, c, strings.Join(channels, ", "))
			}
			b.channels[c] = true
		}
		perMinute, perHour := DefaultPerMinute, DefaultPerHour
		if rl := bf.RateLimit; rl != nil {
			if rl.PerMinute < 0 || rl.PerHour < 0 {
				return nil, fmt.Errorf("%s.rateLimit: limits must be positive (0 or absent means the documented default)", where)
			}
			if rl.PerMinute > 0 {
				perMinute = rl.PerMinute
			}
			if rl.PerHour > 0 {
				perHour = rl.PerHour
			}
		}
		b.limiter = newLimiter(perMinute, perHour)
		st.bots[id] = b
		st.botList = append(st.botList, b)
	}
	for i, af := range fx.Apps {
		where := fmt.Sprintf("apps[%d]", i)
		if af.ClientID == "" || af.Secret == "" {
			return nil, fmt.Errorf("%s: clientId and secret are required", where)
		}
		if _, dup := st.apps[af.ClientID]; dup {
			return nil, fmt.Errorf("%s: app %q is defined twice", where, af.ClientID)
		}
		a := &app{clientID: af.ClientID, secret: af.Secret, name: af.Name, owner: af.Owner, bots: map[string]bool{}, enforceJTI: af.EnforceJTI}
		if a.owner == "" {
			a.owner = "u-" + uuid.NewSHA1(idSpace, []byte("owner:"+af.ClientID)).String()
		}
		for _, id := range af.Bots {
			if _, ok := st.bots[id]; !ok {
				return nil, fmt.Errorf("%s: bot %q is not defined under bots", where, id)
			}
			a.bots[id] = true
		}
		st.apps[a.clientID] = a
		st.appList = append(st.appList, a)
	}
	for i, uf := range fx.Users {
		where := fmt.Sprintf("users[%d]", i)
		email := strings.TrimSpace(uf.Email)
		if email == "" {
			return nil, fmt.Errorf("%s: email is required", where)
		}
		key := strings.ToLower(email)
		if _, dup := st.users[key]; dup {
			return nil, fmt.Errorf("%s: user %q is defined twice", where, email)
		}
		u := &user{email: email, name: uf.Name, koreID: uf.KoreID, channels: map[string]string{}}
		if u.koreID == "" {
			u.koreID = "u-" + uuid.NewSHA1(idSpace, []byte("user:"+key)).String()
		}
		for c, id := range uf.Channels {
			if !knownChannel(c) {
				return nil, fmt.Errorf("%s.channels: %q is not one of %s", where, c, strings.Join(channels, ", "))
			}
			if strings.TrimSpace(id) == "" {
				return nil, fmt.Errorf("%s.channels.%s: the user's %s id is empty", where, c, c)
			}
			u.channels[c] = id
		}
		st.users[key] = u
		st.userList = append(st.userList, u)
	}
	return func() { v.state.Store(st) }, nil
}

func knownChannel(c string) bool {
	for _, k := range channels {
		if c == k {
			return true
		}
	}
	return false
}

// addJob keeps the job for the status route, dropping the oldest past MaxJobs, which it returns.
func (st *state) addJob(j *job) (dropped []*job) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.jobs[j.id] = j
	if len(st.jobOrder) == cap(st.jobOrder) && len(st.jobOrder) >= MaxJobs {
		// Full at the cap: move the jobs kept to an array with room for MaxJobs more, so this copy
		// happens once per MaxJobs jobs. Copying them on every job (as this did) cost 20 % of a
		// server under a steady stream of notifies.
		fresh := make([]*job, len(st.jobOrder), len(st.jobOrder)+MaxJobs)
		copy(fresh, st.jobOrder)
		st.jobOrder = fresh
	}
	st.jobOrder = append(st.jobOrder, j)
	if over := len(st.jobOrder) - MaxJobs; over > 0 {
		dropped = make([]*job, over)
		copy(dropped, st.jobOrder[:over])
		for i, old := range dropped {
			delete(st.jobs, old.id)
			st.jobOrder[i] = nil // the array's dropped front must not keep the job alive
		}
		st.jobOrder = st.jobOrder[over:]
	}
	return dropped
}

func (st *state) job(id string) *job {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.jobs[id]
}

// Snapshot lists apps (secrets left out), bots with their rate-limit use, users and jobs.
func (v *Vendor) Snapshot() any {
	st := v.state.Load()
	now := v.env.Clock.Now()
	type appView struct {
		ClientID   string   `json:"clientId"`
		Name       string   `json:"name,omitempty"`
		Owner      string   `json:"owner"`
		Bots       []string `json:"bots"`
		EnforceJTI bool     `json:"enforceJti"`
	}
	type limitView struct {
		PerMinute      int `json:"perMinute"`
		PerHour        int `json:"perHour"`
		UsedLastMinute int `json:"usedLastMinute"`
		UsedLastHour   int `json:"usedLastHour"`
	}
	type botView struct {
		ID              string    `json:"id"`
		Name            string    `json:"name,omitempty"`
		Channels        []string  `json:"channels"`
		Pace            string    `json:"pace"`
		ScriptTimeLimit string    `json:"scriptTimeLimit"`
		RateLimit       limitView `json:"rateLimit"`
	}
	type userView struct {
		Email    string            `json:"email"`
		Name     string            `json:"name,omitempty"`
		KoreID   string            `json:"koreId"`
		Channels map[string]string `json:"channels"`
	}
	out := struct {
		Apps  []appView    `json:"apps"`
		Bots  []botView    `json:"bots"`
		Users []userView   `json:"users"`
		Jobs  []jobSummary `json:"jobs"`
	}{Apps: []appView{}, Bots: []botView{}, Users: []userView{}, Jobs: []jobSummary{}}
	for _, a := range st.appList {
		out.Apps = append(out.Apps, appView{ClientID: a.clientID, Name: a.name, Owner: a.owner, Bots: sortedKeys(a.bots), EnforceJTI: a.enforceJTI})
	}
	for _, b := range st.botList {
		minute, hour := b.limiter.used(now)
		out.Bots = append(out.Bots, botView{ID: b.id, Name: b.name, Channels: sortedKeys(b.channels),
			Pace: b.pace.String(), ScriptTimeLimit: b.scriptTimeLimit().String(),
			RateLimit: limitView{PerMinute: b.limiter.perMinute, PerHour: b.limiter.perHour, UsedLastMinute: minute, UsedLastHour: hour}})
	}
	for _, u := range st.userList {
		out.Users = append(out.Users, userView{Email: u.email, Name: u.name, KoreID: u.koreID, Channels: u.channels})
	}
	st.mu.Lock()
	jobs := append([]*job(nil), st.jobOrder...)
	st.mu.Unlock()
	for i := len(jobs) - 1; i >= 0; i-- {
		out.Jobs = append(out.Jobs, jobs[i].summary())
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
