package kore

import (
	"encoding/json"
	"reflect"
	"sort"
	"testing"

	"github.com/notifysim/notifysim/simulator/core"
)

// checkPlainNotify fails when plainNotify takes a body and reads it otherwise than decodeNotify
// (the one-pass reader every body went through before) does.
func checkPlainNotify(t *testing.T, body string) (taken bool) {
	t.Helper()
	decoded, err := core.DecodeJSON([]byte(body))
	if err != nil || !json.Valid([]byte(body)) {
		return false
	}
	var got notifyRequest
	unknown, ok := plainNotify(decoded, &got)
	if !ok {
		return false
	}
	sort.Strings(unknown)
	want, wantUnknown, err := decodeNotify([]byte(body))
	if err != nil {
		t.Fatalf("plainNotify took %s, which decodeNotify refuses: %v", body, err)
	}
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(unknown, wantUnknown) {
		t.Fatalf("plainNotify(%s) = %#v, %q; decodeNotify reads %#v, %q", body, got, unknown, want, wantUnknown)
	}
	return true
}

func TestPlainNotifyIsWhatDecodeNotifyReads(t *testing.T) {
	for _, tt := range []struct {
		body  string
		taken bool
	}{
		{`{"channel":"msteams","userIdentityType":"resolve","identities":["alice@example.com"],"message":{"type":"text","val":"hi"}}`, true},
		{`{"channel":null,"identities":null,"message":null,"extra":1,"more":{"a":[]}}`, true},
		{`{"identities":["a",null],"message":{"type":"script","val":"print(1)","other":true}}`, true},
		{`{"Channel":"slack"}`, false},
		{`{"message":{"VAL":"x"}}`, false},
		{`{"message":"x"}`, false},
		{`{"identities":"a"}`, false},
		{`{"channel":1}`, false},
		{`[]`, false},
	} {
		if taken := checkPlainNotify(t, tt.body); taken != tt.taken {
			t.Errorf("plainNotify(%s) took it: %v, want %v", tt.body, taken, tt.taken)
		}
	}
}

// FuzzPlainNotify: whenever plainNotify takes a body, it reads what decodeNotify reads.
func FuzzPlainNotify(f *testing.F) {
	f.Add(`{"channel":"slack","identities":["a"],"message":{"type":"text","val":"\u00e9"},"x":null}`)
	f.Add(`{"userIdentityType":null,"message":{"type":null}}`)
	f.Fuzz(func(t *testing.T, body string) { checkPlainNotify(t, body) })
}
