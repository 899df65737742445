package kore

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/notifysim/notifysim/simulator/core"
)

// STSTokenTTL is how long a token from the token service lives.
const STSTokenTTL = time.Hour

// stsRequest is what the platform's token service (users/sts) takes: the app's credentials and
// the user the token speaks for.
type stsRequest struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	Identity     string `json:"identity"`
	Aud          string `json:"aud"`
	IsAnonymous  *bool  `json:"isAnonymous"`
}

// DefaultSTSAudience is the aud a token gets when the request leaves it blank.
const DefaultSTSAudience = "https://idproxy.kore.com/authorize"

// sts mints a token as the platform's token service does: HS256, the client id in iss, sub = the
// identity, aud, isAnonymous, and iat/exp, as the Web SDK's token services write them, and the
// client id in appId too: the public routes read appId only (see clientID), and the platform's QA
// suites send the service's token to /notify. Wrong credentials are the same 401 4002 as
// everywhere.
func (v *Vendor) sts(req *core.Request) core.Response {
	var body stsRequest
	if err := json.Unmarshal(req.Body, &body); err != nil {
		return badRequest([]core.Problem{{In: "body", Field: "body", Rule: "json", Reason: err.Error()}})
	}
	a := v.state.Load().apps[strings.TrimSpace(body.ClientID)]
	switch {
	case a == nil:
		return *unauthorized("clientId " + quote(body.ClientID) + " is not the client id of any JWT app")
	case subtle.ConstantTimeCompare([]byte(body.ClientSecret), []byte(a.secret)) != 1:
		return *unauthorized("clientSecret is not the secret of app " + a.clientID)
	}
	aud := strings.TrimSpace(body.Aud)
	if aud == "" {
		aud = DefaultSTSAudience
	}
	anonymous := body.IsAnonymous != nil && *body.IsAnonymous
	now := v.env.Clock.Now()
	claims := jwt.MapClaims{
		"appId": a.clientID, "iss": a.clientID, "sub": body.Identity, "aud": aud, "isAnonymous": anonymous,
		"iat": now.Unix(), "exp": now.Add(STSTokenTTL).Unix(),
	}
	if a.enforceJTI {
		claims["jti"] = "jti-" + v.env.IDs.UUID()
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(a.secret))
	if err != nil {
		// HS256 over a []byte key does not fail; a 401 keeps the vendor's shape if it ever does.
		return *unauthorized("the token could not be signed: " + err.Error())
	}
	return core.JSON(http.StatusOK, map[string]string{"jwt": signed})
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
