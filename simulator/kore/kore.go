// Package kore simulates the kore API. Placeholder until the vendor lands: no routes, no state.
package kore

import (
	"encoding/json"
	"net/http"

	"github.com/notifysim/notifysim/simulator/core"
)

// Vendor is the simulated API.
type Vendor struct{ env *core.Env }

// New returns the simulated API sharing env.
func New(env *core.Env) *Vendor { return &Vendor{env: env} }

func (v *Vendor) Name() string                                      { return "kore" }
func (v *Vendor) Handlers() map[string]core.Handler                 { return map[string]core.Handler{} }
func (v *Vendor) Authenticate(string, *core.Request) *core.Response { return nil }
func (v *Vendor) Load(json.RawMessage) (func(), error)              { return func() {}, nil }
func (v *Vendor) Snapshot() any                                     { return map[string]any{} }

func (v *Vendor) Reject(_ *core.Request, rej core.Rejection) core.Response {
	return core.Response{Status: http.StatusBadRequest, Body: map[string]any{"message": rej.Problems}}
}
