package simulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/notifysim/notifysim/simulator"
	"github.com/notifysim/notifysim/simulator/core"
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

// BenchmarkLumaNotifyStored is BenchmarkLumaNotifyOne with the store already holding 0 or
// 1,000,000 messages (its cap, so each send also evicts one): the aim is send throughput
// at a million stored messages within 10% of the empty store's.
func BenchmarkLumaNotifyStored(b *testing.B) {
	body := []byte(`{"recipients": {"contacts": ["sam.phyll"]}, "responseType": "TEXT", "message": "Exchange is down until 9 PM"}`)
	for _, stored := range []int{0, 1_000_000} {
		b.Run(fmt.Sprint(stored), func(b *testing.B) {
			sim, err := simulator.New(simulator.Options{Seed: 42, MaxMessages: 1_000_000})
			if err != nil {
				b.Fatal(err)
			}
			defer sim.Close()
			fill(sim, stored)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if rec := do(sim, "POST", "/vsa/public/notifylumauser/message", body, lumaHeaders...); rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// fill stores n small Luma messages to 100 users directly, as a long load test leaves the store.
func fill(sim *simulator.Simulator, n int) {
	env := sim.Env()
	data := map[string]any{"templateId": "-1", "responseType": "TEXT"}
	payload := []byte(`{"recipients":{"contacts":["ruth"]},"message":"Exchange is down until 9 PM"}`)
	for done := 0; done < n; done += 10_000 {
		msgs := make([]core.Message, min(10_000, n-done))
		for i := range msgs {
			at := env.Clock.Now()
			msgs[i] = core.Message{ID: env.IDs.UUID(), Vendor: "luma", Tenant: "acme",
				Recipient: core.Recipient{ID: fmt.Sprintf("user%02d", (done+i)%100), Name: "User", Role: "-4", RoleName: "Self-service"},
				Channel:   core.ChannelLumaChat, Kind: "text", Body: "Exchange is down until 9 PM", Data: data, Payload: payload,
				Status: core.StatusDelivered, History: []core.StatusChange{{Status: core.StatusDelivered, At: at}}, CreatedAt: at,
				DeliveredAt: &at, RequestID: "req"}
		}
		env.Store.Add(msgs)
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

// BenchmarkLumaNotifyAll100k is contacts "0" to every user of a 100,000-user tenant, into an
// empty store: every recipient is new to the store's indexes.
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

// BenchmarkLumaNotifyAll100kAgain is the same fan-out sent again and again: the store (at its
// default cap of 100,000) evicts the previous one while its recipients stay known.
func BenchmarkLumaNotifyAll100kAgain(b *testing.B) {
	sim := newSim(b, bigTenant(100000))
	body := []byte(`{"recipients": {"contacts": "0"}, "message": "Company-wide: the office is closed tomorrow"}`)
	send := func() {
		rec := do(sim, "POST", "/vsa/public/notifylumauser/message", body, "Authorization", "Bearer big-token", "Content-Type", "application/json")
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
	send()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		send()
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
