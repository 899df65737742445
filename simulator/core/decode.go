package core

import (
	"encoding/json"
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// DecodeJSON reads a JSON document into the values encoding/json's Decoder with UseNumber gives
// (map[string]any, []any, string, json.Number, bool, nil): what kin-openapi validates, what vendors
// read from Request.Decoded, and what a stored message's Data is read back as. Its callers hold
// JSON already checked (the validate stage's jsonError, or the store's own encoding), so this is
// a straight descent without encoding/json's reflection, scanner and buffering; anything
// unexpected is an error, and the caller falls back to encoding/json, whose words the refusal
// then uses.
func DecodeJSON(data []byte) (any, error) { return DecodeJSONKeys(data, nil) }

// DecodeJSONKeys is DecodeJSON with the keys the document's objects are expected to have (the
// property names of its schema, each mapped to itself): such a key takes the map's string instead
// of a new one. Keys were most of a request body's allocations.
func DecodeJSONKeys(data []byte, keys map[string]string) (any, error) {
	d := decoder{data: data, keys: keys}
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.space()
	if d.i != len(d.data) {
		return nil, errBadJSON
	}
	return v, nil
}

var errBadJSON = errors.New("not the JSON the syntax check let through")

// maxDepth matches encoding/json's nesting limit.
const maxDepth = 10000

type decoder struct {
	data []byte
	i    int
	keys map[string]string
}

func (d *decoder) space() {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *decoder) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, errBadJSON
	}
	d.space()
	if d.i >= len(d.data) {
		return nil, errBadJSON
	}
	switch c := d.data[d.i]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		return d.string()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		return d.number()
	}
	return nil, errBadJSON
}

func (d *decoder) literal(word string) error {
	if len(d.data)-d.i < len(word) || string(d.data[d.i:d.i+len(word)]) != word {
		return errBadJSON
	}
	d.i += len(word)
	return nil
}

func (d *decoder) object(depth int) (any, error) {
	d.i++ // {
	m := map[string]any{}
	d.space()
	if d.i < len(d.data) && d.data[d.i] == '}' {
		d.i++
		return m, nil
	}
	for {
		d.space()
		if d.i >= len(d.data) || d.data[d.i] != '"' {
			return nil, errBadJSON
		}
		k, err := d.key()
		if err != nil {
			return nil, err
		}
		d.space()
		if d.i >= len(d.data) || d.data[d.i] != ':' {
			return nil, errBadJSON
		}
		d.i++
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		m[k] = v // a repeated key: the last one wins, as with encoding/json
		if done, err := d.after('}'); err != nil || done {
			return m, err
		}
	}
}

// after reads what follows a member or an element: a comma (more to come) or the closing byte.
func (d *decoder) after(closing byte) (done bool, err error) {
	d.space()
	if d.i < len(d.data) {
		switch d.data[d.i] {
		case ',':
			d.i++
			return false, nil
		case closing:
			d.i++
			return true, nil
		}
	}
	return false, errBadJSON
}

func (d *decoder) array(depth int) (any, error) {
	d.i++ // [
	a := []any{}
	d.space()
	if d.i < len(d.data) && d.data[d.i] == ']' {
		d.i++
		return a, nil
	}
	for {
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		if done, err := d.after(']'); err != nil || done {
			return a, err
		}
	}
}

func (d *decoder) number() (any, error) {
	start := d.i
	for d.i < len(d.data) {
		switch c := d.data[d.i]; {
		case '0' <= c && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
			d.i++
			continue
		}
		break
	}
	n := json.Number(d.data[start:d.i])
	if !isNumber(string(n)) {
		return nil, errBadJSON
	}
	return n, nil
}

// isNumber checks the JSON number grammar, as json.Number's own validity rule does.
func isNumber(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '-' {
		s = s[1:]
		if s == "" {
			return false
		}
	}
	switch {
	case s[0] == '0':
		s = s[1:]
	case '1' <= s[0] && s[0] <= '9':
		for s = s[1:]; s != "" && '0' <= s[0] && s[0] <= '9'; s = s[1:] {
		}
	default:
		return false
	}
	if len(s) >= 2 && s[0] == '.' && '0' <= s[1] && s[1] <= '9' {
		for s = s[2:]; s != "" && '0' <= s[0] && s[0] <= '9'; s = s[1:] {
		}
	}
	if len(s) >= 2 && (s[0] == 'e' || s[0] == 'E') {
		s = s[1:]
		if s[0] == '+' || s[0] == '-' {
			s = s[1:]
			if s == "" {
				return false
			}
		}
		for ; s != "" && '0' <= s[0] && s[0] <= '9'; s = s[1:] {
		}
	}
	return s == ""
}

// string reads a quoted string the way encoding/json unquotes it: invalid UTF-8 and lone
// surrogates become U+FFFD.
func (d *decoder) string() (string, error) {
	d.i++ // opening quote
	start := d.i
	// The common case: no escapes and valid UTF-8, one allocation.
	for d.i < len(d.data) {
		c := d.data[d.i]
		if c == '"' {
			s := d.data[start:d.i]
			d.i++
			if utf8.Valid(s) {
				return string(s), nil
			}
			return string([]rune(string(s))), nil // each invalid byte as U+FFFD
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", errBadJSON
		}
		d.i++
	}
	buf := make([]byte, 0, d.i-start+16)
	buf = append(buf, d.data[start:d.i]...)
	for d.i < len(d.data) {
		c := d.data[d.i]
		switch {
		case c == '"':
			d.i++
			if utf8.Valid(buf) {
				return string(buf), nil
			}
			return string([]rune(string(buf))), nil
		case c < 0x20:
			return "", errBadJSON
		case c != '\\':
			buf = append(buf, c)
			d.i++
			continue
		}
		d.i++
		if d.i >= len(d.data) {
			return "", errBadJSON
		}
		e := d.data[d.i]
		d.i++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", errBadJSON
			}
			if utf16.IsSurrogate(r) {
				// A high surrogate followed by a low one is one rune; anything else is U+FFFD.
				if d.i+1 < len(d.data) && d.data[d.i] == '\\' && d.data[d.i+1] == 'u' {
					save := d.i
					d.i += 2
					r2, ok := d.hex4()
					if ok {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							buf = utf8.AppendRune(buf, dec)
							continue
						}
					}
					d.i = save
				}
				r = utf8.RuneError
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", errBadJSON
		}
	}
	return "", errBadJSON
}

// key reads an object's key: one of d.keys when it is spelt as one, plainly (ASCII, no escapes).
func (d *decoder) key() (string, error) {
	if d.keys != nil {
		start := d.i + 1
		for j := start; j < len(d.data); j++ {
			c := d.data[j]
			if c == '"' {
				if k, ok := d.keys[string(d.data[start:j])]; ok { // a lookup that copies nothing
					d.i = j + 1
					return k, nil
				}
				break
			}
			if c == '\\' || c < 0x20 || c >= 0x80 {
				break
			}
		}
	}
	return d.string()
}

func (d *decoder) hex4() (rune, bool) {
	if len(d.data)-d.i < 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(string(d.data[d.i:d.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	d.i += 4
	return rune(v), true
}
