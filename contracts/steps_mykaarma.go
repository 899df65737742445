package contracts

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/cucumber/godog"
)

// registerMyKaarmaSteps adds the steps that only myKaarma scenarios use.
func registerMyKaarmaSteps(w *world, sc *godog.ScenarioContext) {
	sc.Step(`^I use myKaarma credentials "([^"]*)" with password "([^"]*)"$`, func(user, password string) error {
		w.header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(user+":"+password)))
		return nil
	})
	sc.Step(`^I notify myKaarma user "([^"]*)" of department "([^"]*)" with body:$`, func(user, dept string, doc *godog.DocString) error {
		return w.sendJSON("POST", "/communications/department/"+dept+"/user/"+user+"/notify", doc)
	})
	sc.Step(`^(?:within "([^"]*)" )?user "([^"]*)" of myKaarma has (\d+) delivered (notifier|phone) messages?(?: as "([^"]*)")?$`,
		func(within, user string, n int, channel, role string) error {
			var wait time.Duration
			if within != "" {
				d, err := time.ParseDuration(within)
				if err != nil {
					return err
				}
				wait = d
			}
			// Only delivered messages count: an accepted notification is "scheduled" until then.
			q := url.Values{"vendor": {"mykaarma"}, "recipient": {user}, "channel": {"mykaarma-" + channel}, "role": {role}, "status": {"delivered"}}
			return w.expectMessages(wait, q, n)
		})
	// "within … has received N" returns as soon as N arrived; this one watches the whole time, so
	// it proves that nothing more comes (a delayed callback, one a reset cancelled).
	sc.Step(`^within "([^"]*)" the myKaarma callback is "([^"]*)" after (\d+) attempts?$`, func(within, state string, n int) error {
		d, err := time.ParseDuration(within)
		if err != nil {
			return err
		}
		deadline := time.Now().Add(d)
		for {
			res, err := w.getJSON("/_sim/callbacks?vendor=mykaarma")
			if err != nil {
				return fmt.Errorf("%w: %v", errNoSim, err)
			}
			cb := res.Get("callbacks.0")
			if cb.Get("state").String() == state && int(cb.Get("attempts.#").Int()) == n {
				w.body = []byte(cb.Raw)
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("after %s the latest myKaarma callback is %s with %d attempts, want %s with %d: %s",
					d, cb.Get("state"), cb.Get("attempts.#").Int(), state, n, strings.TrimSpace(res.Raw))
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}
