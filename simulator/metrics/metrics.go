// Package metrics keeps one simulator's Prometheus metrics: requests by vendor, operation and
// status, their latency, and gauges read from the simulator's state when scraped. Each Metrics has
// its own registry, never the client's global default one, so several simulators can run in one
// process (tests do) without their series colliding.
package metrics

import (
	"bytes"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/common/expfmt"
)

// ContentType is the Prometheus text exposition format that Expose writes.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Source is the state the gauges read at scrape time. Nil functions are left out.
type Source struct {
	Messages      func() int   // messages in the store
	Subscribers   func() int   // open event-bus subscriptions (SSE clients, the TUI, waiters)
	EventsDropped func() int64 // events a slow subscriber missed since start
	Journal       func() int64 // vendor requests journaled since the last reset
}

// Metrics records requests and exposes them with the Source's gauges.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// series caches each label set's counter and histogram: looking them up by their label
	// values hashed the values (and formatted the status) on every request.
	series sync.Map // seriesKey → *series
}

type seriesKey struct {
	vendor, operation string
	status            int
}

type series struct {
	requests prometheus.Counter
	latency  prometheus.Observer
}

// latencyBuckets start at 50 µs: a validated send takes tens of microseconds, so the client's
// default buckets (from 5 ms) would put nearly every request in the first one.
var latencyBuckets = []float64{0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// New returns metrics over src, with the Go runtime and process collectors registered too.
func New(src Source) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "notifysim", Name: "requests_total",
			Help: "Requests answered, by vendor (admin for /_sim, none when no route matched), operationId and HTTP status.",
		}, []string{"vendor", "operation", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "notifysim", Name: "request_duration_seconds",
			Help:    "Time from receiving a request to writing its answer, by vendor and operationId.",
			Buckets: latencyBuckets,
		}, []string{"vendor", "operation"}),
	}
	m.reg.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	gauge := func(name, help string, f func() float64) {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "notifysim", Name: name, Help: help}, f))
	}
	counter := func(name, help string, f func() float64) {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: "notifysim", Name: name, Help: help}, f))
	}
	if src.Messages != nil {
		gauge("messages_stored", "Messages held in the store.", func() float64 { return float64(src.Messages()) })
	}
	if src.Subscribers != nil {
		gauge("event_subscribers", "Open event-bus subscriptions: SSE streams, the TUI, long-polls.", func() float64 { return float64(src.Subscribers()) })
	}
	if src.EventsDropped != nil {
		counter("events_dropped_total", "Events a subscriber missed because it read too slowly.", func() float64 { return float64(src.EventsDropped()) })
	}
	if src.Journal != nil {
		gauge("journal_requests", "Vendor requests journaled since the last reset.", func() float64 { return float64(src.Journal()) })
	}
	return m
}

// Observe records one answered request. vendor "" is recorded as "none" (no route matched).
func (m *Metrics) Observe(vendor, operation string, status int, d time.Duration) {
	if vendor == "" {
		vendor = "none"
	}
	k := seriesKey{vendor, operation, status}
	sr, ok := m.series.Load(k)
	if !ok {
		sr, _ = m.series.LoadOrStore(k, &series{
			requests: m.requests.WithLabelValues(vendor, operation, strconv.Itoa(status)),
			latency:  m.latency.WithLabelValues(vendor, operation),
		})
	}
	s := sr.(*series)
	s.requests.Inc()
	s.latency.Observe(d.Seconds())
}

// Expose gathers every metric in the text format (ContentType).
func (m *Metrics) Expose() ([]byte, error) {
	families, err := m.reg.Gather()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, f := range families {
		if err := enc.Encode(f); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// Registry is the simulator's own registry, for a caller that serves it with promhttp or adds
// collectors of its own.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }
