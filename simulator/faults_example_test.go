package simulator_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/notifysim/notifysim/simulator"
)

// A fault rule makes Luma answer its next request with a 503 in its own envelope, Retry-After
// included; the request after that is served as usual.
func ExampleSimulator_AddFault() {
	sim, err := simulator.New(simulator.Options{})
	if err != nil {
		panic(err)
	}
	defer sim.Close()
	srv := httptest.NewServer(sim)
	defer srv.Close()

	rule, err := sim.AddFault(simulator.FaultRule{Vendor: "luma", Action: "respond", Status: 503, Count: 1})
	if err != nil {
		panic(err)
	}
	fmt.Println("rule", rule.ID)

	for range 2 {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/vsa/public/notifylumauser/message",
			strings.NewReader(`{"recipients":{"contacts":["ruth"]},"message":"Printer on fire"}`))
		req.Header.Set("Authorization", "Bearer luma-demo-token")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Printf("%d %s, Retry-After %q\n", resp.StatusCode, gjson.GetBytes(body, "message"), resp.Header.Get("Retry-After"))
	}
	fmt.Println("fired", sim.Faults()[0].Fired, "expired", sim.Faults()[0].Expired)
	// Output:
	// rule f-1
	// 503 Service Unavailable, Retry-After "1"
	// 200 OK, Retry-After ""
	// fired 1 expired true
}
