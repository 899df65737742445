package flow

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/notifysim/notifysim/simulator/core"
)

// jsonProblem says why a body is not usable JSON: where the syntax breaks, or which value is a
// number too large to hold (valid JSON syntax, but no JSON parser can use 1e999).
func jsonProblem(body []byte, err error) core.Problem {
	p := core.Problem{In: "body", Rule: "json"}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		p.Reason = fmt.Sprintf("body is not valid JSON: %s (at byte %d)", syn.Error(), syn.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		p.Reason = "body is not valid JSON: unexpected end of input"
	case errors.As(err, &typ) && strings.HasPrefix(typ.Value, "number"):
		p.Field = pathAt(body, strings.TrimPrefix(typ.Value, "number "), typ.Offset)
		where := "in the body"
		if p.Field != "" {
			where = "at " + p.Field
		}
		p.Reason = fmt.Sprintf("body is not usable JSON: the %s %s is out of range", typ.Value, where)
	default:
		p.Reason = "body is not valid JSON: " + err.Error()
	}
	return p
}

// pathAt names, as a dotted path ("recipients.contacts.2"), the number literal that the JSON
// decoder stopped at: the last one written as literal that ends by byte offset end (the decoder
// reports the offset just past what it read). "" when it is the whole body or is not found.
func pathAt(body []byte, literal string, end int64) string {
	type frame struct {
		array bool
		index int
		key   string
		onKey bool // in an object, the next string token is a key
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var stack []*frame
	path := func() string {
		parts := make([]string, len(stack))
		for i, f := range stack {
			if f.array {
				parts[i] = fmt.Sprint(f.index)
			} else {
				parts[i] = f.key
			}
		}
		return strings.Join(parts, ".")
	}
	// valueDone moves the enclosing container past one value.
	valueDone := func() {
		if n := len(stack); n > 0 {
			if f := stack[n-1]; f.array {
				f.index++
			} else {
				f.onKey = true
			}
		}
	}
	found := ""
	for {
		tok, err := dec.Token()
		if err != nil || dec.InputOffset() > end {
			return found
		}
		top := (*frame)(nil)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, &frame{array: t == '[', onKey: t == '{'})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			if top != nil && !top.array && top.onKey {
				top.key, top.onKey = t, false
				continue
			}
			valueDone()
		default:
			if n, ok := t.(json.Number); ok && n.String() == literal {
				found = path()
			}
			valueDone()
		}
	}
}
