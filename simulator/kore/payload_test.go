package kore

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"testing"
)

func TestJSONPayloadAndItsMessage(t *testing.T) {
	tests := []struct {
		val        string
		isPayload  bool
		kind, text string
	}{
		{`print('hi')`, false, "", ""},
		{`{ print('hi') }`, false, "", ""},
		{`  {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "Hi"}]}`, true, "card", "Hi"},
		{`{"type": "AdaptiveCard"}`, true, "card", "(Adaptive Card)"},
		{`{"text": "plain"}`, true, "script", "plain"},
		{`{"blocks": []}`, true, "script", `{"blocks":[]}`},
		{`{}`, true, "script", `{}`},
		{`["not", "an", "object"]`, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.val, func(t *testing.T) {
			p, ok := jsonPayload(tt.val)
			if ok != tt.isPayload {
				t.Fatalf("jsonPayload(%s) ok = %v, want %v", tt.val, ok, tt.isPayload)
			}
			if !ok {
				return
			}
			kind, text, data := payloadMessage(p)
			if kind != tt.kind || text != tt.text || data["message"] == nil {
				t.Fatalf("payloadMessage = %q %q %v, want %q %q", kind, text, data, tt.kind, tt.text)
			}
		})
	}
}

// decodeNotifyReference is how the notify body was read before decodeNotify: json.Unmarshal,
// then a second pass for the fields the API ignores.
func decodeNotifyReference(data []byte) (notifyRequest, []string, error) {
	var body notifyRequest
	if err := json.Unmarshal(data, &body); err != nil {
		return notifyRequest{}, nil, err
	}
	var fields map[string]json.RawMessage
	var unknown []string
	if json.Unmarshal(data, &fields) == nil {
		for k := range fields {
			if !knownFields[k] {
				unknown = append(unknown, k)
			}
		}
	}
	sort.Strings(unknown)
	return body, unknown, nil
}

func checkDecodeNotify(t *testing.T, data []byte) {
	t.Helper()
	body, unknown, err := decodeNotify(data)
	wbody, wunknown, werr := decodeNotifyReference(data)
	if fmt.Sprint(err) != fmt.Sprint(werr) {
		t.Fatalf("%s: error %v, want %v", data, err, werr)
	}
	if err != nil {
		return
	}
	if !reflect.DeepEqual(body, wbody) || !reflect.DeepEqual(unknown, wunknown) {
		t.Fatalf("%s:\n got %#v %q\nwant %#v %q", data, body, unknown, wbody, wunknown)
	}
}

var notifyBodies = []string{
	`{"channel":"msteams","userIdentityType":"resolve","message":{"type":"text","val":"hi"},"identities":["a@x.com","b@x.com"]}`,
	`{"Channel":"slack","CHANNEL":"msteams","message":{"type":"text"},"message":{"val":"merged"},"identities":["a"],"identities":[]}`,
	`{"extra":1,"zeta":{"a":[1,2]},"extra":2,"identities":null,"channel":null}`,
	`{"ſhannel":"x","chaNNel":"y"}`,
	`{"channel":1}`, `{"identities":[1]}`, `{"message":"text"}`, `[]`, `null`, `{}`, `{"channel":"a"} {}`, `{"channel":"a"`,
	`{"channel":"a",}`, ` {"channel" : "a" } `, `"str"`, `{"identities":["a"],"identities":["b","c"]}`,
}

func TestDecodeNotify(t *testing.T) {
	for _, b := range notifyBodies {
		checkDecodeNotify(t, []byte(b))
	}
}

func FuzzDecodeNotify(f *testing.F) {
	for _, b := range notifyBodies {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkDecodeNotify(t, data) })
}
