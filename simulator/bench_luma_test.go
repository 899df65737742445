package simulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/notifysim/notifysim/simulator"
)

var lumaHeaders = []string{"Authorization", "Bearer luma-demo-token", "Content-Type", "application/json"}

// BenchmarkLumaNotifyOne is one notify to one named user: routing, spec validation, auth,
// resolution, delivery and the response.
func BenchmarkLumaNotifyOne(b *testing.B) {
	sim := newSim(b, nil)
	body := []byte(`{"recipients": {"contacts": ["sam.phyll"]}, "responseType": "TEXT", "message": "Exchange is down until 9 PM"}`)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%10000 == 0 {
			b.StopTimer()
			sim.Env().Store.Reset()
			b.StartTimer()
		}
		if rec := do(sim, "POST", "/vsa/public/notifylumauser/message", body, lumaHeaders...); rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// bigTenant is a Luma dataset with one tenant of n users spread over the five roles.
func bigTenant(n int) []byte {
	users := make([]map[string]any, n)
	for i := range users {
		users[i] = map[string]any{"login": fmt.Sprintf("user%06d@example.com", i), "role": -1 - i%5}
	}
	data, _ := json.Marshal(map[string]any{"luma": map[string]any{"tenants": []any{
		map[string]any{"id": "big", "token": "big-token", "users": users},
	}}})
	return data
}

// BenchmarkLumaNotifyAll100k is contacts "0" to every user of a 100,000-user tenant.
func BenchmarkLumaNotifyAll100k(b *testing.B) {
	sim := newSim(b, bigTenant(100000))
	body := []byte(`{"recipients": {"contacts": "0"}, "message": "Company-wide: the office is closed tomorrow"}`)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		sim.Env().Store.Reset()
		b.StartTimer()
		rec := do(sim, "POST", "/vsa/public/notifylumauser/message", body, "Authorization", "Bearer big-token", "Content-Type", "application/json")
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
	b.ReportMetric(float64(sim.Env().Store.Len()), "messages/op")
}

// BenchmarkStartup is simulator.New with every spec and the demo dataset, then the first answer.
func BenchmarkStartup(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sim, err := simulator.New(simulator.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if rec := do(sim, "GET", "/_sim/health", nil); rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
		sim.Close()
	}
}
