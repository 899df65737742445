package flow

import (
	"encoding/json"
	"strconv"
)

// jsonError says why body is not JSON every parser can use (bad syntax, or a number too large for
// a float64 such as 1e999), or returns nil. It allocates nothing for the usual body, where
// decoding into an interface{} just to find out was a fifth of a send's CPU: only a body that
// fails the quick check is decoded, for the decoder's own words.
func jsonError(body []byte) error {
	if quickUsable(body) {
		return nil
	}
	var probe any
	return json.Unmarshal(body, &probe)
}

func quickUsable(body []byte) bool {
	if !json.Valid(body) {
		return false
	}
	// Syntax is valid, so outside strings a '-' or digit starts a number literal.
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '"':
			for i++; i < len(body) && body[i] != '"'; i++ {
				if body[i] == '\\' {
					i++
				}
			}
		case c == '-' || '0' <= c && c <= '9':
			j, big := i, false
			for ; j < len(body); j++ {
				d := body[j]
				if d == 'e' || d == 'E' {
					big = true
				} else if !('0' <= d && d <= '9' || d == '-' || d == '+' || d == '.') {
					break
				}
			}
			// Without an exponent only a literal of more than 308 digits can overflow.
			if big || j-i > 300 {
				if _, err := strconv.ParseFloat(string(body[i:j]), 64); err != nil {
					return false
				}
			}
			i = j - 1
		}
	}
	return true
}
