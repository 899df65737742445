package core

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"
)

// frozenClock returns a clock frozen at t0.
func frozenClock(t *testing.T) *Clock {
	t.Helper()
	c := NewClock()
	c.Reset(t0)
	if !c.Frozen() || !c.Now().Equal(t0) {
		t.Fatalf("Reset(t0): frozen %v, now %v", c.Frozen(), c.Now())
	}
	return c
}

// firings records which timers ran and what the clock said when they did.
type firings struct {
	mu   sync.Mutex
	runs []string
	at   []time.Duration // clock minus t0
}

func (f *firings) record(c *Clock, name string) func() {
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.runs = append(f.runs, name)
		f.at = append(f.at, c.Now().Sub(t0))
	}
}

func (f *firings) get() ([]string, []time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string{}, f.runs...), append([]time.Duration{}, f.at...)
}

func waitClosed(t *testing.T, c <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s did not happen within 5s", what)
	}
}

func TestClockFrozenSetAdvance(t *testing.T) {
	c := NewClock()
	if c.Frozen() {
		t.Fatal("a new clock is frozen")
	}
	c.Freeze()
	first := c.Now()
	if !c.Frozen() || !c.Now().Equal(first) {
		t.Fatal("a frozen clock moved on its own")
	}
	c.Freeze() // idempotent: does not move the clock
	if !c.Now().Equal(first) {
		t.Fatal("a second Freeze moved the clock")
	}

	steps := []struct {
		name string
		do   func()
		want time.Time
	}{
		{"Set forwards", func() { c.Set(t0) }, t0},
		{"Advance", func() { c.Advance(90 * time.Second) }, t0.Add(90 * time.Second)},
		{"Set backwards", func() { c.Set(t0.Add(-time.Hour)) }, t0.Add(-time.Hour)},
		{"Advance zero", func() { c.Advance(0) }, t0.Add(-time.Hour)},
	}
	for _, s := range steps {
		s.do()
		if got := c.Now(); !got.Equal(s.want) {
			t.Errorf("%s: Now = %v, want %v", s.name, got, s.want)
		}
	}
}

func TestClockAdvanceRunsTimersInOrderAtTheirDeadlines(t *testing.T) {
	c := frozenClock(t)
	var f firings
	c.AfterFunc(3*time.Second, f.record(c, "c"))
	c.AfterFunc(1*time.Second, f.record(c, "a"))
	c.AfterFunc(2*time.Second, f.record(c, "b1"))
	c.AfterFunc(2*time.Second, f.record(c, "b2")) // same deadline: creation order
	c.AfterFunc(1*time.Minute, f.record(c, "later"))
	// A timer that schedules the next step sees it run within the same advance.
	c.AfterFunc(4*time.Second, func() {
		f.record(c, "step1")()
		c.AfterFunc(time.Second, func() {
			f.record(c, "step2")()
			c.AfterFunc(time.Hour, f.record(c, "step3 is beyond the advance"))
		})
	})
	if n := c.Pending(); n != 6 {
		t.Fatalf("Pending = %d, want 6", n)
	}

	c.Advance(10 * time.Second)

	runs, at := f.get()
	wantRuns := []string{"a", "b1", "b2", "c", "step1", "step2"}
	wantAt := []time.Duration{1 * time.Second, 2 * time.Second, 2 * time.Second, 3 * time.Second, 4 * time.Second, 5 * time.Second}
	if !reflect.DeepEqual(runs, wantRuns) {
		t.Errorf("ran %v, want %v", runs, wantRuns)
	}
	if !reflect.DeepEqual(at, wantAt) {
		t.Errorf("clock seen by timers %v, want %v", at, wantAt)
	}
	if got := c.Now(); !got.Equal(t0.Add(10 * time.Second)) {
		t.Errorf("after Advance Now = %v, want t0+10s", got)
	}
	if n := c.Pending(); n != 2 {
		t.Errorf("Pending = %d, want 2 (later, step3)", n)
	}

	// Set forwards runs what falls due too.
	c.Set(t0.Add(2 * time.Minute))
	runs, at = f.get()
	if runs[len(runs)-1] != "later" || at[len(at)-1] != time.Minute {
		t.Errorf("after Set: last run %q at %v, want later at 1m", runs[len(runs)-1], at[len(at)-1])
	}
	if n := c.Pending(); n != 1 {
		t.Errorf("Pending = %d, want 1", n)
	}
}

