package client_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/notifysim/notifysim/simulator"
	"github.com/notifysim/notifysim/simulator/client"
)

// A sandbox in this process stands in for `notifysim serve`; the client only needs its URL.
func ExampleClient_Messages() {
	sim, _ := simulator.New(simulator.Options{})
	defer sim.Close()
	srv := httptest.NewServer(sim)
	defer srv.Close()

	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/vsa/public/notifylumauser/message",
		strings.NewReader(`{"recipients":{"contacts":"0","roles":"-3"},"message":"Exchange is down"}`))
	req.Header.Set("Authorization", "Bearer luma-demo-token")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()

	c, _ := client.New(srv.URL)
	page, err := c.Messages(context.Background(), client.MessageFilter{Role: "Analyst", Limit: 50})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range page.Messages {
		fmt.Println(m.Recipient.ID, m.Channel, m.Body)
	}
	// Output: sam.phyll luma-chat Exchange is down
}

func ExampleClient_Events() {
	sim, _ := simulator.New(simulator.Options{})
	defer sim.Close()
	srv := httptest.NewServer(sim)
	defer srv.Close()
	c, _ := client.New(srv.URL)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for e := range c.Events(ctx, client.EventFilter{Types: []string{client.EventStateReset}}) {
		switch e.Type {
		case client.EventConnected:
			fmt.Println("connected")
			if _, err := c.Reset(ctx); err != nil {
				fmt.Println(err)
			}
		case client.EventStateReset:
			fmt.Println("the sandbox was reset")
			cancel()
		}
	}
	// Output:
	// connected
	// the sandbox was reset
}
