package client

import (
	"context"
	"net/http"
)

// MarkRead marks every message matching f seen (POST /_sim/messages/read), as reading each one
// would, and returns how many were unread. Limit, Cursor, Before, Wait and Count are ignored.
func (c *Client) MarkRead(ctx context.Context, f MessageFilter) (int, error) {
	q := f.values()
	for _, k := range []string{"limit", "cursor", "before", "wait", "count"} {
		q.Del(k)
	}
	var out struct {
		Marked int `json:"marked"`
	}
	err := c.do(ctx, http.MethodPost, "/_sim/messages/read", q, "", nil, &out)
	return out.Marked, err
}
