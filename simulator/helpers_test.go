package simulator_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/notifysim/notifysim/simulator"
)

// do sends one request straight to the handler (no network) and returns the recorder. headers
// are name, value pairs.
func do(h http.Handler, method, path string, body []byte, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://127.0.0.1"+path, bytes.NewReader(body)) // a loopback Host, as /_sim wants
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// newSim builds a strict simulator with the demo dataset (or the given fixtures) for a test or
// benchmark, closed at the end.
func newSim(tb testing.TB, fixtures []byte) *simulator.Simulator {
	tb.Helper()
	sim, err := simulator.New(simulator.Options{Fixtures: fixtures, Seed: 42})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(sim.Close)
	return sim
}
