package kore

import (
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Demo credentials of the embedded dataset.
const (
	DemoClientID = "cs-demo-app"
	DemoSecret   = "demo-app-secret"
	DemoBotID    = "st-demo-bot"
)

// TokenOptions describe a token for Token. Zero fields are left out of the claims.
type TokenOptions struct {
	ClientID string
	Secret   string
	Subject  string        // sub; the docs' examples use any user id
	TTL      time.Duration // sets iat and exp from Now; negative mints an already expired token
	JTI      string        // jti, for apps that enforce it
	Now      time.Time     // default time.Now()
}

// Token mints what the XO Platform expects in the auth header: HS256, {"appId": client id},
// signed with the client secret.
func Token(o TokenOptions) (string, error) {
	claims := jwt.MapClaims{"appId": o.ClientID}
	if o.Subject != "" {
		claims["sub"] = o.Subject
	}
	if o.JTI != "" {
		claims["jti"] = o.JTI
	}
	if o.TTL != 0 {
		now := o.Now
		if now.IsZero() {
			now = time.Now()
		}
		claims["iat"] = now.Unix()
		claims["exp"] = now.Add(o.TTL).Unix()
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(o.Secret))
}
