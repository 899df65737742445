package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
)

// FaultRule is a fault rule as POST /_sim/faults takes it: Vendor and Action are required. Delay
// is "300ms" or a distribution object; Body replaces the vendor's error body of a respond rule.
type FaultRule struct {
	ID          string          `json:"id,omitempty"`
	Vendor      string          `json:"vendor"`
	Operation   string          `json:"operation,omitempty"`
	Tenant      string          `json:"tenant,omitempty"`
	Recipient   string          `json:"recipient,omitempty"`
	Action      string          `json:"action"`
	Status      int             `json:"status,omitempty"`
	Body        json.RawMessage `json:"body,omitempty"`
	RetryAfter  int             `json:"retryAfter,omitempty"`
	Delay       json.RawMessage `json:"delay,omitempty"`
	Probability *float64        `json:"probability,omitempty"`
	Count       int             `json:"count,omitempty"`
	After       int             `json:"after,omitempty"`
	Seed        uint64          `json:"seed,omitempty"`
}

// Fault is a rule in force with its counters.
type Fault struct {
	FaultRule
	Matched  int  `json:"matched"`
	Fired    int  `json:"fired"`
	Expired  bool `json:"expired"`
	FromFile bool `json:"fromFile"`
}

// Faults lists the fault rules in the order they apply.
func (c *Client) Faults(ctx context.Context) ([]Fault, error) {
	var list struct {
		Faults []Fault `json:"faults"`
	}
	return list.Faults, c.get(ctx, "/_sim/faults", nil, &list)
}

// AddFault puts a rule in force and returns it with its id; an *Error names a wrong field.
func (c *Client) AddFault(ctx context.Context, r FaultRule) (Fault, error) {
	body, err := json.Marshal(r)
	if err != nil {
		return Fault{}, err
	}
	var f Fault
	return f, c.do(ctx, http.MethodPost, "/_sim/faults", nil, "application/json", body, &f)
}

// DeleteFault removes rule id (an *Error with Status 404 when there is none).
func (c *Client) DeleteFault(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/_sim/faults/"+url.PathEscape(id), nil, "", nil, nil)
}

// ClearFaults removes every rule, those of serve --faults too.
func (c *Client) ClearFaults(ctx context.Context) error {
	return c.do(ctx, http.MethodDelete, "/_sim/faults", nil, "", nil, nil)
}
