package luma

import (
	"net/http"
	"strconv"
	"strings"
	"unsafe"

	"github.com/notifysim/notifysim/simulator/core"
)

// envelope is Luma's response body for every answer of the /public API family.
type envelope struct {
	Timestamp int64    `json:"timestamp"`
	Status    int      `json:"status"`
	Message   string   `json:"message"`
	Errors    []string `json:"errors"`
	Data      any      `json:"data"`
}

// respond is the one place a Luma answer is built.
func (v *Vendor) respond(status int, message string, errs []string, data any) core.Response {
	if status == http.StatusNoContent {
		return core.Response{Status: status}
	}
	if errs == nil {
		errs = []string{}
	}
	if message == "" {
		message = http.StatusText(status)
		if status == http.StatusOK {
			message = "OK"
		}
	}
	env := envelope{
		Timestamp: v.env.Clock.Now().UnixMilli(),
		Status:    status,
		Message:   message,
		Errors:    errs,
		Data:      data,
	}
	if list, ok := data.(notified); ok {
		return core.Response{Status: status, Body: core.RawBody{Data: env.appendNotified(list), ContentType: "application/json"}}
	}
	return core.JSON(status, env)
}

// notified is the data of a successful notify: the users notified and their messages' ids, in
// the shape of a []Recipient. A *core.FanOut is one.
type notified interface {
	Len() int
	Recipient(i int) *core.Recipient
	AppendID(b []byte, i int) []byte
}

// nobody is the data of a notify that reached nobody: [].
type nobody struct{}

func (nobody) Len() int                        { return 0 }
func (nobody) Recipient(int) *core.Recipient   { return nil }
func (nobody) AppendID(b []byte, _ int) []byte { return b }

// appendNotified writes the envelope of a successful notify by hand, into a buffer of the right
// size, byte for byte what encoding/json writes of a []Recipient: "0" to 100,000 users is a 12 MB
// answer, which reflection and a doubling buffer made a large share of the send.
func (e envelope) appendNotified(data notified) []byte {
	size := 128 + len(e.Message)
	for _, s := range e.Errors {
		size += len(s) + 8
	}
	n := data.Len()
	for i := range n {
		// An entry's exact size when nothing needs escaping (the buffer grows if it does): a
		// 12 MB answer is zeroed when it is allocated, so room to spare costs time.
		r := data.Recipient(i)
		size += len(`,{"loginId":"","role":"","roleName":"","messageId":"00000000-0000-0000-0000-000000000000"}`) + len(r.ID) + len(r.Role) + len(r.RoleName)
		if r.Name != "" {
			size += len(`,"name":""`) + len(r.Name)
		}
	}
	b := make([]byte, 0, size)
	b = append(b, `{"timestamp":`...)
	b = strconv.AppendInt(b, e.Timestamp, 10)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(e.Status), 10)
	b = append(b, `,"message":`...)
	b = core.AppendJSONString(b, e.Message)
	b = append(b, `,"errors":[`...)
	for i, s := range e.Errors {
		if i > 0 {
			b = append(b, ',')
		}
		b = core.AppendJSONString(b, s)
	}
	b = append(b, `],"data":[`...)
	var roles roleJSON
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		r := data.Recipient(i)
		b = append(b, `{"loginId":`...)
		b = core.AppendJSONString(b, r.ID)
		if r.Name != "" {
			b = append(b, `,"name":`...)
			b = core.AppendJSONString(b, r.Name)
		}
		b = roles.append(b, r)
		b = append(data.AppendID(b, i), `"}`...)
	}
	return append(b, "]}"...)
}

// roleJSON remembers how an entry goes on after its name, `,"role":…,"roleName":…,"messageId":"`,
// for the few roles a tenant's users have: users share their role's strings (see Load), so a
// role is known by where its strings are, and copied rather than escaped again per entry.
type roleJSON struct {
	role, name [8]string
	json       [8][]byte
	n          int
	misses     int // once the roles are not shared strings, looking them up only costs time
}

