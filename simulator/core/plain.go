package core

// Readers of a value DecodeJSON made, for a vendor that reads a body it already decoded instead of
// decoding it again into its own types: each reads what json.Unmarshal would put in a field of
// that Go type, and says false where json.Unmarshal would refuse or do something else (the caller
// then takes json.Unmarshal's own path).

// PlainString sets *dst to a string value; null leaves it, as json.Unmarshal does.
func PlainString(v any, dst *string) bool {
	switch s := v.(type) {
	case string:
		*dst = s
		return true
	case nil:
		return true
	}
	return false
}

// PlainStrings reads a []string: null is nil, any element not a string or null refuses.
func PlainStrings(v any) ([]string, bool) {
	if v == nil {
		return nil, true
	}
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, len(list))
	for i, e := range list {
		if !PlainString(e, &out[i]) {
			return nil, false
		}
	}
	return out, true
}

// PlainStringMap reads a map[string]string, as PlainStrings reads a slice.
func PlainStringMap(v any) (map[string]string, bool) {
	if v == nil {
		return nil, true
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	out := make(map[string]string, len(m))
	for k, e := range m {
		var s string
		if !PlainString(e, &s) {
			return nil, false
		}
		out[k] = s
	}
	return out, true
}
