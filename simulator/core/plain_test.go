package core

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestPlainReadersAreWhatUnmarshalReads: where a plain reader says yes, it read what json.Unmarshal
// reads into that Go type; where json.Unmarshal refuses, it says no.
func TestPlainReadersAreWhatUnmarshalReads(t *testing.T) {
	for _, doc := range []string{
		`"a"`, `null`, `1`, `true`, `[]`, `["a","b"]`, `["a",null]`, `["a",1]`, `{}`,
		`{"k":"v","n":null}`, `{"k":1}`, `[["a"]]`, `{"k":["v"]}`,
	} {
		v, err := DecodeJSON([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		check := func(what string, got any, ok bool, want any) {
			t.Helper()
			werr := json.Unmarshal([]byte(doc), want)
			w := reflect.ValueOf(want).Elem().Interface()
			switch {
			case ok && werr != nil:
				t.Errorf("%s(%s) read %#v, json.Unmarshal refuses: %v", what, doc, got, werr)
			case ok && !reflect.DeepEqual(got, w):
				t.Errorf("%s(%s) = %#v, json.Unmarshal reads %#v", what, doc, got, w)
			case !ok && werr == nil && !reflect.DeepEqual(w, reflect.Zero(reflect.TypeOf(w)).Interface()):
				// A refusal is always safe (the vendor takes json.Unmarshal's path); only note
				// a refusal of something Unmarshal reads as a value, to keep the readers useful.
				t.Logf("%s(%s) refuses what json.Unmarshal reads as %#v", what, doc, w)
			}
		}
		var s string
		ok := PlainString(v, &s)
		check("PlainString", s, ok, new(string))
		list, ok := PlainStrings(v)
		check("PlainStrings", list, ok, new([]string))
		m, ok := PlainStringMap(v)
		check("PlainStringMap", m, ok, new(map[string]string))
	}
}
