package metrics_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/notifysim/notifysim/simulator/metrics"
)

func TestExpose(t *testing.T) {
	tests := []struct {
		name    string
		src     metrics.Source
		observe func(*metrics.Metrics)
		want    []string
		absent  []string
	}{
		{
			name: "requests by vendor, operation and status",
			observe: func(m *metrics.Metrics) {
				m.Observe("luma", "notifyLumaUser", 200, 80*time.Microsecond)
				m.Observe("luma", "notifyLumaUser", 200, 3*time.Millisecond)
				m.Observe("luma", "notifyLumaUser", 401, time.Millisecond)
			},
			want: []string{
				`notifysim_requests_total{operation="notifyLumaUser",status="200",vendor="luma"} 2`,
				`notifysim_requests_total{operation="notifyLumaUser",status="401",vendor="luma"} 1`,
				`notifysim_request_duration_seconds_bucket{operation="notifyLumaUser",vendor="luma",le="0.0001"} 1`,
				`notifysim_request_duration_seconds_count{operation="notifyLumaUser",vendor="luma"} 3`,
			},
		},
		{
			name:    "no route is vendor none",
			observe: func(m *metrics.Metrics) { m.Observe("", "", 404, time.Millisecond) },
			want:    []string{`notifysim_requests_total{operation="",status="404",vendor="none"} 1`},
		},
		{
			name: "gauges read the source when scraped",
			src: metrics.Source{
				Messages:      func() int { return 42 },
				Subscribers:   func() int { return 2 },
				EventsDropped: func() int64 { return 7 },
				Journal:       func() int64 { return 9 },
			},
			want: []string{"notifysim_messages_stored 42", "notifysim_event_subscribers 2",
				"notifysim_events_dropped_total 7", "notifysim_journal_requests 9", "go_goroutines "},
		},
		{
			name:   "a source left out has no metric",
			want:   []string{"go_goroutines "},
			absent: []string{"notifysim_messages_stored", "notifysim_events_dropped_total"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := metrics.New(tt.src)
			if tt.observe != nil {
				tt.observe(m)
			}
			data, err := m.Expose()
			if err != nil {
				t.Fatal(err)
			}
			text := string(data)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("missing %q in\n%s", w, text)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(text, a) {
					t.Errorf("unexpected %q", a)
				}
			}
		})
	}
}

// Two simulators in one process must not share series: each has its own registry.
func TestRegistriesAreSeparate(t *testing.T) {
	a, b := metrics.New(metrics.Source{}), metrics.New(metrics.Source{})
	a.Observe("kore", "notify", 200, time.Millisecond)
	data, err := b.Expose()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), `vendor="kore"`) {
		t.Fatalf("b shows a's request:\n%s", data)
	}
}

func TestObserveConcurrently(t *testing.T) {
	m := metrics.New(metrics.Source{})
	done := make(chan struct{})
	for g := 0; g < 4; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := 0; i < 250; i++ {
				m.Observe("luminous", "sendCampaign", 200, time.Millisecond)
			}
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
	data, _ := m.Expose()
	if !strings.Contains(string(data), `notifysim_requests_total{operation="sendCampaign",status="200",vendor="luminous"} 1000`) {
		t.Fatalf("lost counts:\n%s", data)
	}
}

func ExampleMetrics_Expose() {
	m := metrics.New(metrics.Source{Messages: func() int { return 1 }})
	m.Observe("luma", "notifyLumaUser", 200, 120*time.Microsecond)
	data, _ := m.Expose()
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "notifysim_requests_total") || strings.HasPrefix(line, "notifysim_messages_stored") {
			fmt.Println(line)
		}
	}
	// Output:
	// notifysim_messages_stored 1
	// notifysim_requests_total{operation="notifyLumaUser",status="200",vendor="luma"} 1
}

func BenchmarkObserve(b *testing.B) {
	m := metrics.New(metrics.Source{})
	for b.Loop() {
		m.Observe("luma", "notifyLumaUser", 200, 100*time.Microsecond)
	}
}
