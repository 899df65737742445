package simulator

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/notifysim/notifysim/simulator/guard"
)

// refuseAdmin answers a /_sim request the guard refuses, in the admin API's error shape, and
// reports whether it did. It runs before routing, so a refused request reaches no handler and
// the refusal does not depend on the route existing.
func (s *Simulator) refuseAdmin(w http.ResponseWriter, r *http.Request) bool {
	if !guard.Protects(r.URL.Path) {
		return false
	}
	ref := s.guard.Check(r)
	if ref == nil {
		return false
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // the reasons say "Bearer <token>"
	_ = enc.Encode(map[string]string{"error": ref.Reason})
	data := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Request-Id", s.env.IDs.UUID())
	if ref.Challenge != "" {
		h.Set("WWW-Authenticate", ref.Challenge)
	}
	w.WriteHeader(ref.Status)
	_, _ = w.Write(data)
	s.env.Log.Warn("admin request refused", "method", r.Method, "path", r.URL.Path, "host", r.Host,
		"remote", r.RemoteAddr, "status", ref.Status, "reason", ref.Reason)
	return true
}
