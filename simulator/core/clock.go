package core

import (
	"sync"
	"time"
)

// Clock is the simulator's notion of time. It runs at wall-clock speed from a base time until it
// is frozen; a frozen clock moves only when Set or Advance is called. Timers created with AfterFunc
// fire when the clock reaches their deadline, whichever way it gets there, so scheduled messages,
// job progress and rate-limit windows all follow the same time.
type Clock struct {
	// mu is read-locked by Now, which every request calls several times: readers don't queue
	// behind each other.
	mu     sync.RWMutex
	frozen bool
	// now is the frozen time, or while running the simulated time at the wall time anchor. A base
	// and an anchor rather than an offset from wall time: a time.Duration saturates at ±292
	// years, so an offset would land a clock set to 9000 or to year 1 somewhere else.
	now    time.Time
	anchor time.Time
	timers timerHeap
	// stopped counts timers stopped while still in the heap: they stay there until they come
	// off its top (or the heap is compacted), so a Stop moves nothing.
	stopped int
	seq     int64
	wall    func() time.Time
	wake    *time.Timer
	wakeAt  time.Time  // the deadline wake is armed for, while it is not nil
	run     sync.Mutex // serialises timer execution
	// busy counts work released with Go and not finished; idle is signalled when it drops to 0.
	busy int
	idle *sync.Cond
}

// The earliest and latest times the clock can be set or advanced to: years 1 to 9998, so a
// running clock has a year before it leaves what RFC 3339 (and JSON) can write.
var (
	MinTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxTime = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
)

// NewClock returns a running clock that follows wall time.
func NewClock() *Clock {
	now := time.Now()
	c := &Clock{wall: time.Now, now: now, anchor: now}
	c.idle = sync.NewCond(&c.mu)
	return c
}

// Go runs fn on a goroutine of its own, so a timer can hand slow work (a script) to it and let
// the clock run the other timers meanwhile. On a clock moved by Advance or Set, the move waits
// for the work it released, and for what that work schedules within the move, before it goes
// on: stepping a frozen clock stays deterministic.
func (c *Clock) Go(fn func()) {
	c.mu.Lock()
	c.busy++
	c.mu.Unlock()
	go func() {
		defer func() {
			c.mu.Lock()
			c.busy--
			if c.busy == 0 {
				c.idle.Broadcast()
			}
			c.mu.Unlock()
		}()
		fn()
	}()
}

// waitIdle blocks until no work released with Go is running.
func (c *Clock) waitIdle() {
	c.mu.Lock()
	for c.busy > 0 {
		c.idle.Wait()
	}
	c.mu.Unlock()
}

// Now returns the simulated time.
func (c *Clock) Now() time.Time {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.nowLocked()
}

func (c *Clock) nowLocked() time.Time {
	if c.frozen {
		return c.now
	}
	return c.now.Add(c.wall().Sub(c.anchor))
}

// Frozen reports whether the clock only moves when told to.
func (c *Clock) Frozen() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.frozen
}

// Freeze stops the clock at its current time.
func (c *Clock) Freeze() {
	c.mu.Lock()
	if !c.frozen {
		c.now = c.nowLocked()
		c.frozen = true
	}
	c.mu.Unlock()
}

// Resume lets a frozen clock run again from its current simulated time.
func (c *Clock) Resume() {
	c.mu.Lock()
	if c.frozen {
		c.anchor = c.wall()
		c.frozen = false
	}
	c.mu.Unlock()
	c.runDue(c.Now(), false)
}

// Set moves the clock to t, forwards or backwards, and runs every timer that is then due.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	if t.Before(c.nowLocked()) {
		c.setLocked(t)
	}
	c.mu.Unlock()
	c.runDue(t, true)
}

// Advance moves the clock forward by d, running due timers on the way: each timer runs with the
// clock at its own deadline, so a timer that schedules the next step (a job's next identity, a
// receipt's next status) sees that step fall inside the same advance.
func (c *Clock) Advance(d time.Duration) {
	c.runDue(c.Now().Add(d), true)
}

// Reset drops every pending timer and puts the clock back on the wall clock, or frozen at start
// when start is not zero.
func (c *Clock) Reset(start time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.timers {
		e.t.done = true
	}
	c.timers, c.stopped = nil, 0
	if c.wake != nil {
		c.wake.Stop()
		c.wake = nil
	}
	c.frozen = !start.IsZero()
	c.anchor = c.wall()
	c.now = start
	if !c.frozen {
		c.now = c.anchor
	}
}

// Timer is a pending AfterFunc.
type Timer struct {
	at    time.Time
	fn    func()
	done  bool // fired, stopped or dropped by Reset; guarded by the clock's mu
	clock *Clock
}

// Stop cancels the timer; it reports whether the timer was still pending.
func (t *Timer) Stop() bool {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.done {
		return false
	}
	t.done = true
	c.stopped++
	// Stopped timers wait in the heap for their deadline; when they are most of a large heap,
	// they go at once, so cancelled far-off timers can't pile up.
	if c.stopped > 1024 && c.stopped > len(c.timers)/2 {
		c.timers.compact()
		c.stopped = 0
	}
	return true
}

