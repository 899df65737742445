// Package jackson applies the scalar coercions that Jackson (the JSON reader of Spring services)
// makes by default, guided by an OpenAPI schema: a vendor running on Spring accepts "5" where its
// model has a number and "true" where it has a boolean, so a sandbox of that vendor must not
// refuse them. The coerced body is then validated against the same schema as any other.
//
// The rules are Jackson 2.9's defaults (Spring Boot 2.0): ALLOW_COERCION_OF_SCALARS and
// ACCEPT_FLOAT_AS_INT on, FAIL_ON_NUMBERS_FOR_ENUMS off, ACCEPT_SINGLE_VALUE_AS_ARRAY off.
package jackson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Change is one value Jackson would read as another type.
type Change struct {
	Field string // dotted path, "messageSendingAttributesLite.delay"
	From  string // the JSON as sent
	To    string // the JSON as read
}

func (c Change) String() string {
	return fmt.Sprintf("%s: %s read as %s, as Jackson does", c.Field, c.From, c.To)
}

// Coerce returns body with every scalar Jackson would convert converted, and what changed. A
// body that is not JSON, or has nothing to convert, is returned as it is with no changes: the
// validation that follows says what is wrong with it.
func Coerce(schema *openapi3.Schema, body []byte) ([]byte, []Change) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || schema == nil {
		return body, nil
	}
	var changes []Change
	v = walk(schema, v, "", &changes, 0)
	if len(changes) == 0 {
		return body, nil
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Field < changes[j].Field })
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return body, nil
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), changes
}

// maxDepth stops the walk on absurdly nested bodies; past it, values are left as sent.
const maxDepth = 64

func walk(s *openapi3.Schema, v any, path string, changes *[]Change, depth int) any {
	if s == nil || v == nil || depth > maxDepth {
		return v
	}
	if len(s.AllOf) == 1 && s.AllOf[0].Value != nil {
		return walk(s.AllOf[0].Value, v, path, changes, depth+1)
	}
	switch x := v.(type) {
	case map[string]any:
		if !s.Type.Is(openapi3.TypeObject) {
			return v
		}
		for k, item := range x {
			child := join(path, k)
			if p := s.Properties[k]; p != nil {
				x[k] = walk(p.Value, item, child, changes, depth+1)
			} else if ap := s.AdditionalProperties.Schema; ap != nil {
				x[k] = walk(ap.Value, item, child, changes, depth+1)
			}
		}
		return x
	case []any:
		if !s.Type.Is(openapi3.TypeArray) || s.Items == nil {
			return v
		}
		for i, item := range x {
			x[i] = walk(s.Items.Value, item, join(path, strconv.Itoa(i)), changes, depth+1)
		}
		return x
	}
	out, ok := scalar(s, v)
	if !ok {
		return v
	}
	*changes = append(*changes, Change{Field: path, From: literal(v), To: literal(out)})
	return out
}

// scalar converts one scalar for a schema of another type, or says it would not.
func scalar(s *openapi3.Schema, v any) (any, bool) {
	switch {
	case s.Type.Is(openapi3.TypeString):
		switch x := v.(type) {
		case json.Number:
			// An enum read from a whole number picks the constant of that ordinal.
			if len(s.Enum) > 0 {
				i, err := strconv.Atoi(x.String())
				if err != nil || i < 0 || i >= len(s.Enum) {
					return nil, false
				}
				return s.Enum[i], true
			}
			return x.String(), true
		case bool:
			if len(s.Enum) > 0 {
				return nil, false
			}
			return strconv.FormatBool(x), true
		}
	case s.Type.Is(openapi3.TypeBoolean):
		switch x := v.(type) {
		case string:
			switch strings.TrimSpace(x) {
			case "true", "True":
				return true, true
			case "false", "False":
				return false, true
			case "":
				if s.Nullable {
					return nil, true
				}
			}
		case json.Number:
			if n, err := strconv.ParseInt(x.String(), 10, 64); err == nil {
				return n != 0, true
			}
		}
	case s.Type.Is(openapi3.TypeInteger):
		switch x := v.(type) {
		case string:
			t := strings.TrimSpace(x)
			if t == "" && s.Nullable {
				return nil, true
			}
			if n, err := strconv.ParseInt(t, 10, 64); err == nil {
				return json.Number(strconv.FormatInt(n, 10)), true
			}
		case json.Number:
			// A fraction or exponent is truncated toward zero; whole numbers stay as sent, and
			// range checks are left to the validation.
			if strings.ContainsAny(x.String(), ".eE") {
				f, err := x.Float64()
				if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
					return nil, false
				}
				t := new(big.Float).SetFloat64(math.Trunc(f))
				n, _ := t.Int(nil)
				if n.String() == x.String() {
					return nil, false
				}
				return json.Number(n.String()), true
			}
		}
	case s.Type.Is(openapi3.TypeNumber):
		if x, ok := v.(string); ok {
			t := strings.TrimSpace(x)
			if t == "" && s.Nullable {
				return nil, true
			}
			if _, err := strconv.ParseFloat(t, 64); err == nil && t != "" && !strings.ContainsAny(t, "xXnNiI_") {
				return json.Number(t), true
			}
		}
	}
	return nil, false
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func literal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
