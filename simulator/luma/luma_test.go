package luma

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/notifysim/notifysim/simulator/core"
)

func TestParseContacts(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		ids     []string
		all     bool
		wantErr string
	}{
		{"array", `["sam.phyll", "ruth"]`, []string{"sam.phyll", "ruth"}, false, ""},
		{"comma string with spaces", `"sam@gmail.com, judy@gmail.com"`, []string{"sam@gmail.com", "judy@gmail.com"}, false, ""},
		{"zero string", `"0"`, nil, true, ""},
		{"zero in array", `["0"]`, nil, true, ""},
		{"zero among names", `"ruth, 0"`, []string{"ruth"}, true, ""},
		{"duplicates in any case", `["ruth", "RUTH", " ruth "]`, []string{"ruth"}, false, ""},
		{"blank entries skipped", `"a,, ,b"`, []string{"a", "b"}, false, ""},
		{"comma strings inside an array", `["a, b", "c"]`, []string{"a", "b", "c"}, false, ""},
		{"empty array", `[]`, nil, false, "at least one"},
		{"empty string", `""`, nil, false, "at least one"},
		{"missing", ``, nil, false, "at least one"},
		{"object", `{"id": "ruth"}`, nil, false, "array of login ids"},
		{"array of objects", `[{"id": "ruth"}]`, nil, false, "array of login ids"},
		{"bool", `true`, nil, false, "array of login ids"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids, all, err := parseContacts(decoded(t, tt.raw))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ids, tt.ids) || all != tt.all {
				t.Errorf("got %q all=%v, want %q all=%v", ids, all, tt.ids, tt.all)
			}
		})
	}
}

func TestParseContactsLimit(t *testing.T) {
	ids := make([]string, MaxContacts+1)
	for i := range ids {
		ids[i] = "user" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strings.Repeat("y", i/26)
	}
	raw, _ := json.Marshal(ids)
	if _, _, err := parseContacts(decoded(t, string(raw))); err == nil || !strings.Contains(err.Error(), "more than 1000") {
		t.Fatalf("err = %v, want the 1000 limit", err)
	}
	raw, _ = json.Marshal(ids[:MaxContacts])
	if _, _, err := parseContacts(decoded(t, string(raw))); err != nil {
		t.Fatalf("exactly %d contacts: %v", MaxContacts, err)
	}
}

func TestParseRoles(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		want    []int
		wantErr string
	}{
		{"missing", ``, nil, ""},
		{"null", `null`, nil, ""},
		{"sample's blank", `[""]`, nil, ""},
		{"string", `"-3"`, []int{-3}, ""},
		{"comma string", `"-1, -2"`, []int{-1, -2}, ""},
		{"numbers", `[-5, -4]`, []int{-5, -4}, ""},
		{"one number", `-1`, []int{-1}, ""},
		{"space after minus", `"- 1"`, []int{-1}, ""},
		{"unknown code", `"-9"`, nil, `"-9"`},
		{"zero", `["0"]`, nil, `"0"`},
		{"name", `["Analyst"]`, []int{-3}, ""},
		{"names in any case, comma-separated", `"self-service user, GUEST"`, []int{-4, -5}, ""},
		{"name with its user suffix", `["Guest user", "Self-service"]`, []int{-5, -4}, ""},
		{"names beside codes", `["Administrator", -2]`, []int{-1, -2}, ""},
		{"plurals, as the vendor's page writes them", `["Analysts", "Self-service users"]`, []int{-3, -4}, ""},
		{"more plurals", `"administrators, Developers, guest users, Guests"`, []int{-1, -2, -5}, ""},
		{"unknown name lists codes and names", `["Manager"]`, nil, "-4 Self-service (or Self-service user)"},
		{"fraction", `[-1.5]`, nil, `"-1.5"`},
		{"object", `{"a": 1}`, nil, "role codes or names"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseRoles(decoded(t, tt.raw))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for _, r := range tt.want {
				if !got[r] {
					t.Errorf("role %d missing from %v", r, got)
				}
			}
		})
	}
}

