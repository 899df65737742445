package simulator_test

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/notifysim/notifysim/simulator"
	"github.com/notifysim/notifysim/simulator/core"
)

// With DataFile the state outlives the simulator: a new one on the same file resumes it, here
// the Luminous credit a send spent and the message it delivered. MaxMessages caps what is kept.
func ExampleNew_dataFile() {
	dir, _ := os.MkdirTemp("", "notifysim-example")
	defer os.RemoveAll(dir)
	opts := simulator.Options{DataFile: filepath.Join(dir, "sandbox.db"), MaxMessages: 1000, Seed: 1}

	sim, err := simulator.New(opts)
	if err != nil {
		panic(err)
	}
	req := httptest.NewRequest("POST", "/campaign/t1/api/v2", strings.NewReader(
		`{"apiKey": "luminous-demo-key", "campaignName": "welcome", "destination": "+919876543210", "userName": "Asha"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	sim.ServeHTTP(rec, req) // answered only once the send is in the file
	fmt.Println(rec.Code)
	sim.Close()

	again, err := simulator.New(opts)
	if err != nil {
		panic(err)
	}
	defer again.Close()
	for _, m := range again.Messages(core.Filter{Vendor: "luminous"}) {
		fmt.Println(m.Recipient.ID, m.Recipient.Name)
	}
	// Output:
	// 200
	// +919876543210 Asha
}
