package kore

import (
	"encoding/json"
	"strings"

	"github.com/notifysim/notifysim/simulator/kore/card"
)

// jsonPayload reads a script val that is a JSON object rather than JavaScript. Read as a program,
// a JSON object with keys is a syntax error ({"a": 1} is a block holding "a": 1) and {} prints
// nothing, so taking it as the payload loses no script that would have produced a message.
func jsonPayload(val string) (map[string]any, bool) {
	trimmed := strings.TrimSpace(val)
	if !strings.HasPrefix(trimmed, "{") {
		return nil, false
	}
	var obj map[string]any
	if json.Unmarshal([]byte(trimmed), &obj) != nil {
		return nil, false
	}
	return obj, true
}

// payloadMessage is what a recipient reads for a JSON message: an Adaptive Card (bare, or as a
// Bot Framework attachment) is a card whose text blocks and actions make the body; another object
// is its "text", else the JSON itself.
func payloadMessage(payload map[string]any) (kind, text string, data map[string]any) {
	data = map[string]any{"message": payload}
	if c, ok := card.Find(payload); ok {
		r := card.Render(c)
		data["card"] = r
		text = r.Text()
		if text == "" {
			text = "(Adaptive Card)"
		}
		return "card", text, data
	}
	if t, ok := payload["text"].(string); ok {
		return "script", t, data
	}
	raw, _ := json.Marshal(payload)
	return "script", string(raw), data
}