func TestParseTemplateID(t *testing.T) {
	tests := []struct{ raw, want string }{
		{``, DefaultTemplateID},
		{`null`, DefaultTemplateID},
		{`""`, DefaultTemplateID},
		{`"  "`, DefaultTemplateID},
		{`"1001"`, "1001"},
		{`1001`, "1001"},
		{`-1`, "-1"},
	}
	for _, tt := range tests {
		got, err := parseTemplateID(decoded(t, tt.raw))
		if err != nil || got != tt.want {
			t.Errorf("parseTemplateID(%s) = %q, %v; want %q", tt.raw, got, err, tt.want)
		}
	}
	if _, err := parseTemplateID(decoded(t, `{}`)); err == nil {
		t.Error("an object template_id was accepted")
	}
}

func TestRender(t *testing.T) {
	card := TemplateFixture{ID: "1002", Type: "card", Title: "Outage: @request.message", Body: "@request.message"}
	kind, title, text, data := render(card, "TEXT", false, "Exchange down", "bot-1", nil, nil)
	if kind != "card" || title != "Outage: Exchange down" || text != "Exchange down" || data["botExternalID"] != "bot-1" {
		t.Errorf("card rendered as %q %q %q %v", kind, title, text, data)
	}
	def := TemplateFixture{ID: DefaultTemplateID, Type: "text", Body: MessageVariable}
	kind, _, text, data = render(def, "IMAGE", false, "https://x/y.png", "", nil, nil)
	if kind != "image" || text != "https://x/y.png" || data["imageUrl"] != "https://x/y.png" {
		t.Errorf("default template with IMAGE rendered as %q %q %v", kind, text, data)
	}
	if _, ok := data["botExternalID"]; ok {
		t.Error("an empty botExternalID was kept")
	}
	kind, _, text, _ = render(TemplateFixture{ID: "7", Type: "text", Body: "A @request.message and @request.message"}, "CARD", false, "b", "", nil, nil)
	if kind != "text" || text != "A b and b" {
		t.Errorf("every occurrence must be replaced and the template type must win: %q %q", kind, text)
	}
	kind, _, text, data = render(def, ResponseJSON, true, "not JSON", "", nil, nil)
	if kind != "text" || text != "not JSON" || data["responseType"] != ResponseJSON {
		t.Errorf("a message application/json can't carry rendered as %q %q %v", kind, text, data)
	}
	doc := map[string]any{"ticket": 42.0}
	kind, _, text, data = render(def, ResponseJSON, false, `{"ticket":42}`, "", doc, nil)
	if kind != "json" || text != "{\n  \"ticket\": 42\n}" || data["json"] == nil {
		t.Errorf("default template with application/json rendered as %q %q %v", kind, text, data)
	}
}

