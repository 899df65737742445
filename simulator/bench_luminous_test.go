package simulator_test

import (
	"fmt"
	"net/http"
	"testing"
)

var luminousHeaders = []string{"Content-Type", "application/json"}

// BenchmarkLuminousSend is one API-campaign send to the known demo contact: routing, spec
// validation, number parsing, the campaign's rules, a credit, the contact update, delivery with
// its receipt timers, and the response.
func BenchmarkLuminousSend(b *testing.B) {
	sim := newSim(b, nil)
	sim.Freeze() // receipts wait for the clock, so timers pile up only as pending entries
	body := []byte(`{"apiKey": "luminous-demo-key", "campaignName": "order_update", "destination": "+256751351363",
		"userName": "Test User", "templateParams": ["Test User", "ORD-1042"], "tags": ["vip"], "attributes": {"city": "Kampala"}}`)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%900 == 0 { // 1000 demo credits
			b.StopTimer()
			if err := sim.Reset(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		if rec := do(sim, "POST", "/campaign/t1/api", body, luminousHeaders...); rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkLuminousSendNewContact sends to a different number each time, so every send creates
// a contact (the project grows by one contact per op).
func BenchmarkLuminousSendNewContact(b *testing.B) {
	sim := newSim(b, []byte(`luminous:
  projects:
    - id: big
      apiKey: big-key
      credits: 100000000
      activePlan: PRO_MONTHLY
      tags: [vip]
      campaigns:
        - { name: welcome, status: Live, template: { body: "Welcome, {{1}}!" } }
`))
	sim.Freeze()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%10000 == 0 {
			b.StopTimer()
			sim.Env().Store.Reset()
			b.StartTimer()
		}
		body := fmt.Appendf(nil, `{"apiKey": "big-key", "campaignName": "welcome", "destination": "+9198%08d", "userName": "User %d", "templateParams": ["$FirstName"], "tags": ["vip"]}`, i, i)
		if rec := do(sim, "POST", "/campaign/t1/api/v2", body, luminousHeaders...); rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkLuminousRefused is a request refused by the campaign rules (wrong number of params):
// the cost of a 400 with its journal entry.
func BenchmarkLuminousRefused(b *testing.B) {
	sim := newSim(b, nil)
	body := []byte(`{"apiKey": "luminous-demo-key", "campaignName": "order_update", "destination": "+256751351363", "userName": "Test User", "templateParams": ["one"]}`)
	b.ReportAllocs()
	for b.Loop() {
		if rec := do(sim, "POST", "/campaign/t1/api", body, luminousHeaders...); rec.Code != http.StatusBadRequest {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}
