package kore

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// clientID reads the claim that names the JWT app on the public routes (notify and its status):
// appId, spelled exactly so, as the docs say the platform validates it ("only when it is entered
// exactly as appId"). iss is not read: the Web SDK's token services name the app there, for the
// SDK's own grant, and a token meant for it is not a public-API token. The token service here
// writes both (see sts).
func clientID(claims jwt.MapClaims) (id, problem string) {
	raw, ok := claims["appId"]
	if !ok {
		if _, hasIss := claims["iss"]; hasIss {
			return "", "the token has no appId claim: the public API reads the JWT app's client id from appId only, spelled exactly so (iss names the app for the Web SDK's grant, not for the public API)"
		}
		return "", "the token has no appId claim (it must be spelled exactly appId)"
	}
	s, isString := raw.(string)
	if !isString {
		return "", "the appId claim must be a string"
	}
	return s, ""
}

// msThreshold separates seconds from milliseconds in a NumericDate: 1e11 seconds is the year
// 5138, 1e11 milliseconds is 1973. Some token issuers write iat/exp/nbf in milliseconds
// (JavaScript's Date.now()); they mean the same instant.
const msThreshold = 1e11

// numericDate reads a time claim, in seconds or milliseconds. ok is false when the claim is
// absent; problem says why a present claim is unusable.
func numericDate(claims jwt.MapClaims, name string) (t time.Time, ok bool, problem string) {
	raw, present := claims[name]
	if !present || raw == nil {
		return time.Time{}, false, ""
	}
	var f float64
	switch x := raw.(type) {
	case float64:
		f = x
	case json.Number:
		var err error
		if f, err = x.Float64(); err != nil {
			return time.Time{}, false, fmt.Sprintf("the %s claim must be a number of seconds (or milliseconds) since 1970", name)
		}
	default:
		return time.Time{}, false, fmt.Sprintf("the %s claim must be a number of seconds (or milliseconds) since 1970", name)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e15 {
		return time.Time{}, false, fmt.Sprintf("the %s claim %v is not a time", name, raw)
	}
	if f >= msThreshold {
		return time.UnixMilli(int64(f)), true, ""
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true, ""
}

// checkTimes applies exp and nbf on the simulator's clock, each in seconds or milliseconds.
func checkTimes(claims jwt.MapClaims, now time.Time) string {
	for _, name := range []string{"exp", "nbf"} {
		t, ok, problem := numericDate(claims, name)
		switch {
		case problem != "":
			return problem
		case !ok:
			continue
		case name == "exp" && !now.Before(t):
			return "the token has expired (exp is before the simulator's clock)"
		case name == "nbf" && now.Before(t):
			return "the token is not valid yet (nbf is after the simulator's clock)"
		}
	}
	return ""
}
