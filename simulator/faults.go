package simulator

import "github.com/notifysim/notifysim/simulator/fault"

// FaultRule is one fault: which vendor requests or deliveries it matches and what it does to
// them (respond, delay, drop, hang, fail-delivery). See docs/faults.md.
type FaultRule = fault.Rule

// Fault is a rule as it stands: its id, and how often it matched and fired.
type Fault = fault.State

// AddFault puts a fault rule in force, as POST /_sim/faults does, and returns it with its id.
// The error names the field that is wrong.
func (s *Simulator) AddFault(r FaultRule) (Fault, error) { return s.faults.Add(r, false) }

// Faults lists the rules in the order they apply.
func (s *Simulator) Faults() []Fault { return s.faults.List() }

// DeleteFault removes rule id; false when there is none.
func (s *Simulator) DeleteFault(id string) bool { return s.faults.Delete(id) }

// ClearFaults removes every rule, those of Options.Faults too.
func (s *Simulator) ClearFaults() { s.faults.Clear() }
