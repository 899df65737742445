package simulator_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/notifysim/notifysim/simulator"
)

// A simulator is an http.Handler: serve it however you like and point your Luma client at it.
func Example() {
	sim, err := simulator.New(simulator.Options{Strict: true, Seed: 1})
	if err != nil {
		panic(err)
	}
	defer sim.Close()
	srv := httptest.NewServer(sim)
	defer srv.Close()

	req, _ := http.NewRequest("POST", srv.URL+"/vsa/public/notifylumauser/message", strings.NewReader(
		`{"recipients": {"contacts": "0", "roles": "-3"}, "responseType": "TEXT",
		  "message": "The Microsoft Exchange server is down until 9 PM (PST)"}`))
	req.Header.Set("Authorization", "Bearer luma-demo-token")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	fmt.Println(resp.StatusCode)
	for _, m := range sim.Inbox("luma", "sam.phyll") {
		fmt.Printf("%s (%s) on %s: %s\n", m.Recipient.ID, m.Recipient.RoleName, m.Channel, m.Body)
	}
	// Output:
	// 200
	// sam.phyll (Analyst) on luma-chat: The Microsoft Exchange server is down until 9 PM (PST)
}

// RunT is the one-liner for tests: a simulator on a free port, stopped when the test ends. This
// is the README's example (docs/go.md too), which TestDocLinks keeps verbatim.
func TestOutageNotice(t *testing.T) {
	sim := simulator.RunT(t) // demo dataset, free port, strict, stopped at test end

	// Your code under test, given sim.URL()+"/vsa" as its Luma base URL, sends this:
	body := `{"recipients": {"contacts": "0", "roles": "-3"}, "message": "Exchange is down"}`
	req, _ := http.NewRequest("POST", sim.URL()+"/vsa/public/notifylumauser/message", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer luma-demo-token")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	sim.CheckMessages(t, simulator.Filter{Vendor: "luma", Recipient: "sam.phyll", Text: "Exchange"}, 1)
}
