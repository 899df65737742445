package kore

import "testing"

func TestJSONPayloadAndItsMessage(t *testing.T) {
	tests := []struct {
		val        string
		isPayload  bool
		kind, text string
	}{
		{`print('hi')`, false, "", ""},
		{`{ print('hi') }`, false, "", ""},
		{`  {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "Hi"}]}`, true, "card", "Hi"},
		{`{"type": "AdaptiveCard"}`, true, "card", "(Adaptive Card)"},
		{`{"text": "plain"}`, true, "script", "plain"},
		{`{"blocks": []}`, true, "script", `{"blocks":[]}`},
		{`{}`, true, "script", `{}`},
		{`["not", "an", "object"]`, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.val, func(t *testing.T) {
			p, ok := jsonPayload(tt.val)
			if ok != tt.isPayload {
				t.Fatalf("jsonPayload(%s) ok = %v, want %v", tt.val, ok, tt.isPayload)
			}
			if !ok {
				return
			}
			kind, text, data := payloadMessage(p)
			if kind != tt.kind || text != tt.text || data["message"] == nil {
				t.Fatalf("payloadMessage = %q %q %v, want %q %q", kind, text, data, tt.kind, tt.text)
			}
		})
	}
}
