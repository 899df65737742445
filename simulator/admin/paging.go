package admin

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/notifysim/notifysim/simulator/core"
)

// Cursors are opaque to clients: "p" and a Seq in base 36. The "p" lets the format change
// later without old cursors being read as new ones.
const cursorPrefix = "p"

func encodeCursor(seq int64) string { return cursorPrefix + strconv.FormatInt(seq, 36) }

// cursorParam reads ?cursor=, the nextCursor of a previous page: 0 when absent.
func cursorParam(r *http.Request) (int64, *core.Response) {
	v := r.URL.Query().Get("cursor")
	if v == "" {
		return 0, nil
	}
	seq, err := strconv.ParseInt(strings.TrimPrefix(v, cursorPrefix), 36, 64)
	if !strings.HasPrefix(v, cursorPrefix) || err != nil || seq <= 0 {
		resp := fail(http.StatusBadRequest, "cursor: %q is not a cursor this API gave; pass the nextCursor of the previous page, or leave cursor out for the first page", v)
		return 0, &resp
	}
	return seq, nil
}

// beforeParam reads ?before=, a message's seq: the page of what is older than a message the
// client holds (it may have come live, with no cursor). The spec has checked it is a positive
// integer.
func beforeParam(r *http.Request) int64 {
	seq, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	return max(seq, 0)
}

// recipients splits ?recipient= on commas: several ids select the merged inbox of a group.
func recipients(v string) (one string, many []string) {
	if !strings.Contains(v, ",") {
		return strings.TrimSpace(v), nil
	}
	for _, id := range strings.Split(v, ",") {
		if id = strings.TrimSpace(id); id != "" {
			many = append(many, id)
		}
	}
	if len(many) == 0 { // "," names nobody: match nobody rather than everybody
		return v, nil
	}
	return "", many
}
