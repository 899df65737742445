package flow

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"reflect"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/notifysim/notifysim/openapi"
)

// TestCheckAgreesWithKinOpenAPI runs every operation of every served spec that takes a JSON body
// through the validate stage's own reading and through kin-openapi's whole ValidateRequest, with
// bodies built from each schema (its examples, an empty object, each property missing, of a
// wrong type, and unknown ones), and requires the same problems from both.
func TestCheckAgreesWithKinOpenAPI(t *testing.T) {
	p := &Pipeline{}
	p.validation = openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, SkipSettingDefaults: true, KeepValidatedValue: true}
	p.parameters = p.validation
	p.parameters.ExcludeRequestBody = true
	checked := 0
	for _, name := range openapi.Names() {
		data, err := openapi.JSON(name)
		if err != nil {
			t.Fatal(err)
		}
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range doc.Paths.InMatchingOrder() {
			item := doc.Paths.Value(path)
			for method, op := range item.Operations() {
				if op.RequestBody == nil || op.RequestBody.Value == nil {
					continue
				}
				mt := op.RequestBody.Value.Content.Get("application/json")
				if mt == nil || mt.Schema == nil {
					continue
				}
				route := withoutSecurity(&routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op})
				for _, body := range bodiesFor(mt) {
					fast := p.problems(t, route, body, true)
					slow := p.problems(t, route, body, false)
					if !reflect.DeepEqual(fast, slow) {
						t.Errorf("%s %s %s with %s:\nown reading %v\nkin-openapi %v", name, method, path, body, fast, slow)
					}
					checked++
				}
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d bodies checked", checked)
	}
}

// problems validates body for route, by the stage's check (fast) or kin-openapi alone, and lists
// the problems a user would read.
func (p *Pipeline) problems(t *testing.T, route *routers.Route, body []byte, fast bool) []string {
	t.Helper()
	r := httptest.NewRequest(route.Method, route.Path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	in := &openapi3filter.RequestValidationInput{Request: r, Route: route, Options: &p.validation}
	x := &exchange{r: r, route: route, in: in, bodyOptions: bodyOptions(route), keys: propertyNames(jsonSchema(route.Operation))}
	var err error
	if fast {
		_, err = p.check(x, body)
	} else {
		err = openapi3filter.ValidateRequest(context.Background(), in)
	}
	if err == nil {
		return nil
	}
	probs, media := problemsFrom(err)
	out := []string{fmt.Sprint("media ", media)}
	for _, pr := range probs {
		out = append(out, pr.String())
	}
	sort.Strings(out)
	return out
}

func bodiesFor(mt *openapi3.MediaType) [][]byte {
	var out [][]byte
	add := func(v any) {
		if b, err := json.Marshal(v); err == nil {
			out = append(out, b)
		}
	}
	if mt.Example != nil {
		add(mt.Example)
	}
	for _, ex := range mt.Examples {
		if ex.Value != nil {
			add(ex.Value.Value)
		}
	}
	add(map[string]any{})
	add([]any{1})
	add("text")
	base := map[string]any{}
	if len(out) > 0 {
		_ = json.Unmarshal(out[0], &base)
	}
	s := mt.Schema.Value
	for name := range s.Properties {
		for _, v := range []any{nil, 12, "x", true, []any{}, map[string]any{}, []any{"a", 1}} {
			b := map[string]any{}
			for k, x := range base {
				b[k] = x
			}
			b[name] = v
			add(b)
		}
		b := map[string]any{}
		for k, x := range base {
			if k != name {
				b[k] = x
			}
		}
		add(b)
	}
	b := map[string]any{"unknownProperty": 1}
	for k, x := range base {
		b[k] = x
	}
	add(b)
	return out
}

// TestReadOnlyBodiesAreCheckedAsRequests: a body whose schema marks a property readOnly, at any
// depth, is still checked as a request (sending the property is refused); bodyOptions leaves
// that out only where no schema marks one, where it changes no answer.
func TestReadOnlyBodiesAreCheckedAsRequests(t *testing.T) {
	readOnly := &openapi3.Schema{Type: &openapi3.Types{"string"}, ReadOnly: true}
	object := func(props openapi3.Schemas) *openapi3.Schema {
		return &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: props}
	}
	plain := object(openapi3.Schemas{"name": {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}}}})
	loop := object(openapi3.Schemas{})
	loop.Properties["self"] = &openapi3.SchemaRef{Value: loop}
	for _, tc := range []struct {
		name    string
		schema  *openapi3.Schema
		marks   bool
		refused bool // {"id": "x"}, whose id is readOnly in the schema at the top
	}{
		{"none", plain, false, false},
		{"a schema that holds itself", loop, false, false},
		{"a property", object(openapi3.Schemas{"id": {Value: readOnly}}), true, true},
		{"in an array's items", object(openapi3.Schemas{"list": {Value: &openapi3.Schema{Type: &openapi3.Types{"array"},
			Items: &openapi3.SchemaRef{Value: object(openapi3.Schemas{"id": {Value: readOnly}})}}}}), true, false},
		{"in allOf", &openapi3.Schema{AllOf: openapi3.SchemaRefs{{Value: plain}, {Value: object(openapi3.Schemas{"id": {Value: readOnly}})}}}, true, true},
		{"writeOnly", object(openapi3.Schemas{"secret": {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, WriteOnly: true}}}), true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := marksReadOrWriteOnly(tc.schema, map[*openapi3.Schema]bool{}); got != tc.marks {
				t.Fatalf("marksReadOrWriteOnly = %v, want %v", got, tc.marks)
			}
			op := &openapi3.Operation{RequestBody: &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().
				WithJSONSchema(tc.schema)}}
			opts := bodyOptions(&routers.Route{Spec: &openapi3.T{OpenAPI: "3.0.3"}, Operation: op})
			err := tc.schema.VisitJSON(map[string]any{"id": "x"}, opts...)
			if refused := err != nil; refused != tc.refused {
				t.Errorf("a body with the readOnly id: %v", err)
			}
		})
	}
}
