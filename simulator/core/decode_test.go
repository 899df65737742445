package core

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// stdDecode is what kin-openapi's own reading gives.
func stdDecode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

func TestDecodeJSONMatchesEncodingJSON(t *testing.T) {
	for _, in := range []string{
		`{}`, `[]`, `null`, `true`, `-0.5e+10`, `"x"`,
		`{"recipients": {"contacts": ["ruth", "0"], "roles": [-3, "-4"]}, "message": "hi", "n": 1e3}`,
		`{"a": 1, "a": 2}`, ` [1, [2, [3, {"b": null}]]] `,
		`"esc \" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00 \ud800 \udc00x \ud800\u0041"`,
		"\"raw \xff\xfe é \xe2\x82\"", "\"\xc3\\u00a9\"",
	} {
		want, err := stdDecode([]byte(in))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		got, err := DecodeJSON([]byte(in))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("DecodeJSON(%s) = %#v, %v; want %#v", in, got, err, want)
		}
	}
	for _, bad := range []string{``, `{`, `{"a" 1}`, `[1,]`, `01`, `1.`, `"\x01"`, `{} {}`, `tru`, `"\u12"`} {
		if _, err := DecodeJSON([]byte(bad)); err == nil {
			t.Errorf("DecodeJSON(%q) accepted it", bad)
		}
	}
	deep := strings.Repeat("[", maxDepth+2) + strings.Repeat("]", maxDepth+2)
	if _, err := DecodeJSON([]byte(deep)); err == nil {
		t.Error("nesting past encoding/json's limit was accepted")
	}
}

// FuzzDecodeJSON holds the decoder to encoding/json: on every document json.Valid accepts it
// gives the same value (or refuses, and the caller falls back to kin-openapi's reading).
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,"b",null,true]}`, `"\ud83d\ude00\ud800"`, "\"\xff\"", `-1.5E-7`, `{"k":{"k":{}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		want, err := stdDecode(data)
		if err != nil {
			return
		}
		got, err := DecodeJSON(data)
		if err != nil {
			if len(data) < 1000 {
				t.Fatalf("DecodeJSON(%q) refused valid JSON: %v", data, err)
			}
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("DecodeJSON(%q) = %#v, want %#v", data, got, want)
		}
		// With the keys known (every string of the document, and one that is not in it), the
		// value is the same.
		keys := map[string]string{"k": "k", "zzz": "zzz"}
		collectStrings(want, keys)
		if got, err := DecodeJSONKeys(data, keys); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("DecodeJSONKeys(%q) = %#v, %v; want %#v", data, got, err, want)
		}
	})
}

// collectStrings maps every string and key of v to itself.
func collectStrings(v any, into map[string]string) {
	switch x := v.(type) {
	case string:
		into[x] = x
	case []any:
		for _, e := range x {
			collectStrings(e, into)
		}
	case map[string]any:
		for k, e := range x {
			into[k] = k
			collectStrings(e, into)
		}
	}
}

func TestDecodeJSONKeysSharesTheKeys(t *testing.T) {
	keys := map[string]string{"message": "message", "recipients": "recipients"}
	doc := []byte(`{"message": "hi", "recipients": {"message": 1, "contacts": [], "mess\u0061ge": 2}, "\u00e9": 3}`)
	got, err := DecodeJSONKeys(doc, keys)
	want, _ := stdDecode(doc)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("DecodeJSONKeys = %#v, %v; want %#v", got, err, want)
	}
	small := []byte(`{"message":null,"recipients":null}`)
	known := testing.AllocsPerRun(100, func() { _, _ = DecodeJSONKeys(small, keys) })
	unknown := testing.AllocsPerRun(100, func() { _, _ = DecodeJSON(small) })
	if known != unknown-2 {
		t.Errorf("an object of two known keys took %.0f allocations, of unknown ones %.0f: want two fewer", known, unknown)
	}
}