func (rj *roleJSON) append(b []byte, r *core.Recipient) []byte {
	if rj.misses < 64 {
		for i := range rj.n {
			if sameString(rj.role[i], r.Role) && sameString(rj.name[i], r.RoleName) {
				return append(b, rj.json[i]...)
			}
		}
		rj.misses++
	}
	start := len(b)
	b = append(core.AppendJSONString(append(b, `,"role":`...), r.Role), `,"roleName":`...)
	b = append(core.AppendJSONString(b, r.RoleName), `,"messageId":"`...)
	if rj.n < len(rj.role) {
		rj.role[rj.n], rj.name[rj.n], rj.json[rj.n] = r.Role, r.RoleName, b[start:len(b):len(b)]
		rj.n++
	}
	return b
}

// sameString reports whether a and b are the same bytes in memory (not merely equal).
func sameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// badRequest answers 400 and records the failure in the tenant's troubleshoot log, as Luma does.
func (v *Vendor) badRequest(req *core.Request, t *tenant, problems []core.Problem) core.Response {
	errs := make([]string, len(problems))
	for i, p := range problems {
		errs[i] = p.String()
	}
	tenantID := ""
	if t != nil {
		tenantID = t.ID
	}
	v.env.Troubleshoot.Add(core.TroubleshootEntry{
		Time: v.env.Clock.Now(), RequestID: req.ID, Vendor: "luma", Tenant: tenantID,
		Status: http.StatusBadRequest, Errors: errs, Body: string(req.Body),
	})
	resp := v.respond(http.StatusBadRequest, "Bad Request", errs, nil)
	resp.Problems = problems
	return resp
}

// Authenticate checks the Bearer token and picks the tenant.
func (v *Vendor) Authenticate(_ string, req *core.Request) *core.Response {
	h := strings.TrimSpace(req.HTTP.Header.Get("Authorization"))
	var reason string
	switch scheme, token, _ := strings.Cut(h, " "); {
	case h == "":
		reason = "Authorization header is missing; send Authorization: Bearer <tenant API token>"
	case !strings.EqualFold(scheme, "Bearer"):
		reason = "Authorization header must start with the word Bearer: Authorization: Bearer <tenant API token>"
	case strings.TrimSpace(token) == "":
		reason = "Authorization: Bearer has no token after it"
	default:
		t, ok := v.state.Load().byToken[strings.TrimSpace(token)]
		if ok {
			req.Auth = t
			return nil
		}
		reason = "the token is not known to any tenant"
	}
	resp := v.respond(http.StatusUnauthorized, "invalid token", []string{reason}, nil)
	resp.Problems = []core.Problem{{In: "header", Field: "Authorization", Rule: "auth", Reason: reason}}
	return &resp
}

// Reject renders the server's refusals in the Luma envelope; a 400 also goes to the troubleshoot
// log of the tenant (known by then: authentication runs first).
func (v *Vendor) Reject(req *core.Request, rej core.Rejection) core.Response {
	if rej.Kind == core.RejectFault {
		return v.faultAnswer(rej)
	}
	problems := make([]core.Problem, len(rej.Problems))
	for i, p := range rej.Problems {
		problems[i] = lumaProblem(p)
	}
	if rej.Status == http.StatusBadRequest {
		t := tenantOf(req)
		return v.badRequest(req, t, problems)
	}
	errs := make([]string, len(problems))
	for i, p := range problems {
		errs[i] = p.String()
	}
	resp := v.respond(rej.Status, "", errs, nil)
	resp.Problems = problems
	return resp
}

// lumaProblem rewords a validation problem in Luma's terms where the generic wording is vague.
func lumaProblem(p core.Problem) core.Problem {
	switch {
	case p.In == "body" && p.Field == "" && (p.Rule == "type" || p.Rule == "nullable"):
		p.Field = "body"
		p.Reason = "must be a JSON object with recipients and message, " + strings.TrimPrefix(p.Reason, "must be an object, ")
	}
	return p
}
