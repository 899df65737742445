package client

// EventGap is the event a subscriber gets in place of events it missed: it fell behind, or
// resumed after they had left the sandbox's history. Whatever it shows from those events is
// stale: reload it from the admin API.
const EventGap = "gap"

// Gap names the events a subscriber missed: every event with an id from First to Last that its
// filter would have let through. Missed counts them when the sandbox knows (a subscriber that
// fell behind); 0 when they had already left the history before a resume asked for them.
type Gap struct {
	First  int64 `json:"first"`
	Last   int64 `json:"last"`
	Missed int64 `json:"missed,omitempty"`
}

// Gap decodes the data of a gap event.
func (e Event) Gap() (Gap, error) {
	var g Gap
	return g, e.decode(&g, EventGap)
}
