package contracts

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cucumber/godog"
)

// Steps that read or drive the simulator through its admin API (/_sim). They work against an
// in-process simulator and against a notifysim at a Target URL alike.
func registerSimSteps(w *world, sc *godog.ScenarioContext) {
	sc.Step(`^recipient "([^"]*)" of (luma|luminous|mykaarma|kore)(?: (?:tenant|project|department|bot) "([^"]*)")? has (\d+) messages?(?: containing "([^"]*)")?$`,
		func(recipient, vendor, tenant string, n int, text string) error {
			return w.expectMessages(0, url.Values{"vendor": {vendor}, "tenant": {tenant}, "recipient": {recipient}, "q": {text}}, n)
		})
	sc.Step(`^within "([^"]*)" recipient "([^"]*)" of (luma|luminous|mykaarma|kore)(?: (?:tenant|project|department|bot) "([^"]*)")? has (\d+) messages?(?: containing "([^"]*)")?$`,
		func(within, recipient, vendor, tenant string, n int, text string) error {
			d, err := time.ParseDuration(within)
			if err != nil {
				return err
			}
			return w.expectMessages(d, url.Values{"vendor": {vendor}, "tenant": {tenant}, "recipient": {recipient}, "q": {text}}, n)
		})
	sc.Step(`^(luma|luminous|mykaarma|kore) has (\d+) messages?(?: with status "([^"]*)")?$`, func(vendor string, n int, status string) error {
		return w.expectMessages(0, url.Values{"vendor": {vendor}, "status": {status}}, n)
	})
	sc.Step(`^no message (?:was|has been) delivered$`, func() error { return w.expectMessages(0, url.Values{}, 0) })
	sc.Step(`^the clock is frozen(?: at "([^"]*)")?$`, func(at string) error {
		if err := w.sendAdmin(http.MethodPost, "/_sim/clock", "application/json", []byte(`{"action":"freeze"}`)); err != nil {
			return err
		}
		if at == "" {
			return nil
		}
		return w.sendAdmin(http.MethodPost, "/_sim/clock", "application/json", []byte(fmt.Sprintf(`{"action":"set","time":%q}`, at)))
	})
	sc.Step(`^the clock advances by "([^"]*)"$`, func(d string) error {
		return w.sendAdmin(http.MethodPost, "/_sim/clock", "application/json", []byte(fmt.Sprintf(`{"action":"advance","duration":%q}`, d)))
	})
	sc.Step(`^the fixtures are:$`, func(doc *godog.DocString) error {
		return w.sendAdmin(http.MethodPut, "/_sim/fixtures", "application/yaml", []byte(w.expand(doc.Content)))
	})
	sc.Step(`^the simulator is reset$`, func() error {
		return w.sendAdmin(http.MethodPost, "/_sim/reset", "", nil)
	})
}

// expectMessages checks that exactly n messages match q, waiting up to wait for them to arrive.
func (w *world) expectMessages(wait time.Duration, q url.Values, n int) error {
	for k, v := range q {
		if len(v) == 0 || v[0] == "" {
			delete(q, k)
		}
	}
	if wait > 0 && n > 0 {
		q.Set("wait", wait.String())
		q.Set("count", fmt.Sprint(n))
	}
	res, err := w.getJSON("/_sim/messages?" + q.Encode())
	if err != nil {
		return fmt.Errorf("%w: %v", errNoSim, err)
	}
	if got := int(res.Get("total").Int()); got != n {
		var bodies []string
		for _, m := range res.Get("messages").Array() {
			bodies = append(bodies, fmt.Sprintf("%s → %s: %q", m.Get("vendor"), m.Get("recipient.id"), m.Get("body")))
		}
		return fmt.Errorf("%d messages match %s, want %d:\n  %s", got, q.Encode(), n, strings.Join(bodies, "\n  "))
	}
	return nil
}
