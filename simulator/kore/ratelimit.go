package kore

import (
	"sort"
	"sync"
	"time"
)

// limiter is one bot's rolling-window rate limit: notify and status calls together, at most
// perMinute in any 60 s and perHour in any 3600 s of simulated time. It keeps the time of every
// allowed call of the last hour (at most perHour of them).
type limiter struct {
	perMinute, perHour int

	mu   sync.Mutex
	hits []time.Time // ascending; only the last hour
}

func newLimiter(perMinute, perHour int) *limiter {
	return &limiter{perMinute: perMinute, perHour: perHour}
}

// allow records a call at now, or says how long until one would be allowed. The hour window is
// checked first: once it is spent the bot waits for it even when the minute has room.
func (l *limiter) allow(now time.Time) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(now)
	if n := len(l.hits); n >= l.perHour {
		// The call is allowed again when enough of the oldest hits leave the hour.
		return false, l.hits[n-l.perHour].Add(time.Hour).Sub(now)
	}
	inMinute := l.hits[l.since(now.Add(-time.Minute)):]
	if n := len(inMinute); n >= l.perMinute {
		return false, inMinute[n-l.perMinute].Add(time.Minute).Sub(now)
	}
	if n := len(l.hits); n > 0 && now.Before(l.hits[n-1]) {
		// The clock was set back; keep the hits ordered.
		now = l.hits[n-1]
	}
	l.hits = append(l.hits, now)
	return true, 0
}

// used counts the calls in the last minute and the last hour.
func (l *limiter) used(now time.Time) (minute, hour int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(now)
	return len(l.hits) - l.since(now.Add(-time.Minute)), len(l.hits)
}

// since is the index of the first hit after t.
func (l *limiter) since(t time.Time) int {
	return sort.Search(len(l.hits), func(i int) bool { return l.hits[i].After(t) })
}

func (l *limiter) prune(now time.Time) {
	if i := l.since(now.Add(-time.Hour)); i > 0 {
		l.hits = append(l.hits[:0], l.hits[i:]...)
	}
}
