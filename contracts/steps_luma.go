package contracts

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/cucumber/godog"
)

func registerLumaSteps(w *world, sc *godog.ScenarioContext) {
	// The served-spec check started with Luma's /vsa/vsa URLs; it works for every spec.
	registerSpecSteps(w, sc)
	sc.Step(`^user "([^"]*)" of Luma tenant "([^"]*)" has (\d+) messages?(?: containing "([^"]*)")?$`, func(login, tenant string, n int, text string) error {
		return w.expectMessages(0, url.Values{"vendor": {"luma"}, "tenant": {tenant}, "recipient": {login}, "q": {text}}, n)
	})
	sc.Step(`^I notify Luma users with token "([^"]*)" and body:$`, func(token string, doc *godog.DocString) error {
		w.header.Set("Authorization", "Bearer "+token)
		return w.sendJSON("POST", "/vsa/public/notifylumauser/message", doc)
	})
	sc.Step(`^I send a POST request to "([^"]*)" with a Luma body naming (\d+) contacts$`, func(path string, n int) error {
		contacts := make([]string, n)
		for i := range contacts {
			contacts[i] = fmt.Sprintf("%q", fmt.Sprintf("user.%d", i))
		}
		body := fmt.Sprintf(`{"recipients": {"contacts": [%s]}, "message": "hi"}`, strings.Join(contacts, ","))
		return w.do("POST", path, "application/json", []byte(body))
	})
	sc.Step(`^the Luma troubleshoot log of tenant "([^"]*)" has (\d+) entr(?:y|ies)(?: containing "([^"]*)")?$`, func(tenant string, n int, text string) error {
		res, err := w.getJSON("/_sim/troubleshoot?vendor=luma&tenant=" + url.QueryEscape(tenant))
		if err != nil {
			return fmt.Errorf("%w: %v", errNoSim, err)
		}
		got := 0
		for _, e := range res.Get("entries").Array() {
			if text == "" || strings.Contains(e.Raw, text) {
				got++
			}
		}
		if got != n {
			return fmt.Errorf("troubleshoot log of %s has %d matching entries, want %d: %s", tenant, got, n, res.Raw)
		}
		return nil
	})
}
