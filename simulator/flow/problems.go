package flow

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/notifysim/notifysim/simulator/core"
)

// problemsFrom turns kin-openapi's validation errors into Problems a user can act on: where, which
// field (as a dotted path), which rule, and why. It also says whether the request failed on its
// Content-Type rather than its content.
func problemsFrom(err error) (problems []core.Problem, mediaType bool) {
	var visit func(err error, in, field string)
	visit = func(err error, in, field string) {
		// A MultiError at this level first; one inside a RequestError only after the RequestError
		// has said where the problems are ("body", a parameter), which errors.As would skip.
		if multi, ok := err.(openapi3.MultiError); ok {
			for _, e := range multi {
				visit(e, in, field)
			}
			return
		}
		var reqErr *openapi3filter.RequestError
		if errors.As(err, &reqErr) {
			switch {
			case reqErr.Parameter != nil:
				in, field = reqErr.Parameter.In, reqErr.Parameter.Name
			case reqErr.RequestBody != nil:
				in = "body"
			}
			if strings.HasPrefix(reqErr.Reason, "header Content-Type has unexpected value") {
				mediaType = true
				problems = append(problems, core.Problem{In: "header", Field: "Content-Type", Rule: "contentType",
					Reason: "unsupported Content-Type " + quoteOrNone(reqErr.Input.Request.Header.Get("Content-Type")) + "; send " + accepted(reqErr.RequestBody)})
				return
			}
			if reqErr.Err == nil {
				problems = append(problems, core.Problem{In: in, Field: field, Reason: reqErr.Reason})
				return
			}
			if errors.Is(reqErr.Err, openapi3filter.ErrInvalidRequired) {
				what := "request body"
				if field != "" {
					what = field
				}
				problems = append(problems, core.Problem{In: in, Field: field, Rule: "required", Reason: what + " is required"})
				return
			}
			visit(reqErr.Err, in, field)
			return
		}
		// Deeper MultiErrors (the branches of an allOf inside a SchemaError) name the real cause.
		var multi openapi3.MultiError
		if errors.As(err, &multi) {
			for _, e := range multi {
				visit(e, in, field)
			}
			return
		}
		var schemaErr *openapi3.SchemaError
		if errors.As(err, &schemaErr) {
			path := strings.Join(schemaErr.JSONPointer(), ".")
			if field != "" && in != "body" {
				path = joinField(field, path)
			}
			problems = append(problems, schemaProblem(in, path, schemaErr))
			return
		}
		var parseErr *openapi3filter.ParseError
		if errors.As(err, &parseErr) {
			if in != "" && in != "body" {
				// A parameter that does not parse as its schema's type: name the type, not a body.
				reason := "is not valid: " + parseErr.Error()
				if typ, ok := strings.CutPrefix(parseErr.Reason, "an invalid "); ok && parseErr.Value != nil {
					reason = "must be " + article(typ) + ", got " + fmt.Sprintf("%q", fmt.Sprint(parseErr.Value))
				}
				problems = append(problems, core.Problem{In: in, Field: field, Rule: "type", Reason: reason})
				return
			}
			problems = append(problems, core.Problem{In: in, Field: field, Rule: "json", Reason: "body could not be parsed: " + parseErr.Error()})
			return
		}
		problems = append(problems, core.Problem{In: in, Field: field, Reason: err.Error()})
	}
	visit(err, "", "")
	return problems, mediaType
}

func schemaProblem(in, path string, e *openapi3.SchemaError) core.Problem {
	p := core.Problem{In: in, Field: path, Rule: e.SchemaField, Reason: e.Reason}
	switch e.SchemaField {
	case "required":
		// kin-openapi reports a missing property at its parent; name the property itself.
		if name, ok := strings.CutPrefix(e.Reason, "property \""); ok {
			name, _, _ = strings.Cut(name, "\"")
			if !strings.HasSuffix("."+path, "."+name) {
				path = joinField(path, name)
			}
			p.Field = path
			p.Reason = "is required"
		}
	case "type":
		if e.Schema != nil && e.Schema.Type != nil {
			p.Reason = "must be " + article(strings.Join(e.Schema.Type.Slice(), " or ")) + ", got " + jsonKind(e.Value)
		}
	case "enum":
		if e.Schema != nil {
			var vals []string
			for _, v := range e.Schema.Enum {
				vals = append(vals, fmt.Sprint(v))
			}
			got := fmt.Sprintf("%q", fmt.Sprint(e.Value))
			if e.Value == nil {
				got = "null" // not Go's "<nil>"
			}
			p.Reason = "must be one of " + strings.Join(vals, ", ") + ", got " + got
		}
	case "nullable":
		// One wording for a JSON null where a value is required, shared by every vendor: the
		// whole body reads like a wrong type, a field says it must not be null.
		if path == "" {
			p.Reason = "must be an object, got null"
		} else {
			p.Reason = "must not be null"
		}
	case "oneOf", "anyOf":
		if e.Schema != nil && e.Schema.Description != "" {
			p.Reason = "must be " + e.Schema.Description
		}
	case "additionalProperties":
		if name, ok := strings.CutPrefix(e.Reason, "property \""); ok {
			name, _, _ = strings.Cut(name, "\"")
			p.Field = joinField(path, name)
			p.Reason = "is not a known field"
		}
	}
	return p
}

func joinField(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "." + b
}

func article(t string) string {
	switch {
	case t == "":
		return "a value"
	case strings.ContainsAny(t[:1], "aeiou"):
		return "an " + t
	}
	return "a " + t
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64, int, int64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func quoteOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return fmt.Sprintf("%q", s)
}

// accepted lists the media types an operation's body may have, from its spec.
func accepted(body *openapi3.RequestBody) string {
	if body == nil || len(body.Content) == 0 {
		return "application/json"
	}
	types := make([]string, 0, len(body.Content))
	for t := range body.Content {
		types = append(types, t)
	}
	sort.Strings(types)
	if i := slices.Index(types, "application/json"); i > 0 {
		// JSON first: it is what most callers mean to send.
		types = append([]string{"application/json"}, slices.Delete(types, i, i+1)...)
	}
	if len(types) == 1 {
		return types[0]
	}
	return "one of " + strings.Join(types, ", ")
}
