package simulator_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// Per route: the public routes (notify, status) read the JWT app from appId only, as the docs
// say; the token service keeps its own rule, the app's credentials in the body, and mints a token
// that names the app in appId (for the public routes) and in iss (as the Web SDK's token services
// do), so a QA suite that fetches its token there can notify with it.
func TestKoreTokenServiceTokenNamesTheAppInAppIDAndIss(t *testing.T) {
	sim := newSim(t, nil)
	rec := do(sim, "POST", "/api/users/sts", []byte(`{"clientId": "cs-demo-app", "clientSecret": "demo-app-secret", "identity": "qa.user@example.com"}`),
		"Content-Type", "application/json")
	if rec.Code != http.StatusOK {
		t.Fatalf("sts: %d %s", rec.Code, rec.Body)
	}
	var answer struct{ JWT string }
	if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{}
	if _, err := jwt.ParseWithClaims(answer.JWT, claims, func(*jwt.Token) (any, error) { return []byte("demo-app-secret"), nil }); err != nil {
		t.Fatal(err)
	}
	if claims["appId"] != "cs-demo-app" || claims["iss"] != "cs-demo-app" || claims["sub"] != "qa.user@example.com" {
		t.Errorf("claims = %v, want appId and iss cs-demo-app, sub qa.user@example.com", claims)
	}
	body := []byte(`{"channel": "msteams", "userIdentityType": "resolve", "message": {"type": "text", "val": "hi"}, "identities": ["alice@example.com"]}`)
	if rec := do(sim, "POST", "/api/public/bot/st-demo-bot/notify", body, "auth", answer.JWT, "Content-Type", "application/json"); rec.Code != http.StatusOK {
		t.Errorf("notify with the service's token: %d %s", rec.Code, rec.Body)
	}
	delete(claims, "appId")
	issOnly, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte("demo-app-secret"))
	if err != nil {
		t.Fatal(err)
	}
	for _, route := range []struct{ method, path string }{
		{"POST", "/api/public/bot/st-demo-bot/notify"},
		{"GET", "/api/public/bot/st-demo-bot/notify/status/ds-none"},
	} {
		if rec := do(sim, route.method, route.path, body, "auth", issOnly, "Content-Type", "application/json"); rec.Code != http.StatusUnauthorized {
			t.Errorf("%s %s with the app in iss only: %d %s, want 401", route.method, route.path, rec.Code, rec.Body)
		}
	}
}