func TestClockSetBackwardsDoesNotRunTimers(t *testing.T) {
	c := frozenClock(t)
	var f firings
	c.AfterFunc(time.Minute, f.record(c, "x"))
	c.Set(t0.Add(-time.Hour))
	c.Advance(59 * time.Minute) // t0-1m: still before the deadline
	if runs, _ := f.get(); len(runs) != 0 {
		t.Fatalf("ran %v before the deadline", runs)
	}
	c.Advance(2 * time.Minute)
	if runs, at := f.get(); !reflect.DeepEqual(runs, []string{"x"}) || at[0] != time.Minute {
		t.Errorf("ran %v at %v, want x at 1m", runs, at)
	}
}

func TestClockStop(t *testing.T) {
	c := frozenClock(t)
	var f firings
	keep := c.AfterFunc(time.Second, f.record(c, "keep"))
	drop := c.AfterFunc(time.Second, f.record(c, "drop"))
	if !drop.Stop() {
		t.Error("Stop of a pending timer returned false")
	}
	if drop.Stop() {
		t.Error("second Stop returned true")
	}
	if n := c.Pending(); n != 1 {
		t.Errorf("Pending = %d after Stop, want 1", n)
	}
	c.Advance(time.Second)
	if runs, _ := f.get(); !reflect.DeepEqual(runs, []string{"keep"}) {
		t.Errorf("ran %v, want [keep]", runs)
	}
	if keep.Stop() {
		t.Error("Stop of a fired timer returned true")
	}
}

func TestClockResetDropsTimers(t *testing.T) {
	c := frozenClock(t)
	var f firings
	tm := c.AfterFunc(time.Second, f.record(c, "x"))
	start := t0.Add(24 * time.Hour)
	c.Reset(start)
	if n := c.Pending(); n != 0 {
		t.Errorf("Pending = %d after Reset", n)
	}
	if !c.Frozen() || !c.Now().Equal(start) {
		t.Errorf("after Reset(start): frozen %v now %v", c.Frozen(), c.Now())
	}
	if tm.Stop() {
		t.Error("Stop of a timer dropped by Reset returned true")
	}
	c.Advance(time.Hour)
	if runs, _ := f.get(); len(runs) != 0 {
		t.Errorf("a dropped timer ran: %v", runs)
	}

	c.Reset(time.Time{})
	if c.Frozen() {
		t.Error("Reset(zero) left the clock frozen")
	}
	if wall := time.Now(); c.Now().Before(wall.Add(-time.Hour)) || c.Now().After(wall.Add(time.Hour)) {
		t.Errorf("Reset(zero) clock reads %v, wall clock %v", c.Now(), wall)
	}
}

func TestClockResume(t *testing.T) {
	c := frozenClock(t) // t0 is in the past: resuming must not jump to wall time
	c.Resume()
	if c.Frozen() {
		t.Fatal("still frozen after Resume")
	}
	now := c.Now()
	if now.Before(t0) || now.After(t0.Add(time.Hour)) {
		t.Errorf("after Resume Now = %v, want t0 plus the little wall time since", now)
	}
	// A running clock still moves with Set and Advance.
	c.Advance(time.Hour)
	if c.Now().Before(t0.Add(time.Hour)) {
		t.Errorf("Advance on a running clock: Now = %v", c.Now())
	}
	c.Set(t0.Add(-time.Hour))
	if got := c.Now(); got.Before(t0.Add(-time.Hour)) || !got.Before(t0) {
		t.Errorf("Set backwards on a running clock: Now = %v", got)
	}
}

