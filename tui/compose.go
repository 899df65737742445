package tui

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/golang-jwt/jwt/v5"

	"github.com/notifysim/notifysim/simulator/client"
)

// compose is the `n` form: a notification to the selected recipient or group, sent through the
// vendor's own public route with credentials from the dataset in force.
type compose struct {
	target  recRow
	fields  []textinput.Model
	labels  []string
	focus   int
	sending bool // enter was pressed: the Model sends
	waiting bool // sent, the answer not back yet
	err     string
}

type datasetMsg struct {
	data json.RawMessage
	err  error
}

type sentMsg struct {
	status int
	body   string
	err    error
}

// startCompose opens the form for the selected row (or the opened message's recipient).
func (m *Model) startCompose() tea.Cmd {
	target := m.rec.selected()
	if m.mode == modeMessage {
		msg := m.message.msg
		target = recRow{vendor: msg.Vendor, tenant: msg.Tenant, title: memberLabel(msg.Vendor, msg.Recipient),
			filter: client.MessageFilter{Vendor: msg.Vendor, Tenant: msg.Tenant, Recipient: msg.Recipient.ID}}
		if msg.Vendor == "kore" { // a reply goes where the message went
			target.filter.Channel = msg.Channel
		}
	}
	if target.vendor == "" || target.tenant == "" {
		m.setStatus("compose: select a tenant, group or recipient first", true)
		return nil
	}
	c := compose{target: target}
	add := func(label, placeholder, value string) {
		ti := newInput()
		ti.Prompt = ""
		ti.Placeholder = placeholder
		ti.SetValue(value)
		ti.SetWidth(50)
		c.fields = append(c.fields, ti)
		c.labels = append(c.labels, label)
	}
	switch target.vendor {
	case "luma":
		add("message", "what the users read", "")
	case "luminous":
		add("campaign", "a Live campaign of the project", "welcome")
		add("params", "template parameters, comma-separated", "")
		dest := target.filter.Recipient
		add("destination", "phone number", dest)
	case "mykaarma":
		add("subject", "optional", "")
		add("body", "the notification text", "")
	case "kore":
		add("message", "the text the identities receive", "")
		ch := target.filter.Channel
		if ch == "" {
			ch = "msteams"
		}
		add("channel", "msteams or slack", ch)
	}
	c.fields[0].Focus()
	m.compose = c
	m.mode = modeCompose
	return func() tea.Msg {
		raw, err := call(m.c.Fixtures)
		return datasetMsg{data: raw, err: err}
	}
}

func (c *compose) value(label string) string {
	for i, l := range c.labels {
		if l == label {
			return strings.TrimSpace(c.fields[i].Value())
		}
	}
	return ""
}

func (c *compose) update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "tab", "down":
			c.setFocus(c.focus + 1)
			return nil
		case "shift+tab", "up":
			c.setFocus(c.focus - 1)
			return nil
		case "enter":
			c.sending = true
			return nil // the Model sends it: it needs the dataset
		}
	}
	var cmd tea.Cmd
	c.fields[c.focus], cmd = c.fields[c.focus].Update(msg)
	return cmd
}

func (c *compose) setFocus(i int) {
	c.fields[c.focus].Blur()
	c.focus = (i + len(c.fields)) % len(c.fields)
	c.fields[c.focus].Focus()
}

// result handles what the form waits for: the dataset (then it sends) and the answer.
func (c *compose) result(msg tea.Msg, m *Model) tea.Cmd {
	switch msg := msg.(type) {
	case datasetMsg:
		if msg.err != nil {
			c.err = "reading the dataset: " + msg.err.Error()
			return nil
		}
		m.composeData = msg.data
	case sentMsg:
		c.waiting = false
		// A refused send keeps the form and what was typed in it, with the vendor's reason:
		// fix the field and press enter again.
		if msg.err != nil {
			c.err = "not sent: " + msg.err.Error()
			return nil
		}
		if msg.status >= 400 {
			c.err = fmt.Sprintf("the vendor answered %d: %s", msg.status, vendorReason(msg.body))
			return nil
		}
		m.mode = modeMain
		m.setStatus(fmt.Sprintf("sent: %d %s", msg.status, oneLine(msg.body)), false)
		return m.refreshSoon()
	}
	return nil
}

