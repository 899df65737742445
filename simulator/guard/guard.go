// Package guard decides who may use the sandbox's own API (/_sim). The vendor routes are not its
// business: they authenticate as the vendors do.
//
// Without a token the admin API is meant for the developer's own machine, and the threats are a
// web page the developer has open: DNS rebinding (a page whose host name now points at 127.0.0.1
// reads /_sim/fixtures and every secret in it) and cross-site requests (a form or a no-cors fetch
// that wipes the sandbox). So a request must name a loopback host, and a state-changing request
// must not come from a foreign origin nor carry a body type a browser sends without a CORS
// preflight. With a token, every /_sim request must carry it as a Bearer credential, which no
// page can add to a cross-site request without a preflight the sandbox never grants.
package guard

import (
	"crypto/subtle"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// Prefix is the part of the URL space the guard protects.
const Prefix = "/_sim"

// Guard checks admin requests. The zero value protects a sandbox without a token.
type Guard struct {
	token string
}

// New returns a guard; an empty token means loopback-only protection.
func New(token string) *Guard { return &Guard{token: token} }

// CheckToken says what is wrong with an admin token, or nil when it can protect /_sim: it may be
// empty (no token), but not blank, nor start or end with a space, since a client's token is read
// without them and could then never match (a blank one would lock /_sim while looking like a
// secret that allows a non-loopback --addr).
func CheckToken(token string) error {
	switch {
	case token == "":
		return nil
	case strings.TrimSpace(token) == "":
		return fmt.Errorf("is blank (%q)", token)
	case strings.TrimSpace(token) != token:
		return fmt.Errorf("%q starts or ends with white space, which a client's Bearer token can't carry", token)
	}
	return nil
}

// Refusal is why a request may not reach /_sim: the status to answer and a sentence that says
// what to do about it.
type Refusal struct {
	Status int
	Reason string
	// Challenge is the WWW-Authenticate value for a 401.
	Challenge string
}

// Protects reports whether path is under /_sim.
func Protects(path string) bool {
	return path == Prefix || strings.HasPrefix(path, Prefix+"/")
}

// Check returns nil when r may use the admin API, or why not.
func (g *Guard) Check(r *http.Request) *Refusal {
	if g.token != "" {
		return g.checkToken(r)
	}
	host, ok := loopbackHost(r.Host)
	if !ok {
		return &Refusal{Status: http.StatusForbidden, Reason: fmt.Sprintf(
			"Host %q is not a loopback name or address: without --admin-token, /_sim answers only requests to localhost, 127.0.0.1 or [::1] (this stops DNS rebinding); start notifysim with --admin-token to reach /_sim from elsewhere", host)}
	}
	if safeMethod(r.Method) {
		return nil
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return &Refusal{Status: http.StatusForbidden, Reason: fmt.Sprintf(
			"a %s request from another site (Sec-Fetch-Site: %s) may not change the sandbox", r.Method, site)}
	}
	if origin := r.Header.Get("Origin"); origin != "" && !sameOrigin(origin, r.Host) {
		return &Refusal{Status: http.StatusForbidden, Reason: fmt.Sprintf(
			"Origin %q is not this server's own (http://%s): a web page on another origin may not change the sandbox", origin, r.Host)}
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if media, _, err := mime.ParseMediaType(ct); err != nil || simpleMediaType(media) {
			return &Refusal{Status: http.StatusUnsupportedMediaType, Reason: fmt.Sprintf(
				"Content-Type %q is one a web page can send cross-site without asking, so /_sim refuses it on %s; send application/json (or application/yaml for PUT /_sim/fixtures)", ct, r.Method)}
		}
	}
	return nil
}

func (g *Guard) checkToken(r *http.Request) *Refusal {
	const challenge = `Bearer realm="notifysim /_sim"`
	auth := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(strings.TrimSpace(auth), " ")
	switch {
	case auth == "":
		return &Refusal{Status: http.StatusUnauthorized, Challenge: challenge,
			Reason: "this sandbox was started with --admin-token: send Authorization: Bearer <token> (the value of --admin-token or NOTIFYSIM_ADMIN_TOKEN)"}
	case !ok || !strings.EqualFold(scheme, "Bearer"):
		return &Refusal{Status: http.StatusUnauthorized, Challenge: challenge + `, error="invalid_request"`,
			Reason: "the Authorization header must be Bearer <token>, the value of --admin-token"}
	case subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(g.token)) != 1:
		return &Refusal{Status: http.StatusUnauthorized, Challenge: challenge + `, error="invalid_token"`,
			Reason: "the Bearer token is not this sandbox's --admin-token"}
	}
	return nil
}

// safeMethod: methods that change nothing on /_sim (and that a browser sends cross-site freely,
// which is why a page can never read the answer: no CORS header is ever set).
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// simpleMediaType reports the request body types a browser sends cross-site without a preflight.
func simpleMediaType(media string) bool {
	switch strings.ToLower(media) {
	case "application/x-www-form-urlencoded", "multipart/form-data", "text/plain":
		return true
	}
	return false
}

// sameOrigin reports whether origin is http://host (the scheme the sandbox serves) exactly.
func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Scheme != "http" || u.Path != "" || u.User != nil {
		return false
	}
	return strings.EqualFold(u.Host, host)
}

// loopbackHost splits off the port of a Host header and reports whether the name is loopback.
func loopbackHost(hostport string) (string, bool) {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	return host, IsLoopback(host)
}

// IsLoopback reports whether host (no port) is "localhost", a name under .localhost (which
// resolvers answer with loopback by RFC 6761), or a loopback IP address.
func IsLoopback(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// LoopbackAddr reports whether a listen address (host:port, as for net.Listen) binds loopback
// only. An empty host ("":4545) binds every interface.
func LoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	return host != "" && IsLoopback(host)
}