func TestClockAfterFuncDueNowRunsWithoutAdvance(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		c := frozenClock(t)
		done := make(chan struct{})
		c.AfterFunc(d, func() { close(done) })
		waitClosed(t, done, "AfterFunc(due now) on a frozen clock")
		if !c.Now().Equal(t0) {
			t.Errorf("running a due timer moved the frozen clock to %v", c.Now())
		}
	}
}

func TestClockRunningTimerFiresByWallTime(t *testing.T) {
	c := NewClock()
	var f firings
	done := make(chan struct{})
	c.AfterFunc(time.Hour, f.record(c, "far future"))
	c.AfterFunc(5*time.Millisecond, func() { close(done) })
	waitClosed(t, done, "a timer on a running clock")
	if runs, _ := f.get(); len(runs) != 0 {
		t.Errorf("a far-future timer ran: %v", runs)
	}
	if n := c.Pending(); n != 1 {
		t.Errorf("Pending = %d, want 1", n)
	}
}

func TestClockResumeRunsOverdueTimers(t *testing.T) {
	c := frozenClock(t)
	done := make(chan struct{})
	c.AfterFunc(time.Millisecond, func() { close(done) })
	// Frozen: it waits for an Advance. Resume lets wall time carry the clock past it.
	c.Resume()
	waitClosed(t, done, "a timer after Resume")
}

func TestClockConcurrentUse(t *testing.T) {
	c := frozenClock(t)
	var mu sync.Mutex
	ran := 0
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				c.AfterFunc(time.Duration(i)*time.Millisecond+time.Millisecond, func() {
					mu.Lock()
					ran++
					mu.Unlock()
				})
				c.Now()
				c.Pending()
			}
		}()
	}
	wg.Wait()
	c.Advance(time.Second)
	mu.Lock()
	defer mu.Unlock()
	if ran != 100 {
		t.Errorf("ran %d timers, want 100", ran)
	}
}

// A running clock set centuries away from wall time reads that time: an offset from the wall
// clock (a time.Duration, ±292 years at most) would have put it elsewhere.
func TestClockSetFarFromWallTime(t *testing.T) {
	for _, want := range []time.Time{
		MinTime,
		time.Date(1700, 6, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9000, 1, 1, 0, 0, 0, 0, time.UTC),
		MaxTime.Add(-time.Hour),
	} {
		c := NewClock()
		c.Set(want)
		if got := c.Now(); got.Before(want) || got.After(want.Add(time.Minute)) {
			t.Errorf("running clock Set(%v) reads %v", want, got)
		}
		c.Freeze()
		c.Resume()
		if got := c.Now(); got.Before(want) || got.After(want.Add(time.Minute)) {
			t.Errorf("after Freeze and Resume the clock set to %v reads %v", want, got)
		}
	}
}

// An Advance waits for the work a timer released with Go, and runs within the same move what that
// work scheduled: stepping a frozen clock gives the same result as running the work inline.
func TestClockAdvanceWaitsForReleasedWork(t *testing.T) {
	c := NewClock()
	c.Freeze()
	start := c.Now()
	var steps []time.Duration
	var step func()
	step = func() {
		c.Go(func() {
			time.Sleep(5 * time.Millisecond) // slow work, off the clock's goroutine
			steps = append(steps, c.Now().Sub(start))
			if len(steps) < 3 {
				c.AfterFunc(10*time.Millisecond, step)
			}
		})
	}
	c.AfterFunc(10*time.Millisecond, step)
	c.Advance(25 * time.Millisecond)
	// Written by released work, read here without a lock: Advance returning orders them (the
	// race detector checks it).
	if want := []time.Duration{10 * time.Millisecond, 20 * time.Millisecond}; fmt.Sprint(steps) != fmt.Sprint(want) {
		t.Fatalf("after advancing 25ms the steps ran at %v, want %v", steps, want)
	}
	c.Advance(5 * time.Millisecond)
	if len(steps) != 3 || steps[2] != 30*time.Millisecond {
		t.Fatalf("steps %v, want a third at 30ms", steps)
	}
	if c.Pending() != 0 {
		t.Errorf("%d timers pending", c.Pending())
	}
}

