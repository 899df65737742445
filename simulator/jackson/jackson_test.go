package jackson

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

const testSpec = `
type: object
properties:
  n: { type: integer, nullable: true, format: int32 }
  f: { type: number }
  b: { type: boolean, nullable: true }
  strict: { type: boolean }
  s: { type: string, nullable: true }
  e: { type: string, enum: [RED, GREEN, BLUE] }
  list: { type: array, items: { type: boolean } }
  m: { type: object, additionalProperties: { type: string } }
  nested: { allOf: [ { type: object, properties: { n: { type: integer } } } ] }
`

func schema(t testing.TB) *openapi3.Schema {
	t.Helper()
	var s openapi3.Schema
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData([]byte("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    T:\n" + indent(testSpec)))
	if err != nil {
		t.Fatal(err)
	}
	s = *doc.Components.Schemas["T"].Value
	return &s
}

func indent(s string) string {
	lines := strings.Split(strings.TrimPrefix(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "      " + l
		}
	}
	return strings.Join(lines, "\n")
}

func TestCoerce(t *testing.T) {
	sch := schema(t)
	tests := []struct {
		name, in, want string
		changes        int
	}{
		{"string to integer", `{"n": "5"}`, `{"n":5}`, 1},
		{"string with spaces to integer", `{"n": " -12 "}`, `{"n":-12}`, 1},
		{"fraction truncated toward zero", `{"n": -1.9}`, `{"n":-1}`, 1},
		{"exponent to integer", `{"n": 1e2}`, `{"n":100}`, 1},
		{"whole integer untouched", `{"n": 7}`, `{"n": 7}`, 0},
		{"empty string to null for a nullable integer", `{"n": ""}`, `{"n":null}`, 1},
		{"fraction string stays for the validation to refuse", `{"n": "1.5"}`, `{"n": "1.5"}`, 0},
		{"word stays", `{"n": "soon"}`, `{"n": "soon"}`, 0},
		{"string to number", `{"f": "2.5"}`, `{"f":2.5}`, 1},
		{"NaN stays a string", `{"f": "NaN"}`, `{"f": "NaN"}`, 0},
		{"true string", `{"b": "true"}`, `{"b":true}`, 1},
		{"False string", `{"b": "False"}`, `{"b":false}`, 1},
		{"empty string to null for a nullable boolean", `{"b": ""}`, `{"b":null}`, 1},
		{"empty string stays for a non-nullable boolean", `{"strict": ""}`, `{"strict": ""}`, 0},
		{"yes stays", `{"b": "yes"}`, `{"b": "yes"}`, 0},
		{"0 and 1 to booleans", `{"b": 0, "strict": 1}`, `{"b":false,"strict":true}`, 2},
		{"number to string", `{"s": 42}`, `{"s":"42"}`, 1},
		{"boolean to string", `{"s": true}`, `{"s":"true"}`, 1},
		{"object stays", `{"s": {"a": 1}}`, `{"s": {"a": 1}}`, 0},
		{"enum by ordinal", `{"e": 2}`, `{"e":"BLUE"}`, 1},
		{"enum ordinal out of range stays", `{"e": 3}`, `{"e": 3}`, 0},
		{"enum from boolean stays", `{"e": true}`, `{"e": true}`, 0},
		{"array items", `{"list": ["true", false, "false"]}`, `{"list":[true,false,false]}`, 2},
		{"map values", `{"m": {"a": 1, "b": "x"}}`, `{"m":{"a":"1","b":"x"}}`, 1},
		{"allOf", `{"nested": {"n": "3"}}`, `{"nested":{"n":3}}`, 1},
		{"unknown property untouched", `{"other": "5"}`, `{"other": "5"}`, 0},
		{"null untouched", `{"n": null}`, `{"n": null}`, 0},
		{"not JSON", `{"n": `, `{"n": `, 0},
		{"not an object", `["5"]`, `["5"]`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, changes := Coerce(sch, []byte(tt.in))
			if string(got) != tt.want || len(changes) != tt.changes {
				t.Fatalf("Coerce(%s) = %s with %v; want %s with %d changes", tt.in, got, changes, tt.want, tt.changes)
			}
		})
	}
}

func TestChangeNamesTheField(t *testing.T) {
	_, changes := Coerce(schema(t), []byte(`{"nested": {"n": "3"}, "b": "true"}`))
	var got []string
	for _, c := range changes {
		got = append(got, c.String())
	}
	want := []string{`b: "true" read as true, as Jackson does`, `nested.n: "3" read as 3, as Jackson does`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("changes = %q, want %q", got, want)
	}
}

func FuzzCoerce(f *testing.F) {
	for _, s := range []string{`{"n": "5", "b": "True", "s": 1, "e": 0, "list": ["true"], "m": {"a": 2}}`, `{"n": 1e400}`, `{"n": -0.0}`, `[`, `null`, `{"nested": {"n": "x"}}`} {
		f.Add([]byte(s))
	}
	sch := schema(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		out, changes := Coerce(sch, body)
		if len(changes) == 0 && string(out) != string(body) {
			t.Fatalf("body changed without a change: %q -> %q", body, out)
		}
		if len(changes) > 0 && !json.Valid(out) {
			t.Fatalf("coerced body is not JSON: %q -> %q", body, out)
		}
		// Coercing twice changes nothing more.
		if again, more := Coerce(sch, out); len(more) != 0 {
			t.Fatalf("second pass changed %v: %q -> %q", more, out, again)
		}
	})
}

func ExampleCoerce() {
	doc, _ := openapi3.NewLoader().LoadFromData([]byte(`
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Lite:
      type: object
      properties:
        delay: { type: integer }
        sendSynchronously: { type: boolean }
`))
	body, changes := Coerce(doc.Components.Schemas["Lite"].Value, []byte(`{"delay": "5", "sendSynchronously": "true"}`))
	fmt.Println(string(body))
	for _, c := range changes {
		fmt.Println(c)
	}
	// Output:
	// {"delay":5,"sendSynchronously":true}
	// delay: "5" read as 5, as Jackson does
	// sendSynchronously: "true" read as true, as Jackson does
}