func TestLoadValidates(t *testing.T) {
	tests := []struct{ name, fixtures, wantErr string }{
		{"ok", `{"tenants":[{"id":"a","token":"t","users":[{"login":"u","role":-1}],"templates":[{"id":"5","type":"CARD","body":"x"}]}]}`, ""},
		{"no token", `{"tenants":[{"id":"a"}]}`, "id and token"},
		{"duplicate tenant", `{"tenants":[{"id":"a","token":"t1"},{"id":"a","token":"t2"}]}`, "defined twice"},
		{"shared token", `{"tenants":[{"id":"a","token":"t"},{"id":"b","token":"t"}]}`, "already used"},
		{"bad role", `{"tenants":[{"id":"a","token":"t","users":[{"login":"u","role":3}]}]}`, "role 3"},
		{"login 0", `{"tenants":[{"id":"a","token":"t","users":[{"login":"0","role":-1}]}]}`, "not a usable login"},
		{"login with comma", `{"tenants":[{"id":"a","token":"t","users":[{"login":"a,b","role":-1}]}]}`, "not a usable login"},
		{"duplicate login", `{"tenants":[{"id":"a","token":"t","users":[{"login":"U","role":-1},{"login":"u","role":-2}]}]}`, "defined twice"},
		{"bad template type", `{"tenants":[{"id":"a","token":"t","templates":[{"id":"1","type":"video"}]}]}`, "type of text"},
		{"unknown field", `{"tenants":[{"id":"a","token":"t","colour":"red"}]}`, "unknown field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := New(nil)
			commit, err := v.Load(json.RawMessage(tt.fixtures))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				commit()
				tn := v.state.Load().byToken["t"]
				if tn == nil || tn.Templates["5"].Type != "card" || tn.Templates[DefaultTemplateID].Body != MessageVariable {
					t.Fatalf("loaded state is wrong: %+v", tn)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestLoadIsAtomicUntilCommit(t *testing.T) {
	v := New(nil)
	commit, err := v.Load(json.RawMessage(`{"tenants":[{"id":"a","token":"t"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(v.state.Load().tenants) != 0 {
		t.Fatal("Load changed the state before commit")
	}
	commit()
	if len(v.state.Load().tenants) != 1 {
		t.Fatal("commit did not swap the state in")
	}
	if _, err := v.Load(json.RawMessage(`{"tenants":[{"id":"b"}]}`)); err == nil {
		t.Fatal("a bad dataset was accepted")
	}
	if v.state.Load().tenants[0].ID != "a" {
		t.Fatal("a failed Load changed the state")
	}
}

func TestSelectRecipients(t *testing.T) {
	v := New(nil)
	commit, err := v.Load(json.RawMessage(`{"tenants":[{"id":"a","token":"t","users":[
		{"login":"adm","role":-1},{"login":"ana","role":-3},{"login":"self","role":-4},{"login":"adm2","role":-1}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	commit()
	tn := v.state.Load().byToken["t"]
	u := func(login string) *user { return tn.byLogin[login] }
	tests := []struct {
		name  string
		all   bool
		named []*user
		roles map[int]bool
		want  []string
	}{
		{"0 alone is everyone, in the tenant's order", true, nil, nil, []string{"adm", "ana", "self", "adm2"}},
		{"roles narrow 0", true, nil, map[int]bool{-1: true}, []string{"adm", "adm2"}},
		{"a role nobody has selects nobody", true, nil, map[int]bool{-5: true}, nil},
		{"named users are notified whatever the roles", false, []*user{u("ana")}, map[int]bool{-4: true}, []string{"ana"}},
		{"0 with roles plus named: the role's users, then the named, once each", true, []*user{u("ana"), u("adm")}, map[int]bool{-1: true}, []string{"adm", "adm2", "ana"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, r := range selectRecipients(&core.Request{}, tn, tt.all, tt.named, tt.roles) {
				got = append(got, r.ID)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// decoded is raw as the validate stage hands it on: numbers as json.Number, nothing for an empty
// raw.
func decoded(t *testing.T, raw string) any {
	t.Helper()
	if raw == "" {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return v
}

// TestDecodeNotify reads the same bodies from the bytes and from the value validation decoded:
// exact key names only, numbers as the vendor prints them, wrong types refused.
func TestDecodeNotify(t *testing.T) {
	tests := []struct {
		name, body string
		want       notifyRequest
		wantErr    string
	}{
		{"plain", `{"recipients":{"contacts":["ruth"]},"message":"hi","responseType":"TEXT"}`,
			notifyRequest{Contacts: []any{"ruth"}, Message: "hi", ResponseType: "TEXT"}, ""},
		{"exact key names only", `{"recipients":{"contacts":"0"},"message":"a","Message":"b","MESSAGE":"c"}`,
			notifyRequest{Contacts: "0", Message: "a"}, ""},
		{"every field", `{"recipients":{"contacts":"0","roles":[-3]},"template_id":1e3,"template_type":"card","botExternalID":"st-1","responseType":"CARD","message":"m"}`,
			notifyRequest{Contacts: "0", Roles: []any{json.Number("-3")}, TemplateID: json.Number("1e3"), TemplateType: "card", BotExternalID: "st-1", ResponseType: "CARD", Message: "m"}, ""},
		{"null message", `{"recipients":{"contacts":"0"},"message":null}`, notifyRequest{Contacts: "0"}, ""},
		{"message not a string", `{"recipients":{"contacts":"0"},"message":5}`, notifyRequest{}, "message must be a string"},
		{"recipients not an object", `{"recipients":["ruth"],"message":"m"}`, notifyRequest{}, "recipients must be an object"},
		{"not an object", `["ruth"]`, notifyRequest{}, "must be a JSON object"},
	}
	for _, tt := range tests {
		for _, from := range []string{"bytes", "decoded"} {
			t.Run(tt.name+"/"+from, func(t *testing.T) {
				req := &core.Request{Body: []byte(tt.body)}
				if from == "decoded" {
					req.Decoded = decoded(t, tt.body)
				}
				got, err := decodeNotify(req)
				if tt.wantErr != "" {
					if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
						t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
					}
					return
				}
				if err != nil || !reflect.DeepEqual(got, tt.want) {
					t.Fatalf("got %#v, %v; want %#v", got, err, tt.want)
				}
			})
		}
	}
	if id, err := parseTemplateID(json.Number("1e3")); id != "1000" || err != nil {
		t.Errorf("template_id 1e3 read as %q, %v; want 1000 as the vendor's JavaScript prints it", id, err)
	}
}

// TestNotifiedEnvelopeIsWhatEncodingJSONWrites: the hand-written success body of a notify is byte
// for byte the envelope encoding/json writes, names with and without, and strings to escape.
func TestNotifiedEnvelopeIsWhatEncodingJSONWrites(t *testing.T) {
	for _, data := range [][]Recipient{
		{},
		{{LoginID: "ruth", Name: "Ruth", Role: "-4", RoleName: "Self-service", MessageID: "6c3b3f0e-7d1a-4a8e-9a55-0d7c4f0b8a21"}},
		{{LoginID: `a"b\c`, Role: "-1", RoleName: "Administrator", MessageID: "x"}, {LoginID: "<&>", Name: "Zoë\n\u2028", Role: "-5", RoleName: "Guest", MessageID: "y"}},
		sharedRoles(20), // the roles' JSON is remembered per shared string, not escaped per entry
	} {
		for _, errs := range [][]string{{}, {"recipients.contacts: unknown login id \"x\""}} {
			e := envelope{Timestamp: 1764460800000, Status: 200, Message: "OK", Errors: errs, Data: data}
			var want strings.Builder
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(e); err != nil {
				t.Fatal(err)
			}
			if got := string(e.appendNotified(recipientList(data))); got != strings.TrimSuffix(want.String(), "\n") {
				t.Errorf("got  %s\nwant %s", got, want.String())
			}
		}
	}
}

// recipientList is a []Recipient as the data of a notify's answer.
type recipientList []Recipient

func (l recipientList) Len() int { return len(l) }

func (l recipientList) Recipient(i int) *core.Recipient {
	r := l[i]
	return &core.Recipient{ID: r.LoginID, Name: r.Name, Role: r.Role, RoleName: r.RoleName}
}

func (l recipientList) AppendID(b []byte, i int) []byte {
	q := core.AppendJSONString(nil, l[i].MessageID)
	return append(b, q[1:len(q)-1]...)
}

// sharedRoles is n entries whose roles repeat, as a tenant's users share their role's strings;
// one role's name needs escaping.
func sharedRoles(n int) []Recipient {
	codes, names := []string{"-1", "-2", "-3"}, []string{"Administrator", `Dev "ops"`, "Analyst\u2028"}
	out := make([]Recipient, n)
	for i := range out {
		out[i] = Recipient{LoginID: fmt.Sprint("user", i), Role: codes[i%3], RoleName: names[i%3], MessageID: fmt.Sprint("m", i)}
		if i%7 == 0 {
			out[i].RoleName = strings.Clone(out[i].RoleName) // equal, not the same string
		}
	}
	return out
}