// On a running clock, work released with Go does not hold up the timers after it.
func TestClockReleasedWorkDoesNotBlockTimers(t *testing.T) {
	c := NewClock()
	release := make(chan struct{})
	defer close(release)
	c.AfterFunc(0, func() { c.Go(func() { <-release }) })
	fired := make(chan struct{})
	c.AfterFunc(0, func() { close(fired) })
	select {
	case <-fired:
	case <-time.After(30 * time.Second): // a hang guard, not a speed assertion
		t.Fatal("a timer waited for work another timer released")
	}
}

// TestLaterTimersKeepTheWakeUp: timers added behind the earliest one leave its wall-clock wake-up
// as it is, and every timer still runs, in deadline order, on a running clock.
func TestLaterTimersKeepTheWakeUp(t *testing.T) {
	c := NewClock()
	var mu sync.Mutex
	var order []int
	done := make(chan struct{})
	c.AfterFunc(20*time.Millisecond, func() {
		mu.Lock()
		order = append(order, 0)
		mu.Unlock()
	})
	c.mu.Lock()
	wake := c.wake
	c.mu.Unlock()
	for i := 1; i <= 5; i++ {
		c.AfterFunc(time.Duration(20+5*i)*time.Millisecond, func() {
			mu.Lock()
			order = append(order, i)
			if len(order) == 6 {
				close(done)
			}
			mu.Unlock()
		})
	}
	c.mu.Lock()
	same := c.wake == wake
	c.mu.Unlock()
	if !same {
		t.Error("a later timer replaced the wake-up of the earliest")
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second): // only keeps a broken clock from hanging the test
		t.Fatal("the timers did not all run")
	}
	mu.Lock()
	defer mu.Unlock()
	for i, v := range order {
		if v != i {
			t.Fatalf("ran in the order %v", order)
		}
	}
}

// BenchmarkClockAfterFuncLater is a receipt scheduled behind the ones already pending, as a
// stream of sends does.
func BenchmarkClockAfterFuncLater(b *testing.B) {
	c := NewClock()
	defer c.Reset(time.Time{})
	c.AfterFunc(time.Hour, func() {})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		c.AfterFunc(time.Hour+time.Duration(i), func() {})
	}
}

// TestTimerHeapOrder: timers come off the heap by deadline, then by creation, through random
// adds, stops (left in the heap, as Stop leaves them) and compactions, ties included, as
// container/heap ordered them.
func TestTimerHeapOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	type made struct {
		t   *Timer
		seq int64
	}
	for round := range 50 {
		var h timerHeap
		var live []made
		for seq := range 200 {
			tm := &Timer{at: t0.Add(time.Duration(r.IntN(20))*time.Second + time.Duration(r.IntN(3)))}
			h.push(tm, int64(seq))
			live = append(live, made{tm, int64(seq)})
			switch r.IntN(8) {
			case 0, 1: // a Stop
				k := r.IntN(len(live))
				live[k].t.done = true
				live = append(live[:k], live[k+1:]...)
			case 2:
				h.compact()
			}
		}
		sort.Slice(live, func(i, j int) bool {
			if !live[i].t.at.Equal(live[j].t.at) {
				return live[i].t.at.Before(live[j].t.at)
			}
			return live[i].seq < live[j].seq
		})
		var got []*Timer
		for len(h) > 0 {
			if tm := h.pop(); !tm.done {
				got = append(got, tm)
			}
		}
		if len(got) != len(live) {
			t.Fatalf("round %d: %d timers off the heap, want %d", round, len(got), len(live))
		}
		for i, want := range live {
			if got[i] != want.t {
				t.Fatalf("round %d: timer %d off the heap is due %v, want %v (seq %d)", round, i, got[i].at, want.t.at, want.seq)
			}
		}
	}
}

