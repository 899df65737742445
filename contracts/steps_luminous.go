package contracts

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/cucumber/godog"
	"github.com/tidwall/gjson"
)

// registerLuminousSteps adds the steps that only Luminous scenarios use. They read the project
// state from GET /_sim/state/luminous and the journal from GET /_sim/requests, without touching
// the current response.
func registerLuminousSteps(w *world, sc *godog.ScenarioContext) {
	project := func(id string) (gjson.Result, error) {
		res, err := w.getJSON("/_sim/state/luminous")
		if err != nil {
			return gjson.Result{}, fmt.Errorf("%w: %v", errNoSim, err)
		}
		p := res.Get(`projects.#(id==` + strconv.Quote(id) + `)`)
		if !p.Exists() {
			return p, fmt.Errorf("no Luminous project %q in %s", id, res.Raw)
		}
		return p, nil
	}
	contact := func(phone, id string) (gjson.Result, error) {
		p, err := project(id)
		if err != nil {
			return p, err
		}
		c := p.Get(`contacts.#(phone==` + strconv.Quote(phone) + `)`)
		if !c.Exists() {
			return c, fmt.Errorf("Luminous project %q has no contact %q: %s", id, phone, p.Get("contacts").Raw)
		}
		return c, nil
	}

	sc.Step(`^Luminous project "([^"]*)" has (\d+) credits? left$`, func(id string, n int) error {
		p, err := project(id)
		if err != nil {
			return err
		}
		if got := int(p.Get("credits").Int()); got != n {
			return fmt.Errorf("project %s has %d credits left, want %d", id, got, n)
		}
		return nil
	})
	sc.Step(`^Luminous project "([^"]*)" has spent (\d+) credits?$`, func(id string, n int) error {
		p, err := project(id)
		if err != nil {
			return err
		}
		if got := int(p.Get("creditsSpent").Int()); got != n {
			return fmt.Errorf("project %s has spent %d credits, want %d", id, got, n)
		}
		return nil
	})
	sc.Step(`^Luminous project "([^"]*)" has (\d+) contacts?$`, func(id string, n int) error {
		p, err := project(id)
		if err != nil {
			return err
		}
		if got := len(p.Get("contacts").Array()); got != n {
			return fmt.Errorf("project %s has %d contacts, want %d: %s", id, got, n, p.Get("contacts").Raw)
		}
		return nil
	})
	sc.Step(`^Luminous project "([^"]*)" has no contact "([^"]*)"$`, func(id, phone string) error {
		p, err := project(id)
		if err != nil {
			return err
		}
		if c := p.Get(`contacts.#(phone==` + strconv.Quote(phone) + `)`); c.Exists() {
			return fmt.Errorf("project %s has contact %s: %s", id, phone, c.Raw)
		}
		return nil
	})
	sc.Step(`^Luminous project "([^"]*)" has a contact "([^"]*)"(?: named "([^"]*)")?$`, func(id, phone, name string) error {
		c, err := contact(phone, id)
		if err != nil {
			return err
		}
		if name != "" && c.Get("name").String() != name {
			return fmt.Errorf("contact %s is named %q, want %q", phone, c.Get("name").String(), name)
		}
		return nil
	})
	sc.Step(`^the Luminous contact "([^"]*)" of project "([^"]*)" has (source|name) "([^"]*)"$`, func(phone, id, field, want string) error {
		c, err := contact(phone, id)
		if err != nil {
			return err
		}
		if got := c.Get(field).String(); got != want {
			return fmt.Errorf("contact %s has %s %q, want %q", phone, field, got, want)
		}
		return nil
	})
	sc.Step(`^the Luminous contact "([^"]*)" of project "([^"]*)" has tags "([^"]*)"$`, func(phone, id, want string) error {
		c, err := contact(phone, id)
		if err != nil {
			return err
		}
		var got []string
		for _, t := range c.Get("tags").Array() {
			got = append(got, t.String())
		}
		if strings.Join(got, ", ") != want {
			return fmt.Errorf("contact %s has tags %q, want %q", phone, strings.Join(got, ", "), want)
		}
		return nil
	})
	sc.Step(`^the Luminous contact "([^"]*)" of project "([^"]*)" has attributes:$`, func(phone, id string, doc *godog.DocString) error {
		c, err := contact(phone, id)
		if err != nil {
			return err
		}
		var want, got map[string]string
		if err := json.Unmarshal([]byte(doc.Content), &want); err != nil {
			return fmt.Errorf("the expected attributes are not a JSON object of strings: %v", err)
		}
		if err := json.Unmarshal([]byte(c.Get("attributes").Raw), &got); err != nil {
			return err
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Errorf("contact %s has attributes %v, want %v", phone, got, want)
		}
		return nil
	})
	sc.Step(`^the last Luminous request(?:'s journal entry)? has a note containing "([^"]*)"$`, func(text string) error {
		res, err := w.getJSON("/_sim/requests?vendor=luminous&limit=1")
		if err != nil {
			return fmt.Errorf("%w: %v", errNoSim, err)
		}
		for _, n := range res.Get("requests.0.notes").Array() {
			if strings.Contains(n.String(), w.expand(text)) {
				return nil
			}
		}
		return fmt.Errorf("the last Luminous request has no note containing %q: %s", text, res.Get("requests.0.notes").Raw)
	})
	sc.Step(`^I send the Luminous campaign "([^"]*)" to "([^"]*)"(?: with params "([^"]*)")?$`, func(name, dest, params string) error {
		list := []string{}
		for _, p := range strings.Split(params, ",") {
			if p = strings.TrimSpace(p); p != "" {
				list = append(list, p)
			}
		}
		body, _ := json.Marshal(map[string]any{
			"apiKey": "luminous-demo-key", "campaignName": name, "destination": dest, "userName": "Test User", "templateParams": list,
		})
		return w.do("POST", "/campaign/t1/api", "application/json", body)
	})
}
