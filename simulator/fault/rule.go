// Package fault holds the simulator's fault rules: which requests or deliveries they match, what
// they do (answer an error, delay, drop, hang, fail a delivery), and when they fire (after the
// first N matches, for the next N, with a seeded probability).
package fault

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Actions a rule can take.
const (
	Respond      = "respond"       // answer Status in the vendor's own error body (or Body)
	Delay        = "delay"         // wait, then handle the request as usual
	Drop         = "drop"          // close the connection without an answer
	Hang         = "hang"          // answer nothing until the client gives up
	FailDelivery = "fail-delivery" // accept the request; delivery to the recipients fails
)

// MaxDelay bounds a delay, drawn or fixed: a rule is a test aid, not a way to park goroutines.
const MaxDelay = 10 * time.Minute

// Rule is one fault. Vendor and Action are required; the other match fields narrow it.
type Rule struct {
	ID string `json:"id,omitempty"`
	// Vendor is luma, luminous, mykaarma or kore.
	Vendor string `json:"vendor"`
	// Operation is an operationId of the vendor's spec (sendNotification…); empty matches all.
	Operation string `json:"operation,omitempty"`
	// Tenant is a Luma tenant, a Luminous project, a myKaarma department or a Kore bot.
	Tenant string `json:"tenant,omitempty"`
	// Recipient narrows a fail-delivery rule to one recipient (login id, phone, user UUID, email).
	Recipient string `json:"recipient,omitempty"`
	Action    string `json:"action"`
	// Status is the respond action's HTTP status (400–599).
	Status int `json:"status,omitempty"`
	// Body replaces the vendor's error body of a respond action.
	Body json.RawMessage `json:"body,omitempty"`
	// RetryAfter is the Retry-After seconds sent with 429 and 503 (default 1).
	RetryAfter int `json:"retryAfter,omitempty"`
	// Delay is the delay action's latency.
	Delay *Latency `json:"delay,omitempty"`
	// Probability (0–1) that a match fires; nil is always.
	Probability *float64 `json:"probability,omitempty"`
	// Count expires the rule after it fired this many times; 0 never expires.
	Count int `json:"count,omitempty"`
	// After lets the first After matches pass untouched.
	After int `json:"after,omitempty"`
	// Seed fixes the probability draws of this rule; 0 derives one from the simulator's seed.
	Seed uint64 `json:"seed,omitempty"`
}

// Latency is a fixed delay ("300ms") or one drawn per request from a distribution:
// {"distribution":"uniform","min":"100ms","max":"500ms"} or
// {"distribution":"lognormal","median":"200ms","sigma":0.5}.
type Latency struct {
	Fixed        Duration `json:"fixed,omitempty"`
	Distribution string   `json:"distribution,omitempty"`
	Min          Duration `json:"min,omitempty"`
	Max          Duration `json:"max,omitempty"`
	Median       Duration `json:"median,omitempty"`
	Sigma        float64  `json:"sigma,omitempty"`
}

// UnmarshalJSON accepts a duration string as a fixed latency, or the object form.
func (l *Latency) UnmarshalJSON(b []byte) error {
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '"' {
		return l.Fixed.UnmarshalJSON(t)
	}
	type plain Latency
	var p plain
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return fmt.Errorf("must be a duration such as \"300ms\" or an object with distribution uniform (min, max) or lognormal (median, sigma): %v", err)
	}
	*l = Latency(p)
	return nil
}

// Duration is a time.Duration written as "300ms" in JSON and YAML.
type Duration time.Duration

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("must be a duration string such as \"300ms\" or \"2s\"")
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q is not a duration such as \"300ms\" or \"2s\"", s)
	}
	*d = Duration(v)
	return nil
}

// check says what is wrong with l, naming the field.
func (l *Latency) check() error {
	bad := func(f string, args ...any) error { return fmt.Errorf("delay."+f, args...) }
	switch l.Distribution {
	case "":
		if l.Fixed <= 0 {
			return bad("fixed: must be a positive duration such as \"300ms\"")
		}
		if time.Duration(l.Fixed) > MaxDelay {
			return bad("fixed: %s is longer than the %s a delay may last", time.Duration(l.Fixed), MaxDelay)
		}
	case "uniform":
		if l.Min < 0 || l.Max <= 0 || l.Max < l.Min {
			return bad("min, max: a uniform delay needs 0 ≤ min ≤ max and max > 0, got min %s max %s", time.Duration(l.Min), time.Duration(l.Max))
		}
		if time.Duration(l.Max) > MaxDelay {
			return bad("max: %s is longer than the %s a delay may last", time.Duration(l.Max), MaxDelay)
		}
	case "lognormal":
		if l.Median <= 0 {
			return bad("median: a lognormal delay needs a positive median such as \"200ms\"")
		}
		if l.Sigma < 0 || l.Sigma > 5 || math.IsNaN(l.Sigma) {
			return bad("sigma: must be between 0 and 5, got %v", l.Sigma)
		}
	default:
		return bad("distribution: must be uniform or lognormal (or give a fixed duration), got %q", l.Distribution)
	}
	return nil
}

