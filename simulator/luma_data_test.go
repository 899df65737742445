package simulator_test

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/notifysim/notifysim/simulator/core"
)

// Luma shares one Data map between sends of the same template and type; a send with a
// botExternalID or an image URL must still get its own, and no send may see another's.
func TestLumaMessageDataIsPerSend(t *testing.T) {
	sim := newSim(t, nil)
	sends := []struct {
		body string
		want map[string]any
	}{
		{`{"recipients": {"contacts": ["ruth"]}, "message": "one"}`, map[string]any{"templateId": "-1", "responseType": "TEXT"}},
		{`{"recipients": {"contacts": ["ruth"]}, "message": "two", "botExternalID": "bot-7"}`, map[string]any{"templateId": "-1", "responseType": "TEXT", "botExternalID": "bot-7"}},
		{`{"recipients": {"contacts": ["ruth"]}, "message": "three"}`, map[string]any{"templateId": "-1", "responseType": "TEXT"}},
		{`{"recipients": {"contacts": ["ruth"]}, "message": "https://example.com/four.png", "responseType": "IMAGE"}`, map[string]any{"templateId": "-1", "responseType": "IMAGE", "imageUrl": "https://example.com/four.png"}},
		{`{"recipients": {"contacts": ["ruth"]}, "message": "https://example.com/five.png", "responseType": "IMAGE"}`, map[string]any{"templateId": "-1", "responseType": "IMAGE", "imageUrl": "https://example.com/five.png"}},
		{`{"recipients": {"contacts": ["ruth"]}, "message": "six"}`, map[string]any{"templateId": "-1", "responseType": "TEXT"}},
	}
	for _, s := range sends {
		if rec := do(sim, "POST", "/vsa/public/notifylumauser/message", []byte(s.body), lumaHeaders...); rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
	msgs := sim.Messages(core.Filter{Vendor: "luma"}) // newest first
	if len(msgs) != len(sends) {
		t.Fatalf("%d messages, want %d", len(msgs), len(sends))
	}
	for i, s := range sends {
		if got := msgs[len(msgs)-1-i].Data; !reflect.DeepEqual(got, s.want) {
			t.Errorf("send %d: Data = %v, want %v", i+1, got, s.want)
		}
	}
}
