package admin

import (
	"net/http"

	"github.com/notifysim/notifysim/simulator/core"
)

// markMessagesRead answers POST /_sim/messages/read: every message matching the filters of GET
// /_sim/messages is marked seen, as opening each one would. An inspector's "mark all read" of a
// group then costs one request, not one per message.
func (a *API) markMessagesRead(req *core.Request) core.Response {
	f := a.filter(req.HTTP)
	f.Limit = 0
	marked := 0
	for _, m := range a.c.Env.Store.Query(f) {
		if m.Seen {
			continue
		}
		// Seen is checked again under the store's lock: a message opened meanwhile is not
		// counted twice.
		wasUnread := false
		a.c.Env.Store.Update(m.ID, func(m *core.Message) {
			wasUnread = !m.Seen
			m.Seen = true
		})
		if wasUnread {
			marked++
		}
	}
	return core.JSON(http.StatusOK, map[string]int{"marked": marked})
}
