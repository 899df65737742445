package client_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/notifysim/notifysim/simulator/client"
)

func TestGapDecodesOnlyAGapEvent(t *testing.T) {
	for _, tc := range []struct {
		name string
		ev   client.Event
		want client.Gap
		ok   bool
	}{
		{"live gap", client.Event{Type: client.EventGap, Data: json.RawMessage(`{"first":3,"last":9,"missed":7}`)}, client.Gap{First: 3, Last: 9, Missed: 7}, true},
		{"replayed gap without a count", client.Event{Type: client.EventGap, Data: json.RawMessage(`{"first":1,"last":4}`)}, client.Gap{First: 1, Last: 4}, true},
		{"another event", client.Event{Type: client.EventStateReset, Data: json.RawMessage(`{}`)}, client.Gap{}, false},
		{"broken data", client.Event{Type: client.EventGap, Data: json.RawMessage(`{"first":"x"}`)}, client.Gap{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := tc.ev.Gap()
			if (err == nil) != tc.ok || tc.ok && g != tc.want {
				t.Errorf("Gap() = %+v, %v; want %+v (ok %v)", g, err, tc.want, tc.ok)
			}
		})
	}
}

func TestMarkReadAndBefore(t *testing.T) {
	c, srv := sandbox(t)
	ctx := context.Background()
	for _, text := range []string{"one", "two", "three"} {
		lumaToAnalysts(t, srv.URL, text)
	}
	page, err := c.Messages(ctx, client.MessageFilter{Vendor: "luma"})
	if err != nil || page.Total != 3 {
		t.Fatalf("messages = %+v, %v", page, err)
	}
	older, err := c.Messages(ctx, client.MessageFilter{Vendor: "luma", Before: page.Messages[0].Seq})
	if err != nil || older.Count != 2 || older.Messages[0].Body != "two" {
		t.Errorf("before the newest: %+v, %v; want the two older ones", older, err)
	}
	n, err := c.MarkRead(ctx, client.MessageFilter{Vendor: "luma", Limit: 1, Before: 2})
	if err != nil || n != 3 {
		t.Fatalf("MarkRead = %d, %v; want 3 (limit and before ignored)", n, err)
	}
	if n, err := c.MarkRead(ctx, client.MessageFilter{Vendor: "luma"}); err != nil || n != 0 {
		t.Errorf("MarkRead again = %d, %v; want 0", n, err)
	}
	groups, err := c.Groups(ctx, "luma", "acme")
	if err != nil || groups[0].Unread != 0 || groups[0].Count != 3 {
		t.Errorf("after MarkRead the tenant counts %+v (%v)", groups[0], err)
	}
}
