package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/notifysim/notifysim/simulator/client"
)

func TestFaults(t *testing.T) {
	c, srv := sandbox(t)
	ctx := context.Background()
	f, err := c.AddFault(ctx, client.FaultRule{Vendor: "luma", Action: "respond", Status: 503, Count: 1})
	if err != nil || f.ID != "f-1" || f.Seed == 0 {
		t.Fatalf("AddFault = %+v, %v", f, err)
	}
	if _, err := c.AddFault(ctx, client.FaultRule{Vendor: "kore", Action: "delay", Delay: json.RawMessage(`"5ms"`)}); err != nil {
		t.Fatal(err)
	}
	post(t, srv.URL+"/vsa/public/notifylumauser/message", `{"recipients":{"contacts":"ruth"},"message":"hi"}`, http.StatusServiceUnavailable,
		"Authorization", "Bearer luma-demo-token")
	list, err := c.Faults(ctx)
	if err != nil || len(list) != 2 || list[0].Fired != 1 || !list[0].Expired || string(list[1].Delay) != `{"fixed":"5ms"}` {
		t.Fatalf("Faults = %+v, %v", list, err)
	}
	page, err := c.Requests(ctx, client.RequestFilter{Vendor: "luma"})
	if err != nil || len(page.Requests) != 1 || strings.Join(page.Requests[0].Faults, ",") != "f-1" {
		t.Fatalf("journal %+v, %v", page, err)
	}

	var apiErr *client.Error
	_, err = c.AddFault(ctx, client.FaultRule{Vendor: "luma", Action: "drop", Recipient: "ruth"})
	if !errors.As(err, &apiErr) || apiErr.Status != 400 || !strings.Contains(apiErr.Message, "recipient") {
		t.Errorf("a wrong rule: %v", err)
	}
	if err := c.DeleteFault(ctx, "f-1"); err != nil {
		t.Error(err)
	}
	if err := c.DeleteFault(ctx, "f-1"); !errors.As(err, &apiErr) || apiErr.Status != 404 {
		t.Errorf("deleting twice: %v", err)
	}
	if err := c.ClearFaults(ctx); err != nil {
		t.Error(err)
	}
	if list, _ := c.Faults(ctx); len(list) != 0 {
		t.Errorf("after ClearFaults: %+v", list)
	}
}
