package luminous

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/notifysim/notifysim/simulator/core"
)

// unmarshalSend is how send read every body before readPlain: the oracle readPlain is held to.
func unmarshalSend(body []byte, v2 bool) (sendRequest, error) {
	var out sendRequest
	var target any = &out.campaignFields
	if v2 {
		target = &out
	}
	err := json.Unmarshal(body, target)
	return out, err
}

func TestReadPlainIsWhatUnmarshalReads(t *testing.T) {
	tests := []struct {
		body  string
		plain bool
	}{
		{`{"apiKey":"k","campaignName":"c","destination":"+256751351363","userName":"U","templateParams":["a","b"]}`, true},
		{`{"apiKey":null,"source":"crm","tags":["vip",null],"attributes":{"city":"Pune","plan":null},"media":{"url":"https://x.test/a.pdf"}}`, true},
		{`{"defaultCountryCode":"US","templateParams":null,"tags":[],"attributes":{},"media":null,"defaultCountryCode":null}`, true},
		{`{"apiKey":"a","apiKey":"b"}`, true}, // the last one wins in both
		{`{"APIKEY":"k"}`, false},             // json.Unmarshal matches keys in any case
		{`{"apiKey":1}`, false},
		{`{"templateParams":["a",2]}`, false},
		{`{"media":{"url":"u","URL":"v"}}`, false},
		{`{"media":"u"}`, false},
		{`{"location":{"latitude":1,"longitude":2}}`, false},
		{`{"buttons":[]}`, false},
		{`{"carouselCards":[{}]}`, false},
		{`{"paramsFallbackValue":{"a":"b"}}`, false},
		{`{"unknown":1}`, false},
		{`[]`, false},
	}
	for _, tt := range tests {
		decoded, err := core.DecodeJSON([]byte(tt.body))
		if err != nil {
			t.Fatalf("%s: %v", tt.body, err)
		}
		var got sendRequest
		if plain := readPlain(decoded, &got); plain != tt.plain {
			t.Errorf("readPlain(%s) = %v, want %v", tt.body, plain, tt.plain)
			continue
		} else if !plain {
			continue
		}
		for _, v2 := range []bool{false, true} {
			want, err := unmarshalSend([]byte(tt.body), v2)
			if err != nil {
				t.Fatalf("%s: json.Unmarshal: %v", tt.body, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("readPlain(%s)\n got %#v\nwant %#v", tt.body, got, want)
			}
		}
	}
}

// FuzzReadPlain: whenever readPlain takes a body, it reads what json.Unmarshal reads.
func FuzzReadPlain(f *testing.F) {
	f.Add(`{"apiKey":"k","templateParams":["a","\u00e9"],"attributes":{"a":null},"media":{"filename":"x"}}`)
	f.Add(`{"tags":null,"defaultCountryCode":"IN"}`)
	f.Fuzz(func(t *testing.T, body string) {
		decoded, err := core.DecodeJSON([]byte(body))
		if err != nil || !json.Valid([]byte(body)) {
			return
		}
		var got sendRequest
		if !readPlain(decoded, &got) {
			return
		}
		want, err := unmarshalSend([]byte(body), true)
		if err != nil {
			t.Fatalf("readPlain took %s, which json.Unmarshal refuses: %v", body, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("readPlain(%s)\n got %#v\nwant %#v", body, got, want)
		}
	})
}

// renderByRegexp is how render filled a template before bodies were split at load: the oracle.
func renderByRegexp(body string, params []string) string {
	if len(params) == 0 {
		return body
	}
	return placeholder.ReplaceAllStringFunc(body, func(m string) string {
		n, _ := strconv.Atoi(strings.TrimSpace(m[2 : len(m)-2]))
		return params[n-1]
	})
}

func TestRenderFillsLikeTheRegexp(t *testing.T) {
	params := []string{"Ann", "ORD-{{2}}", ""}
	for _, body := range []string{
		"Hi {{1}}, your order {{2}} has shipped",
		"{{1}}{{2}}{{3}}", "{{ 2 }} and {{2}} again, then {{1}}", "no params at all", "{{1}}", "{{1}} {{x}} {{}} }}{{",
		"héllo {{1}} ✓ {{3}}. {{2}}",
	} {
		n, err := countParams(body)
		if err != nil || n > len(params) {
			t.Fatalf("%q: %d params, %v", body, n, err)
		}
		tpl := template{TemplateFixture: TemplateFixture{Body: body}, params: n, parts: splitBody(body)}
		if got, want := render(tpl, params[:n]), renderByRegexp(body, params[:n]); got != want {
			t.Errorf("render(%q) = %q, want %q", body, got, want)
		}
	}
}