// sendCompose builds the vendor request from the form and sends it.
func (m *Model) sendCompose() tea.Cmd {
	c := &m.compose
	c.sending = false
	req, err := buildRequest(m.c.URL(), c, m.composeData)
	if err != nil {
		c.err = err.Error()
		return nil
	}
	c.err = ""
	c.waiting = true
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		resp, err := m.c.HTTPClient().Do(req.WithContext(ctx))
		if err != nil {
			return sentMsg{err: err}
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return sentMsg{status: resp.StatusCode, body: string(b)}
	}
}

// section reads one vendor's part of the dataset.
func section(data json.RawMessage, vendor string, into any) error {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return errors.New("the dataset is not loaded yet: wait a moment and press enter again")
	}
	if len(all[vendor]) == 0 {
		return fmt.Errorf("the dataset has no %s section", vendor)
	}
	return json.Unmarshal(all[vendor], into)
}

func buildRequest(base string, c *compose, data json.RawMessage) (*http.Request, error) {
	t := c.target
	post := func(path string, body any) (*http.Request, error) {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequest(http.MethodPost, strings.TrimRight(base, "/")+path, bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		return req, nil
	}
	switch t.vendor {
	case "luma":
		var fx struct {
			Tenants []struct{ ID, Token string } `json:"tenants"`
		}
		if err := section(data, "luma", &fx); err != nil {
			return nil, err
		}
		token := ""
		for _, x := range fx.Tenants {
			if x.ID == t.tenant {
				token = x.Token
			}
		}
		if token == "" {
			return nil, fmt.Errorf("Luma tenant %s has no token in the dataset", t.tenant)
		}
		msg := c.value("message")
		if msg == "" {
			return nil, errors.New("message: write what the users should read")
		}
		recipients := map[string]any{"contacts": "0"}
		switch {
		case t.filter.Recipient != "":
			recipients["contacts"] = strings.Split(t.filter.Recipient, ",")
		case t.filter.Role != "":
			recipients["roles"] = t.filter.Role
		}
		req, err := post("/vsa/public/notifylumauser/message", map[string]any{"recipients": recipients, "responseType": "TEXT", "message": msg})
		if req != nil {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return req, err
	case "luminous":
		var fx struct {
			Projects []struct {
				ID     string `json:"id"`
				APIKey string `json:"apiKey"`
			} `json:"projects"`
		}
		if err := section(data, "luminous", &fx); err != nil {
			return nil, err
		}
		key := ""
		for _, p := range fx.Projects {
			if p.ID == t.tenant {
				key = p.APIKey
			}
		}
		dest := c.value("destination")
		if dest == "" || strings.Contains(dest, ",") {
			return nil, errors.New("destination: one phone number, such as +256751351363")
		}
		params := []string{}
		if p := c.value("params"); p != "" {
			for _, x := range strings.Split(p, ",") {
				params = append(params, strings.TrimSpace(x))
			}
		}
		return post("/campaign/t1/api", map[string]any{"apiKey": key, "campaignName": c.value("campaign"),
			"destination": dest, "userName": "notifysim tui", "templateParams": params})
	case "mykaarma":
		var fx struct {
			Subscribers []struct {
				Username string              `json:"username"`
				Password string              `json:"password"`
				Scopes   map[string][]string `json:"scopes"`
			} `json:"subscribers"`
		}
		if err := section(data, "mykaarma", &fx); err != nil {
			return nil, err
		}
		user, pass := "", ""
		for _, s := range fx.Subscribers {
			for dept, scopes := range s.Scopes {
				if strings.EqualFold(dept, t.tenant) && strings.Contains(strings.Join(scopes, " "), "notification") && user == "" {
					user, pass = s.Username, s.Password
				}
			}
		}
		if user == "" {
			return nil, fmt.Errorf("no myKaarma subscriber of the dataset may notify department %s", t.tenant)
		}
		body := c.value("body")
		if body == "" {
			return nil, errors.New("body: write the notification text")
		}
		userUUID := "DEFAULT"
		if r := t.filter.Recipient; r != "" && !strings.Contains(r, ",") {
			userUUID = r
		}
		attrs := map[string]any{"body": body}
		if s := c.value("subject"); s != "" {
			attrs["subject"] = s
		}
		req, err := post("/communications/department/"+url.PathEscape(t.tenant)+"/user/"+url.PathEscape(userUUID)+"/notify",
			map[string]any{"messageAttributes": attrs, "notificationAttributes": map[string]any{"internalSubscribersNotifierPop": userUUID == "DEFAULT"},
				"messageSendingAttributesLite": map[string]any{"sendSynchronously": true}})
		if req != nil {
			req.SetBasicAuth(user, pass)
		}
		return req, err
	case "kore":
		token, users, err := koreAuth(data, t.tenant)
		if err != nil {
			return nil, err
		}
		channel := c.value("channel")
		var ids []string
		if r := t.filter.Recipient; r != "" {
			ids = strings.Split(r, ",")
		} else {
			for email, channels := range users {
				if _, ok := channels[channel]; ok {
					ids = append(ids, email)
				}
			}
			sort.Strings(ids)
		}
		text := c.value("message")
		if text == "" {
			return nil, errors.New("message: write the text the identities receive")
		}
		req, err := post("/api/public/bot/"+url.PathEscape(t.tenant)+"/notify", map[string]any{"channel": channel,
			"userIdentityType": "resolve", "message": map[string]any{"type": "text", "val": text}, "identities": ids})
		if req != nil {
			req.Header.Set("auth", token)
		}
		return req, err
	}
	return nil, fmt.Errorf("no compose form for %s", t.vendor)
}

// koreAuth signs a Kore.ai JWT for an app of the dataset linked to bot, and returns the
// dataset's users with their channel identities.
func koreAuth(data json.RawMessage, bot string) (string, map[string]map[string]string, error) {
	var fx struct {
		Apps []struct {
			ClientID string   `json:"clientId"`
			Secret   string   `json:"secret"`
			Bots     []string `json:"bots"`
		} `json:"apps"`
		Users []struct {
			Email    string            `json:"email"`
			Channels map[string]string `json:"channels"`
		} `json:"users"`
	}
	if err := section(data, "kore", &fx); err != nil {
		return "", nil, err
	}
	appID, secret := "", ""
	for _, a := range fx.Apps {
		for _, b := range a.Bots {
			if b == bot && appID == "" {
				appID, secret = a.ClientID, a.Secret
			}
		}
	}
	if appID == "" {
		return "", nil, fmt.Errorf("no Kore.ai app of the dataset is linked to bot %s", bot)
	}
	users := map[string]map[string]string{}
	for _, u := range fx.Users {
		users[u.Email] = u.Channels
	}
	token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"appId": appID, "iat": time.Now().Unix()}).SignedString([]byte(secret))
	return token, users, err
}

func (c *compose) view(st styles, w, h int) []string {
	out := []string{st.Header(cut("New "+vendorLabel[c.target.vendor]+" notification to "+c.target.title, w)),
		st.Dim(cut("sent through the vendor's own route with the dataset's credentials", w)), ""}
	for i := range c.fields {
		marker := "  "
		if i == c.focus {
			marker = "› "
		}
		out = append(out, marker+fit(c.labels[i], 12)+" "+c.fields[i].View())
	}
	switch {
	case c.err != "":
		// The whole reason, wrapped: a vendor's error names the field and why.
		out = append(out, "")
		for _, l := range wrap("! "+c.err, w) {
			out = append(out, st.Bad(l))
		}
	case c.waiting:
		out = append(out, "", st.Dim("sending…"))
	}
	return out
}