// TestStoppedTimersLeaveTheHeap: a stopped timer never runs and no longer counts as pending;
// once stopped timers are most of a large heap they are dropped, and the rest still run in
// order.
func TestStoppedTimersLeaveTheHeap(t *testing.T) {
	c := NewClock()
	c.Freeze()
	var ran []int
	var timers []*Timer
	for i := range 3000 {
		timers = append(timers, c.AfterFunc(time.Duration(3000-i)*time.Second, func() { ran = append(ran, i) }))
	}
	for i, tm := range timers {
		if i%3 != 0 && !tm.Stop() {
			t.Fatalf("timer %d was not pending", i)
		}
	}
	if timers[1].Stop() {
		t.Fatal("a timer stopped twice reported pending")
	}
	if got := c.Pending(); got != 1000 {
		t.Fatalf("%d pending, want 1000", got)
	}
	c.mu.Lock()
	inHeap := len(c.timers)
	c.mu.Unlock()
	if inHeap >= 2000 {
		t.Errorf("%d timers still in the heap after 2,000 stops", inHeap)
	}
	c.Advance(4000 * time.Second)
	if len(ran) != 1000 {
		t.Fatalf("%d timers ran, want 1000", len(ran))
	}
	for k, i := range ran {
		if i%3 != 0 || k > 0 && i > ran[k-1] {
			t.Fatalf("ran %v…: a stopped timer ran, or out of deadline order", ran[:k+1])
		}
	}
	if got := c.Pending(); got != 0 {
		t.Fatalf("%d pending after they all ran", got)
	}
	if timers[0].Stop() {
		t.Fatal("a timer that ran reported pending")
	}
}

// BenchmarkTimerHeapStream is a stream of Luminous receipts: 100,000 pending, each new one due
// after the others, the earliest taken off.
func BenchmarkTimerHeapStream(b *testing.B) {
	var h timerHeap
	seq := int64(0)
	add := func() {
		seq++
		h.push(&Timer{at: t0.Add(time.Duration(seq) * time.Millisecond)}, seq)
	}
	for range 100_000 {
		add()
	}
	for b.Loop() {
		add()
		h.pop()
	}
}

// TestWakeUpMovesOnlyEarlier: a new earliest timer moves the wall-clock wake-up only when it is due
// before the moment the wake-up is armed for; at or after it, the wake-up runs what is due and
// arms itself for the rest (a stream of Kore jobs due at once re-armed it on every notify).
func TestWakeUpMovesOnlyEarlier(t *testing.T) {
	c := NewClock()
	armed := func() time.Time {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.wakeAt
	}
	first := c.AfterFunc(30*time.Millisecond, func() {})
	at := armed()
	first.Stop() // the wake-up stays armed for it
	ran := make(chan string, 2)
	c.AfterFunc(60*time.Millisecond, func() { ran <- "later" })
	if got := armed(); !got.Equal(at) {
		t.Errorf("a timer due after the armed moment moved the wake-up from %v to %v", at, got)
	}
	c.AfterFunc(10*time.Millisecond, func() { ran <- "sooner" })
	if got := armed(); !got.Before(at) {
		t.Errorf("a timer due before the armed moment left the wake-up at %v", got)
	}
	for _, want := range []string{"sooner", "later"} {
		select {
		case got := <-ran:
			if got != want {
				t.Fatalf("ran %s, want %s", got, want)
			}
		case <-time.After(10 * time.Second): // only keeps a broken clock from hanging the test
			t.Fatalf("%s never ran", want)
		}
	}
}