// draw picks one latency; u1 and u2 are independent uniform numbers in [0, 1).
func (l *Latency) draw(u1, u2 float64) time.Duration {
	var d float64
	switch l.Distribution {
	case "uniform":
		d = float64(l.Min) + u1*float64(l.Max-l.Min)
	case "lognormal":
		// Box–Muller turns two uniforms into a standard normal draw.
		z := math.Sqrt(-2*math.Log(1-u1)) * math.Cos(2*math.Pi*u2)
		d = float64(l.Median) * math.Exp(l.Sigma*z)
	default:
		return time.Duration(l.Fixed)
	}
	return time.Duration(min(d, float64(MaxDelay)))
}

// Check says what is wrong with a rule, naming the field; known maps each vendor to its
// operationIds.
func (r *Rule) Check(known map[string][]string) error {
	ops, ok := known[r.Vendor]
	if !ok {
		return fmt.Errorf("vendor: must be one of %s, got %q", vendorList(known), r.Vendor)
	}
	if r.Operation != "" && !slices.Contains(ops, r.Operation) {
		return fmt.Errorf("operation: %s has no operation %q; its operationIds are %s", r.Vendor, r.Operation, strings.Join(ops, ", "))
	}
	switch r.Action {
	case Respond:
		if r.Status < 400 || r.Status > 599 {
			return fmt.Errorf("status: respond needs an error status from 400 to 599, got %d", r.Status)
		}
		if len(r.Body) > 0 && !json.Valid(r.Body) {
			return fmt.Errorf("body: must be JSON")
		}
		if r.RetryAfter < 0 {
			return fmt.Errorf("retryAfter: must be a number of seconds ≥ 0, got %d", r.RetryAfter)
		}
	case Delay:
		if r.Delay == nil {
			return fmt.Errorf("delay: the delay action needs a delay such as \"300ms\"")
		}
		if err := r.Delay.check(); err != nil {
			return err
		}
	case Drop, Hang, FailDelivery:
	default:
		return fmt.Errorf("action: must be one of respond, delay, drop, hang, fail-delivery, got %q", r.Action)
	}
	if r.Action != Respond && (r.Status != 0 || len(r.Body) > 0 || r.RetryAfter != 0) {
		return fmt.Errorf("status, body, retryAfter: only the respond action answers; this rule's action is %s", r.Action)
	}
	if r.Action != Delay && r.Delay != nil {
		return fmt.Errorf("delay: only the delay action waits; this rule's action is %s", r.Action)
	}
	if r.Recipient != "" && r.Action != FailDelivery {
		return fmt.Errorf("recipient: only fail-delivery matches a recipient (a request can name many); use tenant or operation for %s", r.Action)
	}
	if p := r.Probability; p != nil && (*p < 0 || *p > 1 || math.IsNaN(*p)) {
		return fmt.Errorf("probability: must be between 0 and 1, got %v", *p)
	}
	if r.Count < 0 {
		return fmt.Errorf("count: must be ≥ 0 (0 never expires), got %d", r.Count)
	}
	if r.After < 0 {
		return fmt.Errorf("after: must be ≥ 0, got %d", r.After)
	}
	if len(r.ID) > 64 || strings.ContainsFunc(r.ID, func(c rune) bool { return c <= ' ' || c > '~' || c == '/' }) {
		return fmt.Errorf("id: at most 64 printable characters without spaces or slashes, got %q", r.ID)
	}
	return nil
}

// retryAfter is the Retry-After value of a respond rule, or "" when its status takes none.
func (r *Rule) retryAfter() string {
	if r.Status != http.StatusTooManyRequests && r.Status != http.StatusServiceUnavailable {
		return ""
	}
	if r.RetryAfter == 0 {
		return "1"
	}
	return fmt.Sprint(r.RetryAfter)
}

// Fixed is a fixed latency for a delay rule.
func Fixed(d time.Duration) *Latency { return &Latency{Fixed: Duration(d)} }

// Chance is a rule's Probability.
func Chance(p float64) *float64 { return &p }
