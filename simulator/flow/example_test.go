package flow_test

import (
	"fmt"
	"strings"

	"github.com/notifysim/notifysim/simulator/flow"
)

// Every vendor request takes these stages, in this order.
func ExampleStages() {
	fmt.Println(strings.Join(flow.Stages(), " → "))
	// Output:
	// request id → body limit → faults → authenticate → validate → handler → response check → journal
}
