package core

import (
	"testing"
	"time"
)

// recv returns the next event on s, failing the test if none arrives (the timeout only guards
// against a hang; nothing asserts a duration).
func recv(t *testing.T, s *Subscription) Event {
	t.Helper()
	select {
	case e, ok := <-s.C:
		if !ok {
			t.Fatal("subscription closed, want an event")
		}
		return e
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5s")
	}
	return Event{}
}

// noEvent fails if an event is already waiting on s.
func noEvent(t *testing.T, s *Subscription) {
	t.Helper()
	select {
	case e, ok := <-s.C:
		if ok {
			t.Fatalf("unexpected event %+v", e)
		}
		t.Fatal("subscription unexpectedly closed")
	default:
	}
}

func TestBusFanOutAndFilters(t *testing.T) {
	b := NewBus()
	all1 := b.Subscribe(8, nil)
	all2 := b.Subscribe(8, nil)
	lumaOnly := b.Subscribe(8, func(e Event) bool { return e.Vendor == "luma" })
	if n := b.Subscribers(); n != 3 {
		t.Fatalf("Subscribers = %d, want 3", n)
	}
	events := []Event{
		{Type: EventMessageDelivered, Vendor: "luma"},
		{Type: EventMessageDelivered, Vendor: "kore"},
		{Type: EventStateReset},
	}
	var published []Event
	for _, e := range events {
		published = append(published, b.Publish(e))
	}
	for i := 1; i < len(published); i++ {
		if published[i].ID <= published[i-1].ID {
			t.Errorf("ids not increasing: %d then %d", published[i-1].ID, published[i].ID)
		}
	}
	if published[0].ID != 1 {
		t.Errorf("first id = %d, want 1", published[0].ID)
	}
	tests := []struct {
		name string
		sub  *Subscription
		want []int // indexes into published
	}{
		{"first unfiltered subscriber", all1, []int{0, 1, 2}},
		{"second unfiltered subscriber", all2, []int{0, 1, 2}},
		{"filtered subscriber", lumaOnly, []int{0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, i := range tc.want {
				got := recv(t, tc.sub)
				if got.ID != published[i].ID || got.Type != published[i].Type || got.Vendor != published[i].Vendor {
					t.Errorf("got %+v, want %+v", got, published[i])
				}
			}
			noEvent(t, tc.sub)
			if d := tc.sub.Dropped(); d != 0 {
				t.Errorf("Dropped = %d, want 0", d)
			}
		})
	}
}

func TestBusSlowSubscriberDrops(t *testing.T) {
	b := NewBus()
	slow := b.Subscribe(2, nil)
	fast := b.Subscribe(100, nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 10; i++ {
			b.Publish(Event{Type: EventJobProgress})
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Publish blocked on a subscriber nobody reads")
	}
	if d := slow.Dropped(); d != 8 {
		t.Errorf("slow Dropped = %d, want 8 (buffer 2, 10 events)", d)
	}
	if d := fast.Dropped(); d != 0 {
		t.Errorf("fast Dropped = %d, want 0", d)
	}
	if d := b.Dropped(); d != 8 {
		t.Errorf("bus Dropped = %d, want 8 (the sum over subscribers)", d)
	}
	// The slow subscriber kept the first two, in order.
	if e := recv(t, slow); e.ID != 1 {
		t.Errorf("slow got id %d first, want 1", e.ID)
	}
	if e := recv(t, slow); e.ID != 2 {
		t.Errorf("slow got id %d second, want 2", e.ID)
	}
	noEvent(t, slow)
	// Once it has room again it gets new events.
	b.Publish(Event{Type: EventJobProgress})
	if e := recv(t, slow); e.ID != 11 {
		t.Errorf("after draining, slow got id %d, want 11", e.ID)
	}
}

func TestBusSubscribeBufferAtLeastOne(t *testing.T) {
	b := NewBus()
	s := b.Subscribe(0, nil)
	b.Publish(Event{Type: EventStateReset})
	if s.Dropped() != 0 {
		t.Fatal("a buffer of 0 should be raised to 1 and keep one event")
	}
	recv(t, s)
}

func TestBusCloseIdempotent(t *testing.T) {
	b := NewBus()
	s := b.Subscribe(4, nil)
	other := b.Subscribe(4, nil)
	s.Close()
	s.Close() // must not panic (double close of the channel)
	if _, ok := <-s.C; ok {
		t.Error("C still open after Close")
	}
	if n := b.Subscribers(); n != 1 {
		t.Errorf("Subscribers = %d after closing one of two, want 1", n)
	}
	// Publishing after a Close neither panics (send on closed channel) nor counts as a drop.
	b.Publish(Event{Type: EventStateReset})
	if s.Dropped() != 0 {
		t.Errorf("closed subscription Dropped = %d", s.Dropped())
	}
	recv(t, other)
	other.Close()
	if n := b.Subscribers(); n != 0 {
		t.Errorf("Subscribers = %d, want 0", n)
	}
}

func TestBusConcurrentPublishClose(t *testing.T) {
	b := NewBus()
	stop := make(chan struct{})
	published := make(chan struct{})
	go func() {
		defer close(published)
		for {
			select {
			case <-stop:
				return
			default:
				b.Publish(Event{Type: EventJobProgress})
			}
		}
	}()
	for i := 0; i < 50; i++ {
		s := b.Subscribe(1, nil)
		s.Close()
	}
	close(stop)
	<-published
	if n := b.Subscribers(); n != 0 {
		t.Errorf("Subscribers = %d, want 0", n)
	}
}
