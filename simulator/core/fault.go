package core

// EventFaultApplied is published each time a fault rule changes what a request or a delivery
// does; its Data is a FaultApplied.
const EventFaultApplied = "fault.applied"

// RejectFault is the rejection kind of a fault rule's respond action: the vendor renders the
// status in its own error body, as it would answer that status for real.
const RejectFault = "fault"

// Principal is who a vendor's authentication let through. Each vendor has its own concrete type;
// PrincipalName says who it is for the journal ("tenant acme", "app cs-demo-app on bot …").
type Principal interface {
	PrincipalName() string
}

// FaultApplied says which rule did what to which request or recipient.
type FaultApplied struct {
	Rule      string `json:"rule"`
	Action    string `json:"action"`
	Vendor    string `json:"vendor"`
	Operation string `json:"operation,omitempty"`
	Tenant    string `json:"tenant,omitempty"`
	Recipient string `json:"recipient,omitempty"`
	RequestID string `json:"requestId,omitempty"`
	Status    int    `json:"status,omitempty"`
	DelayMS   int64  `json:"delayMs,omitempty"`
}

// DeliveryFaults decides, per recipient, whether a delivery a vendor accepted fails anyway (the
// fail-delivery fault action). A nil DeliveryFaults in Env fails nothing.
type DeliveryFaults interface {
	// FailDelivery returns the id of the rule that fails delivery to recipient, or ok false.
	FailDelivery(req *Request, vendor, tenant, recipient string) (rule string, ok bool)
}

// FailsDelivery asks the simulator's fault rules whether delivery to recipient must fail.
func (e *Env) FailsDelivery(req *Request, vendor, tenant, recipient string) (rule string, ok bool) {
	if e.Faults == nil {
		return "", false
	}
	return e.Faults.FailDelivery(req, vendor, tenant, recipient)
}

// DeliveryFaultsActive reports whether any fault rule may fail a delivery: false lets a vendor
// skip asking recipient by recipient (a fan-out to 100,000 asked 100,000 times).
func (e *Env) DeliveryFaultsActive() bool {
	if e.Faults == nil {
		return false
	}
	if a, ok := e.Faults.(interface{ Active() bool }); ok {
		return a.Active()
	}
	return true
}

// Fail stores messages that were accepted but never reached their recipient: status failed with
// reason, never delivered, each published as message.status.
func (e *Env) Fail(req *Request, reason string, msgs ...Message) []Message {
	now := e.Clock.Now()
	e.prepare(req, msgs, now, func(m *Message) {
		m.Status = StatusFailed
		m.History = append(m.History, StatusChange{Status: StatusFailed, At: now, Reason: reason})
	})
	e.Store.Add(msgs)
	e.publish(req, msgs, EventMessageStatus, now)
	return msgs
}

// MarkFault records that fault rule id was applied to this request, for the journal.
func (r *Request) MarkFault(id string) {
	r.mu.Lock()
	r.faults = append(r.faults, id)
	r.mu.Unlock()
}

// Faults returns the ids MarkFault recorded.
func (r *Request) Faults() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.faults...)
}

// PublishFault announces an applied fault on the bus, stamped with the simulator's clock.
func (e *Env) PublishFault(f FaultApplied) {
	e.Bus.Publish(Event{Type: EventFaultApplied, Time: e.Clock.Now(), Vendor: f.Vendor, Data: f})
}
