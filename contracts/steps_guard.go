package contracts

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/cucumber/godog"
	"github.com/golang-jwt/jwt/v5"

	"github.com/notifysim/notifysim/simulator"
)

// Steps for the sandbox's protections: an admin token, tokens with extra JWT header parameters,
// and bodies holding bytes a feature file can't (invalid UTF-8).
func registerGuardSteps(w *world, sc *godog.ScenarioContext) {
	sc.Step(`^the sandbox requires the admin token "([^"]*)"$`, func(token string) error {
		if w.opts.Target != "" && !w.opts.OwnSandboxes {
			return fmt.Errorf("%w: a target's admin token is given to the run (verify --admin-token), a scenario can't set it; "+
				"run without --target to include this scenario", godog.ErrSkip)
		}
		if err := w.startSim(simulator.Options{AdminToken: token}); err != nil {
			return err
		}
		w.adminToken = token
		return nil
	})
	sc.Step(`^the steps stop sending the admin token$`, func() error {
		w.adminToken = ""
		return nil
	})
	sc.Step(`^I use the demo Kore token with the extra JWT header:$`, func(doc *godog.DocString) error {
		var extra map[string]any
		if err := json.Unmarshal([]byte(w.expand(doc.Content)), &extra); err != nil {
			return fmt.Errorf("the extra header is not a JSON object: %v", err)
		}
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"appId": "cs-demo-app"})
		for k, v := range extra {
			tok.Header[k] = v
		}
		signed, err := tok.SignedString([]byte("demo-app-secret"))
		if err != nil {
			return err
		}
		w.header.Set("auth", signed)
		return nil
	})
	sc.Step(`^I send an? (POST|PUT) request to "([^"]*)" with the bytes:$`, func(method, path string, doc *godog.DocString) error {
		body, err := unescapeBytes(w.expand(doc.Content))
		if err != nil {
			return err
		}
		return w.do(method, path, "application/json", body)
	})
}

var byteEscape = regexp.MustCompile(`\\x([0-9a-fA-F]{2})`)

// unescapeBytes turns each \xHH of s into the byte HH, so a scenario can write a body that is not
// valid UTF-8.
func unescapeBytes(s string) ([]byte, error) {
	var out strings.Builder
	last := 0
	for _, m := range byteEscape.FindAllStringSubmatchIndex(s, -1) {
		out.WriteString(s[last:m[0]])
		b, err := hex.DecodeString(s[m[2]:m[3]])
		if err != nil {
			return nil, err
		}
		out.Write(b)
		last = m[1]
	}
	out.WriteString(s[last:])
	return []byte(out.String()), nil
}
