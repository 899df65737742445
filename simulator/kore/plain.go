package kore

import (
	"sort"
	"strings"

	"github.com/notifysim/notifysim/simulator/core"
)

// readNotify reads the notify body from the value the validate stage decoded when it can
// (plainNotify), else with decodeNotify: the body is then parsed once per request, not twice.
func readNotify(req *core.Request) (notifyRequest, []string, error) {
	var body notifyRequest
	if unknown, ok := plainNotify(req.Decoded, &body); ok {
		sort.Strings(unknown)
		return body, unknown, nil
	}
	return decodeNotify(req.Body)
}

// plainNotify fills body as json.Unmarshal would from a decoded notify body whose keys are each
// spelt exactly as their field (json.Unmarshal also takes other spellings, which go to
// decodeNotify) and whose values have the field's type or are null. It returns the keys the API
// ignores, unsorted; false when it is not sure.
func plainNotify(decoded any, body *notifyRequest) (unknown []string, ok bool) {
	obj, isObj := decoded.(map[string]any)
	if !isObj {
		return nil, false
	}
	for k, v := range obj {
		switch k {
		case "channel":
			ok = core.PlainString(v, &body.Channel)
		case "userIdentityType":
			ok = core.PlainString(v, &body.UserIdentityType)
		case "identities":
			body.Identities, ok = core.PlainStrings(v)
		case "message":
			ok = plainMessage(v, body)
		default:
			if foldsToField(k, knownFields) {
				return nil, false
			}
			unknown, ok = append(unknown, k), true
		}
		if !ok {
			return nil, false
		}
	}
	return unknown, true
}

func plainMessage(v any, body *notifyRequest) bool {
	if v == nil {
		return true
	}
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	for k, e := range m {
		switch k {
		case "type":
			ok = core.PlainString(e, &body.Message.Type)
		case "val":
			ok = core.PlainString(e, &body.Message.Val)
		default:
			// json.Unmarshal ignores other keys of message, but takes "Type" or "VAL" as its fields.
			ok = !foldsToField(k, map[string]bool{"type": true, "val": true})
		}
		if !ok {
			return false
		}
	}
	return true
}

func foldsToField(key string, fields map[string]bool) bool {
	for f := range fields {
		if strings.EqualFold(key, f) {
			return true
		}
	}
	return false
}
