package luminous

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/notifysim/notifysim/simulator/core"
)

func TestNormalizeNumber(t *testing.T) {
	tests := []struct {
		in, want string // want "" means Invalid Number
	}{
		{"+256751351363", "+256751351363"},
		{"256751351363", "+256751351363"},
		{"00256751351363", "+256751351363"},
		{"9876543210", "+919876543210"},
		{"919876543210", "+919876543210"},
		{"09876543210", "+919876543210"},
		{"+91-98765-43210", "+919876543210"},
		{"9512345678", "+919512345678"}, // also valid in Myanmar: no country code means India
		{"+9512345678", "+9512345678"},
		{"442071838750", "+442071838750"},
		{"+1 (415) 555-0100", "+14155550100"},
		{"", ""},
		{"   ", ""},
		{"12345", ""},
		{"+9999", ""},
		{"1800FLOWERS", ""},
		{"91+919876543210", ""},
		{"+25675135136", ""},
		{"tel:+256751351363", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizeNumber(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("NormalizeNumber(%q) = %q, want Invalid Number", tt.in, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NormalizeNumber(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestCheckPublicURL(t *testing.T) {
	tests := []struct {
		url, why string // why "" means public
	}{
		{"https://cdn.example.com/a.pdf", ""},
		{"http://93.184.215.14/a.pdf", ""},
		{"https://[2606:2800:220:1:248:1893:25c8:1946]/a.png", ""},
		{"https://cdn.example.com./a.pdf", ""},
		{"http://127.0.0.1/a.pdf", "loopback"},
		{"http://[::1]/a.pdf", "loopback"},
		{"http://[::ffff:127.0.0.1]/a.pdf", "loopback"},
		{"http://10.0.0.1/a.pdf", "private"},
		{"http://172.16.5.4/a.pdf", "private"},
		{"http://192.168.0.1/a.pdf", "private"},
		{"http://[fd00::1]/a.pdf", "private"},
		{"http://169.254.169.254/", "link-local"},
		{"http://[fe80::1]/", "link-local"},
		{"http://0.0.0.0/", "unspecified"},
		{"http://100.64.1.1/", "carrier-grade NAT"},
		{"http://239.1.2.3/", "multicast"},
		{"http://localhost/a.pdf", "localhost"},
		{"http://app.localhost/a.pdf", "localhost"},
		{"http://fileserver/a.pdf", "bare host name"},
		{"http://printer.local/a.pdf", "local-network"},
		{"http://db.internal/a.pdf", "local-network"},
		{"http://0.1.2.3/a.pdf", "this network"},
		{"http://192.0.2.10/a.pdf", "documentation"},
		{"http://198.18.0.1/a.pdf", "benchmarking"},
		{"http://255.255.255.255/a.pdf", "reserved"},
		{"http://[2001:db8::1]/a.pdf", "documentation"},
		{"http://100.63.255.255/a.pdf", ""},
		{"https://files.test/a.pdf", "local-network"},
		{"https://cdn.example/a.pdf", "local-network"},
		{"https://cdn.example.net/a.pdf", ""},
		{"http://127.1/a.pdf", "neither a public domain"},
		{"http://0x7f.1/a.pdf", "neither a public domain"},
		{"ftp://example.com/a.pdf", "absolute http(s)"},
		{"/a.pdf", "absolute http(s)"},
		{"example.com/a.pdf", "absolute http(s)"},
		{"https:///a.pdf", "no host"},
		{"https://u:p@example.com/a.pdf", "credentials"},
		{"http://[::1", "not a URL"},
		{"", "empty"},
		{"http://" + strings.Repeat("a.", 200) + "com/x", "at most 253"},
		{"http://a..com/x", "not a valid domain name"},
		{"http://" + strings.Repeat("a", 64) + ".com/x", "not a valid domain name"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got := checkPublicURL(tt.url)
			if tt.why == "" && got != "" {
				t.Fatalf("checkPublicURL(%q) = %q, want public", tt.url, got)
			}
			if tt.why != "" && !strings.Contains(got, tt.why) {
				t.Fatalf("checkPublicURL(%q) = %q, want it to say %q", tt.url, got, tt.why)
			}
		})
	}
}

func TestCountParams(t *testing.T) {
	tests := []struct {
		body    string
		want    int
		wantErr string
	}{
		{"Welcome!", 0, ""},
		{"Hi {{1}}, your order {{2}} has shipped", 2, ""},
		{"{{1}} and {{1}} again", 1, ""},
		{"{{ 2 }} then {{1}}", 2, ""},
		{"Hi {{2}}", 0, "without gaps"},
		{"Hi {{0}}", 0, "{{1}} or higher"},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			got, err := countParams(tt.body)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("countParams(%q) error = %v, want %q", tt.body, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("countParams(%q) = %d, %v; want %d", tt.body, got, err, tt.want)
			}
		})
	}
}

func newVendor(t *testing.T) *Vendor {
	t.Helper()
	return New(&core.Env{Clock: core.NewClock(), IDs: core.NewIDs(1), Store: core.NewMemStore(), Bus: core.NewBus()})
}

func TestLoadRejectsBadFixtures(t *testing.T) {
	base := `{"id": "p", "apiKey": "k", "credits": 1, "activePlan": "PRO"`
	tests := []struct {
		name, section, want string
	}{
		{"unknown field", `{"projects": [` + base + `, "credit": 3}]}`, "unknown field"},
		{"no apiKey", `{"projects": [{"id": "p"}]}`, "id and apiKey are required"},
		{"negative credits", `{"projects": [{"id": "p", "apiKey": "k", "credits": -1}]}`, "0 or more"},
		{"duplicate id", `{"projects": [` + base + `}, {"id": "p", "apiKey": "k2"}]}`, "defined twice"},
		{"duplicate key", `{"projects": [` + base + `}, {"id": "q", "apiKey": "k"}]}`, "already used"},
		{"bad status", `{"projects": [` + base + `, "campaigns": [{"name": "c", "status": "Liev", "template": {"body": "x"}}]}]}`, "not one of Live"},
		{"gap in params", `{"projects": [` + base + `, "campaigns": [{"name": "c", "status": "Live", "template": {"body": "{{2}}"}}]}]}`, "without gaps"},
		{"empty body", `{"projects": [` + base + `, "campaigns": [{"name": "c", "status": "Live", "template": {}}]}]}`, "body is required"},
		{"bad header", `{"projects": [` + base + `, "campaigns": [{"name": "c", "status": "Live", "template": {"body": "x", "header": {"type": "audio"}}}]}]}`, "header.type"},
		{"bad button", `{"projects": [` + base + `, "campaigns": [{"name": "c", "status": "Live", "template": {"body": "x", "buttons": [{"type": "url"}]}}]}]}`, "needs a url"},
		{"duplicate campaign", `{"projects": [` + base + `, "campaigns": [{"name": "c", "status": "Live", "template": {"body": "x"}}, {"name": "c", "status": "Paused", "template": {"body": "y"}}]}]}`, "defined twice"},
		{"bad receipts", `{"projects": [` + base + `, "receipts": {"delivered": "soon"}}]}`, "receipts.delivered"},
		{"bad contact number", `{"projects": [` + base + `, "contacts": [{"phone": "12", "name": "x"}]}]}`, "contacts[0]"},
		{"duplicate contact", `{"projects": [` + base + `, "contacts": [{"phone": "+256751351363"}, {"phone": "256751351363"}]}]}`, "defined twice"},
		{"unknown contact tag", `{"projects": [` + base + `, "tags": ["vip"], "contacts": [{"phone": "+256751351363", "tags": ["gold"]}]}]}`, "not a tag"},
		{"unknown contact attribute", `{"projects": [` + base + `, "contacts": [{"phone": "+256751351363", "attributes": {"city": "x"}}]}]}`, "not an attribute"},
		{"duplicate tag", `{"projects": [` + base + `, "tags": ["vip", "VIP"]}]}`, "defined twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVendor(t)
			commit, err := v.Load(json.RawMessage(tt.section))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load error = %v, want one containing %q", err, tt.want)
			}
			if commit != nil {
				t.Fatal("a failed Load returned a commit")
			}
		})
	}
}

func TestLoadIsAtomicAndNormalises(t *testing.T) {
	v := newVendor(t)
	commit, err := v.Load(json.RawMessage(`{"projects": [{"id": "p", "apiKey": "k", "credits": 3, "activePlan": "PRO",
		"tags": ["VIP"], "attributes": ["City"], "receipts": {"read": "off"},
		"campaigns": [{"name": "c", "status": "live", "template": {"body": "Hi {{1}}", "header": {"type": "IMAGE"}}}],
		"contacts": [{"phone": "256 751 351363", "name": "T", "tags": ["vip"], "attributes": {"city": "Kampala"}}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(v.state.Load().projects) != 0 {
		t.Fatal("Load changed the state before commit")
	}
	commit()
	p := v.state.Load().byKey["k"]
	if p == nil {
		t.Fatal("project not found by its key")
	}
	c := p.byCampaign["c"]
	if c.status != "Live" || c.template.params != 1 || c.template.Header.Type != "image" {
		t.Fatalf("campaign = %+v, want Live with 1 param and an image header", c)
	}
	ct := p.byPhone["+256751351363"]
	if ct == nil || ct.tags[0] != "VIP" || ct.attributes["City"] != "Kampala" {
		t.Fatalf("contact = %+v, want the project's spelling of tag and attribute", ct)
	}
	if p.readAfter >= 0 || p.deliveredAfter != DefaultDeliveredAfter {
		t.Fatalf("receipts = %v / %v, want default delivered and read off", p.deliveredAfter, p.readAfter)
	}
}

func TestPlanActive(t *testing.T) {
	for plan, want := range map[string]bool{"PRO_MONTHLY": true, "BASIC": true, "": false, "  ": false, "FREE_FOREVER": false, "free_forever": false, "NONE": false} {
		if got := planActive(plan); got != want {
			t.Errorf("planActive(%q) = %v, want %v", plan, got, want)
		}
	}
}

func TestRejectWording(t *testing.T) {
	v := newVendor(t)
	tests := []struct {
		name   string
		rej    core.Rejection
		status int
		want   string
	}{
		{"required", core.Rejection{Kind: core.RejectInvalid, Problems: []core.Problem{{Field: "userName", Rule: "required"}}}, 400, `"userName" is required`},
		{"array index", core.Rejection{Kind: core.RejectInvalid, Problems: []core.Problem{{Field: "templateParams.3", Rule: "type", Reason: "must be a string, got a number"}}}, 400, `"templateParams[3]" must be a string, got a number`},
		{"nested index", core.Rejection{Kind: core.RejectInvalid, Problems: []core.Problem{{Field: "buttons.0.parameters.1.text", Rule: "type", Reason: "must be a string, got a number"}}}, 400, `"buttons[0].parameters[1].text" must be a string`},
		{"ordered by the field table", core.Rejection{Kind: core.RejectInvalid, Problems: []core.Problem{
			{Field: "tags", Rule: "type", Reason: "must be an array, got a string"}, {Field: "apiKey", Rule: "required"}}}, 400, `"apiKey" is required; "tags" must be an array`},
		{"too large", core.Rejection{Kind: core.RejectTooLarge, Status: 413, Problems: []core.Problem{{Reason: "request body is larger than 1048576 bytes"}}}, 400, "request entity too large: request body is larger"},
		{"media type", core.Rejection{Kind: core.RejectMediaType, Status: 415, Problems: []core.Problem{{Reason: "unsupported Content-Type; send application/json"}}}, 400, "application/json"},
		{"method", core.Rejection{Kind: core.RejectMethodNotAllowed, Status: 405, Problems: []core.Problem{{Reason: "GET is not allowed"}}}, 405, "GET is not allowed"},
		{"no problems", core.Rejection{Kind: core.RejectInvalid}, 400, "Bad Request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := v.Reject(&core.Request{}, tt.rej)
			body, ok := resp.Body.(messageBody)
			if resp.Status != tt.status || !ok || !strings.Contains(body.Message, tt.want) {
				t.Fatalf("Reject = %d %+v, want %d with a message containing %q", resp.Status, resp.Body, tt.status, tt.want)
			}
		})
	}
}

func TestNumberCacheAnswersLikeNormalizeAndStaysBounded(t *testing.T) {
	var c numberCache
	for i := 0; i < numberCacheSize+10; i++ {
		raw := "+9198" + strings.Repeat("0", 8-len(itoa(i))) + itoa(i)
		want, wantErr := NormalizeNumber(raw)
		for range 2 { // the second answer comes from the cache
			got, err := c.normalize(raw, DefaultRegion)
			if got != want || (err == nil) != (wantErr == nil) {
				t.Fatalf("normalize(%q) = %q, %v; NormalizeNumber says %q, %v", raw, got, err, want, wantErr)
			}
		}
	}
	if _, err := c.normalize("12345", DefaultRegion); err == nil {
		t.Fatal("an invalid number passed")
	}
	if _, err := c.normalize("12345", DefaultRegion); err == nil {
		t.Fatal("an invalid number passed from the cache")
	}
	if len(c.m) > numberCacheSize {
		t.Fatalf("cache holds %d entries, more than %d", len(c.m), numberCacheSize)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestNameListIsBounded(t *testing.T) {
	names := make([]string, 50)
	for i := range names {
		names[i] = itoa(i)
	}
	if got := nameList(names[:3]); got != "0, 1, 2" {
		t.Fatalf("nameList = %q", got)
	}
	if got := nameList(names); !strings.HasSuffix(got, "19 and 30 more") {
		t.Fatalf("nameList of 50 = %q, want the first 20 and a count", got)
	}
}

func TestDecodeFailureNamesTheField(t *testing.T) {
	var body sendRequest
	err := json.Unmarshal([]byte(`{"paramsFallbackValue": "x"}`), &body)
	resp := decodeFailure(err)
	msg := resp.Body.(messageBody).Message
	if resp.Status != 400 || msg != `"paramsFallbackValue" has the wrong type: got a string` {
		t.Fatalf("decodeFailure = %d %q", resp.Status, msg)
	}
	if resp.Problems[0].Field != "paramsFallbackValue" {
		t.Fatalf("problem = %+v, want field paramsFallbackValue", resp.Problems[0])
	}
	if got := decodeFailure(errors.New("boom")).Body.(messageBody).Message; !strings.Contains(got, "boom") {
		t.Fatalf("decodeFailure(other) = %q", got)
	}
}

// Many sends racing for a few credits: each credit is spent once, every other send is 402, and
// the contact count and the store agree with the number of 200s.
func TestConcurrentSendsSpendEachCreditOnce(t *testing.T) {
	v := newVendor(t)
	commit, err := v.Load(json.RawMessage(`{"projects": [{"id": "p", "apiKey": "k", "credits": 5, "activePlan": "PRO",
		"campaigns": [{"name": "c", "status": "Live", "template": {"body": "Hi"}}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	commit()
	const senders = 40
	statuses := make(chan int, senders)
	var wg sync.WaitGroup
	for i := range senders {
		wg.Go(func() {
			body := fmt.Sprintf(`{"apiKey": "k", "campaignName": "c", "destination": "+9198%08d", "userName": "U"}`, i)
			statuses <- v.send(&core.Request{Body: []byte(body)}, false).Status
		})
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[200] != 5 || count[402] != senders-5 {
		t.Fatalf("statuses = %v, want 5 × 200 and %d × 402", count, senders-5)
	}
	p := v.state.Load().byKey["k"]
	if p.credits != 0 || p.spent != 5 || len(p.contacts) != 5 || v.env.Store.Len() != 5 {
		t.Fatalf("credits %d, spent %d, contacts %d, messages %d; want 0, 5, 5, 5", p.credits, p.spent, len(p.contacts), v.env.Store.Len())
	}
}

// The vendor page types location "string" and describes it as "latitude, longitude, name &
// address": that string is read into its parts, beside the object and the object as JSON.
func TestParseLocation(t *testing.T) {
	tests := []struct {
		name, raw                     string
		lat, long, place, address, no string
	}{
		{"the page's string", `"0.3476, 32.5825, Store, Kampala Rd"`, `"0.3476"`, `"32.5825"`, "Store", "Kampala Rd", ""},
		{"an address with commas", `"28.6139,77.2090,Shop,1 Janpath, New Delhi"`, `"28.6139"`, `"77.2090"`, "Shop", "1 Janpath, New Delhi", ""},
		{"coordinates only", `" -33.9, 18.4 "`, `"-33.9"`, `"18.4"`, "", "", ""},
		{"the object", `{"latitude": 1.5, "longitude": "2", "name": "N", "address": "A"}`, `1.5`, `"2"`, "N", "A", ""},
		{"the object as JSON", `"{\"latitude\": 1, \"longitude\": 2}"`, `1`, `2`, "", "", ""},
		{"a name first", `"Janpath, New Delhi"`, "", "", "", "", `latitude "Janpath" is not a number`},
		{"one number", `"28.6"`, "", "", "", "", "latitude, longitude, name, address"},
		{"an array in a string", `"[28.6, 77.2]"`, "", "", "", "", `latitude "[28.6" is not a number`},
		{"a latitude past the pole", `"91, 0, X, Y"`, "", "", "", "", "latitude 91 is out of range (-90 to 90)"},
		{"a longitude past the date line", `"0, -180.5"`, "", "", "", "", "longitude -180.5 is out of range"},
		{"not a number", `"NaN, 0"`, "", "", "", "", "latitude NaN is out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, refusal := parseLocation(json.RawMessage(tt.raw))
			if tt.no != "" {
				if refusal == nil || !strings.Contains(fmt.Sprint(refusal.Body), tt.no) {
					t.Fatalf("refusal = %+v, want one saying %q", refusal, tt.no)
				}
				return
			}
			if refusal != nil {
				t.Fatalf("refused: %+v", refusal.Body)
			}
			if string(l.Latitude) != tt.lat || string(l.Longitude) != tt.long || l.Name != tt.place || l.Address != tt.address {
				t.Errorf("got %s %s %q %q", l.Latitude, l.Longitude, l.Name, l.Address)
			}
		})
	}
}
