package admin

import "github.com/notifysim/notifysim/simulator/core"

// evicted is how many messages the store dropped to stay under its cap; 0 for a store without one.
func evicted(s core.Store) int64 {
	if b, ok := s.(interface{ Evicted() int64 }); ok {
		return b.Evicted()
	}
	return 0
}