// AfterFunc runs fn once the simulated time reaches Now()+d. Timers run one at a time, in
// deadline order, never while the caller holds the clock. fn may call AfterFunc but must not
// call Advance or Set.
func (c *Clock) AfterFunc(d time.Duration, fn func()) *Timer {
	c.mu.Lock()
	c.seq++
	t := &Timer{at: c.nowLocked().Add(d), fn: fn, clock: c}
	earliest := c.timers.push(t, c.seq) == 0
	// The wake-up already armed is for the earliest timer: only a new earliest one moves it, and
	// only earlier than it is armed for. (A stream of Luminous receipts, each due 2 s out,
	// re-armed it on every send; a stream of Kore jobs, each due at once, re-armed it for the
	// same moment on every notify.)
	if c.wake == nil || earliest && t.at.Before(c.wakeAt) {
		c.armLocked()
	}
	c.mu.Unlock()
	return t
}

// Pending is the number of timers not yet fired.
func (c *Clock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers) - c.stopped
}

// setLocked moves the simulated time to t.
func (c *Clock) setLocked(t time.Time) {
	c.now = t
	if !c.frozen {
		c.anchor = c.wall()
	}
}

// runDue moves the clock to target, running each timer due by then at its own deadline. fire
// and runDue may overlap (a wall-clock wake-up during an Advance); running is serialised so a
// timer never runs twice and steps keep their order. With settle (Advance and Set), work
// released with Go, before or by a timer, finishes before the clock moves on.
func (c *Clock) runDue(target time.Time, settle bool) {
	c.run.Lock()
	defer c.run.Unlock()
	if settle {
		c.waitIdle()
	}
	c.mu.Lock()
	for len(c.timers) > 0 && !c.timers[0].t.at.After(target) {
		t := c.timers.pop()
		if t.done { // stopped
			c.stopped--
			continue
		}
		t.done = true
		if t.at.After(c.nowLocked()) {
			c.setLocked(t.at)
		}
		c.mu.Unlock()
		t.fn()
		if settle {
			c.waitIdle()
		}
		c.mu.Lock()
	}
	if target.After(c.nowLocked()) {
		c.setLocked(target)
	}
	c.armLocked()
	c.mu.Unlock()
}

// fire is the wall-clock wake-up: it runs what is due now.
func (c *Clock) fire() { c.runDue(c.Now(), false) }

// armLocked schedules a wall-clock wake-up for the earliest timer: always for one already due,
// and for a future one only while the clock runs.
func (c *Clock) armLocked() {
	if len(c.timers) == 0 || c.frozen && c.timers[0].t.at.After(c.nowLocked()) {
		if c.wake != nil {
			c.wake.Stop()
			c.wake = nil
		}
		return
	}
	wait := max(c.timers[0].t.at.Sub(c.nowLocked()), 0)
	c.wakeAt = c.timers[0].t.at
	if c.wake == nil {
		c.wake = time.AfterFunc(wait, c.fire)
		return
	}
	c.wake.Reset(wait) // fire runs what is due, so one run more than needed does no harm
}

// timerHeap orders pending timers by deadline, then by creation. Each entry carries its sort key,
// so sifting compares within the array and never loads a Timer: a Luminous send pushes and pops
// two timers (its receipts) into a heap of tens of thousands, and with the keys behind pointers
// the comparisons' cache misses were most of the clock's cost under load. Its own sifting rather
// than container/heap's: each step there was two calls through an interface.
type timerHeap []timerEntry

type timerEntry struct {
	sec, nsec int64 // the deadline, as Unix seconds and nanoseconds: any year the clock allows
	seq       int64 // creation order, for equal deadlines
	t         *Timer
}

func (a *timerEntry) less(b *timerEntry) bool {
	if a.sec != b.sec {
		return a.sec < b.sec
	}
	if a.nsec != b.nsec {
		return a.nsec < b.nsec
	}
	return a.seq < b.seq
}

// push adds t, created seq-th, and returns where it landed (0: it is the earliest).
func (h *timerHeap) push(t *Timer, seq int64) int {
	*h = append(*h, timerEntry{sec: t.at.Unix(), nsec: int64(t.at.Nanosecond()), seq: seq, t: t})
	return h.up(len(*h) - 1)
}

// pop takes out the earliest timer and returns it.
func (h *timerHeap) pop() *Timer {
	old := *h
	n := len(old) - 1
	t := old[0].t
	old[0] = old[n]
	old[n] = timerEntry{}
	*h = old[:n]
	h.down(0)
	return t
}

// compact drops the timers that are done and orders the rest again.
func (h *timerHeap) compact() {
	kept := (*h)[:0]
	for _, e := range *h {
		if !e.t.done {
			kept = append(kept, e)
		}
	}
	clear((*h)[len(kept):])
	*h = kept
	for i := len(kept)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

// up sifts the entry at j up and returns where it lands.
func (h timerHeap) up(j int) int {
	e := h[j]
	for j > 0 {
		i := (j - 1) / 2
		if !e.less(&h[i]) {
			break
		}
		h[j] = h[i]
		j = i
	}
	h[j] = e
	return j
}

// down sifts the entry at i down.
func (h timerHeap) down(i int) {
	if len(h) == 0 {
		return
	}
	e := h[i]
	for {
		j := 2*i + 1
		if j >= len(h) {
			break
		}
		if r := j + 1; r < len(h) && h[r].less(&h[j]) {
			j = r
		}
		if !h[j].less(&e) {
			break
		}
		h[i] = h[j]
		i = j
	}
	h[i] = e
}
