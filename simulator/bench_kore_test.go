package simulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/notifysim/notifysim/simulator"
	"github.com/notifysim/notifysim/simulator/core"
)

// koreBenchFixtures is one bot with zero pace and limits high enough that the benchmark measures
// the work rather than the 429s, and n users with an msteams identity.
func koreBenchFixtures(n int) []byte {
	users := make([]map[string]any, n)
	for i := range users {
		users[i] = map[string]any{"email": fmt.Sprintf("user%04d@example.com", i), "channels": map[string]string{"msteams": fmt.Sprintf("29:user%04d", i)}}
	}
	data, _ := json.Marshal(map[string]any{"kore": map[string]any{
		"apps": []any{map[string]any{"clientId": "cs-demo-app", "secret": "demo-app-secret", "bots": []string{"st-demo-bot"}}},
		"bots": []any{map[string]any{"id": "st-demo-bot", "channels": []string{"msteams", "slack"}, "pace": "0s",
			"rateLimit": map[string]int{"perMinute": 1 << 30, "perHour": 1 << 30}}},
		"users": users,
	}})
	return data
}

func koreBenchHeaders(b *testing.B) []string {
	b.Helper()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"appId": "cs-demo-app"}).SignedString([]byte("demo-app-secret"))
	if err != nil {
		b.Fatal(err)
	}
	return []string{"auth", tok, "Content-Type", "application/json"}
}

func koreNotifyBody(n int, msg map[string]string) []byte {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("user%04d@example.com", i)
	}
	body, _ := json.Marshal(map[string]any{"channel": "msteams", "userIdentityType": "resolve", "message": msg, "identities": ids})
	return body
}

// BenchmarkKoreSendOne is one notify to one identity as the server answers it: routing, JWT
// verification, rate limit, spec validation, the job's creation and the IN_PROGRESS answer (the
// job itself runs after the answer, on the clock).
func BenchmarkKoreSendOne(b *testing.B) {
	sim := newSim(b, koreBenchFixtures(1))
	sim.Freeze() // the job stays queued: this measures the send alone
	headers := koreBenchHeaders(b)
	body := koreNotifyBody(1, map[string]string{"type": "text", "val": "Please reset your password."})
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%5000 == 0 {
			b.StopTimer()
			if err := sim.Reset(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		if rec := do(sim, "POST", "/api/public/bot/st-demo-bot/notify", body, headers...); rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkKoreStatus1000 is one status call on a finished 1,000-identity job (1,000 logs).
func BenchmarkKoreStatus1000(b *testing.B) {
	sim := newSim(b, koreBenchFixtures(1000))
	headers := koreBenchHeaders(b)
	id := runJob(b, sim, headers, koreNotifyBody(1000, map[string]string{"type": "text", "val": "hi"}))
	b.ReportAllocs()
	for b.Loop() {
		if rec := do(sim, "GET", "/api/public/bot/st-demo-bot/notify/status/"+id, nil, headers...); rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// runJob sends body and waits until the job is no longer IN_PROGRESS; it returns the job id.
func runJob(b *testing.B, sim *simulator.Simulator, headers []string, body []byte) string {
	b.Helper()
	sub := sim.Env().Bus.Subscribe(4096, func(e core.Event) bool { return e.Type == core.EventJobProgress })
	defer sub.Close()
	rec := do(sim, "POST", "/api/public/bot/st-demo-bot/notify", body, headers...)
	if rec.Code != http.StatusOK {
		b.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var job struct {
		ID string `json:"_id"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &job)
	timeout := time.After(30 * time.Second)
	for {
		select {
		case e := <-sub.C:
			data, _ := json.Marshal(e.Data)
			var s struct {
				ID     string `json:"_id"`
				Status string `json:"status"`
			}
			_ = json.Unmarshal(data, &s)
			if s.ID == job.ID && s.Status != "IN_PROGRESS" {
				return job.ID
			}
		case <-timeout:
			b.Fatalf("job %s did not finish", job.ID)
		}
	}
}

// BenchmarkKoreJob1000 is a 1,000-identity text job at zero pace, from the send until the job
// is done: 1,000 resolutions, 1,000 messages stored and published, 1,000 status logs.
func BenchmarkKoreJob1000(b *testing.B) {
	benchJob(b, map[string]string{"type": "text", "val": "Please reset your password."})
}

// BenchmarkKoreJob1000Script is the same job with a script message: 1,000 sandboxes.
func BenchmarkKoreJob1000Script(b *testing.B) {
	benchJob(b, map[string]string{"type": "script", "val": "print(JSON.stringify({text: 'Hi ' + identity + ' on ' + context.session.BotUserSession.lastMessage.channel}))"})
}

func benchJob(b *testing.B, msg map[string]string) {
	sim := newSim(b, koreBenchFixtures(1000))
	headers := koreBenchHeaders(b)
	body := koreNotifyBody(1000, msg)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		if err := sim.Reset(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		runJob(b, sim, headers, body)
	}
	b.ReportMetric(float64(sim.Env().Store.Len()), "messages/op")
}
