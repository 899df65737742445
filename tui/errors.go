package tui

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/notifysim/notifysim/simulator/client"
)

// errorText is an error as a footer has room for it: the admin API's status and reason, without
// the wrapping that would push the reason past the edge.
func errorText(err error) string {
	var e *client.Error
	if errors.As(err, &e) && e.Message != "" {
		return fmt.Sprintf("%d %s", e.Status, e.Message)
	}
	return err.Error()
}

// vendorReason finds the reason in a vendor's error body, whatever its shape: Luma's errors
// array under a generic message, Luminous's message, Kore.ai's errors[].msg, an errorMessage.
// A body that is not JSON is returned on one line.
func vendorReason(body string) string {
	var v any
	if json.Unmarshal([]byte(body), &v) != nil {
		return oneLine(strings.TrimSpace(body))
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return oneLine(strings.TrimSpace(body))
	}
	var reasons []string
	if list, ok := obj["errors"].([]any); ok {
		for _, e := range list {
			switch x := e.(type) {
			case string:
				reasons = append(reasons, x)
			case map[string]any:
				for _, k := range []string{"msg", "message", "errorMessage", "description", "errorCode"} {
					if s := str(x[k]); s != "" {
						reasons = append(reasons, s)
						break
					}
				}
			}
		}
	}
	if len(reasons) > 0 {
		return strings.Join(reasons, "; ")
	}
	for _, k := range []string{"errorMessage", "message", "error"} {
		if s := str(obj[k]); s != "" {
			return s
		}
	}
	return oneLine(strings.TrimSpace(body))
}
