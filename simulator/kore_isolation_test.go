package simulator_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/notifysim/notifysim/simulator"
)

// Ten jobs whose script never ends used to run one after another on the clock's goroutine and
// hold up every other timer (deliveries, receipts) for seconds. A timer due while they run must
// fire before they are done.
func TestHostileScriptsDelayNoOtherTimer(t *testing.T) {
	sim, err := simulator.New(simulator.Options{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"appId": "cs-demo-app"}).SignedString([]byte("demo-app-secret"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"channel": "msteams", "userIdentityType": "resolve",
		"message": map[string]string{"type": "script", "val": "while(true){}"}, "identities": []string{"alice@example.com"}})
	bus, clock := sim.Env().Bus, sim.Env().Clock
	base := bus.LastID()
	for range 10 {
		if rec := do(sim, "POST", "/api/public/bot/st-demo-bot/notify", body, "auth", tok, "Content-Type", "application/json"); rec.Code != http.StatusOK {
			t.Fatalf("notify: %d %s", rec.Code, rec.Body)
		}
	}
	// Once every job's first step is due and taken, the scripts are running.
	deadline := time.Now().Add(30 * time.Second)
	for clock.Pending() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the jobs' steps never started")
		}
		time.Sleep(time.Millisecond)
	}
	finished := make(chan int64, 1)
	clock.AfterFunc(0, func() { finished <- bus.LastID() - base }) // one job.progress per finished job
	select {
	case n := <-finished:
		if n >= 10 {
			t.Errorf("the timer fired only after all %d hostile jobs had finished", n)
		}
	case <-time.After(60 * time.Second): // a hang guard, not a speed assertion
		t.Fatal("the timer never fired")
	}
}
