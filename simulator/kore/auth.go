package kore

import (
	"errors"
	"fmt"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"github.com/notifysim/notifysim/simulator/core"
)

// caller is who Authenticate let through: the app, the bot of the path, and the dataset both
// belong to (so a reset mid-request can't mix two datasets).
type caller struct {
	st  *state
	app *app
	bot *bot
}

// Authenticate verifies the JWT of the auth header and then spends one call of the bot's rate
// limit. Every credential problem is the same 401 4002 to the client; the journal keeps the
// precise reason.
func (v *Vendor) Authenticate(op string, req *core.Request) *core.Response {
	if op == "issueStsToken" {
		// The token service takes the app's credentials in its body: nothing to verify yet.
		return nil
	}
	st := v.state.Load()
	botID := req.PathParams["BotID"]
	a, reason := v.verify(st, req.HTTP.Header.Get("auth"))
	if a == nil {
		return unauthorized(reason)
	}
	b := st.bots[botID]
	switch {
	case b == nil:
		return unauthorized(fmt.Sprintf("bot %q does not exist", botID))
	case !a.bots[botID]:
		return unauthorized(fmt.Sprintf("app %s is not linked to bot %s (no Proactive Messages scope on it)", a.clientID, botID))
	}
	now := v.env.Clock.Now()
	if ok, retry := b.limiter.allow(now); !ok {
		_, hour := b.limiter.used(now)
		window := fmt.Sprintf("%d calls per minute", b.limiter.perMinute)
		if hour >= b.limiter.perHour {
			window = fmt.Sprintf("%d calls per hour", b.limiter.perHour)
		}
		return rateLimited(botID, retry, window)
	}
	v.saveLimiter(b)
	req.Auth = &caller{st: st, app: a, bot: b}
	return nil
}

// verify checks the token: HS256 only, an appId claim naming a JWT app,
// signed with that app's secret, not expired (exp and nbf are honoured when present, on the
// simulator clock, in seconds or milliseconds), and a jti when the app enforces one.
func (v *Vendor) verify(st *state, token string) (*app, string) {
	token = strings.TrimSpace(token)
	if token == "" {
		return nil, "the auth header is missing; send auth: <JWT signed with the app's client secret>"
	}
	if scheme, _, ok := strings.Cut(token, " "); ok && strings.EqualFold(scheme, "Bearer") {
		return nil, "the auth header carries the JWT alone, without the word Bearer: auth: <JWT>"
	}
	if t, ok := st.verified.Load(token); ok {
		vt := t.(verifiedToken)
		if reason := checkTimes(vt.claims, v.env.Clock.Now()); reason != "" {
			return nil, reason
		}
		return vt.app, ""
	}
	var a *app
	var keyErr string
	claims := jwt.MapClaims{}
	// The times are checked after the signature by checkTimes, which also reads milliseconds.
	parser := jwt.NewParser(jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithoutClaimsValidation())
	_, err := parser.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		if crit, ok := t.Header["crit"]; ok {
			// RFC 7515 §4.1.11: a recipient that does not understand every extension crit names
			// must reject the token, and this one understands none.
			keyErr = fmt.Sprintf("the token's header has crit %v: it names extensions that must be understood, and none is supported", crit)
			return nil, errors.New(keyErr)
		}
		id, problem := clientID(claims)
		switch {
		case problem != "":
			keyErr = problem
		default:
			a = st.apps[id]
			if a == nil {
				keyErr = fmt.Sprintf("appId %q is not the client id of any JWT app", id)
			}
		}
		if keyErr != "" {
			return nil, errors.New(keyErr)
		}
		return []byte(a.secret), nil
	})
	if err != nil {
		return nil, tokenReason(err, keyErr)
	}
	if reason := checkTimes(claims, v.env.Clock.Now()); reason != "" {
		return nil, reason
	}
	if a.enforceJTI {
		if jti, _ := claims["jti"].(string); strings.TrimSpace(jti) == "" {
			return nil, fmt.Sprintf("app %s enforces JTI and the token has no jti claim", a.clientID)
		}
	}
	if st.verifiedCount.Add(1) > maxVerified {
		st.verified.Clear()
		st.verifiedCount.Store(1)
	}
	st.verified.Store(token, verifiedToken{app: a, claims: claims})
	return a, ""
}

func tokenReason(err error, keyErr string) string {
	switch {
	case keyErr != "":
		return keyErr
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "the auth header is not a JWT: " + err.Error()
	case errors.Is(err, jwt.ErrTokenExpired):
		return "the token has expired (exp is before the simulator's clock)"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return "the token is not valid yet (nbf is after the simulator's clock)"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid) && strings.Contains(err.Error(), "signing method"):
		return "only HS256 tokens are accepted: " + err.Error()
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return "the signature does not match the app's client secret"
	}
	return "the token was refused: " + err.Error()
}
