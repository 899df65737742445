package main

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestGCPercentFor(t *testing.T) {
	for _, tt := range []struct {
		live uint64
		want int
	}{
		{0, 100},
		{64 << 20, 100},
		{gcBigHeap, 100},
		{gcBigHeap + 1, 50},
		{4 << 30, 50},
	} {
		if got := gcPercentFor(tt.live); got != tt.want {
			t.Errorf("gcPercentFor(%d MiB) = %d, want %d", tt.live>>20, got, tt.want)
		}
	}
}

// TestHoldGCTurnsTheCollectorOffUntilReleased: during start-up the collector waits for the
// start-up heap bound, and afterwards runs as before; GOGC or GOMEMLIMIT in the environment are
// left to rule, and so is the default when a data file is read back.
func TestHoldGCTurnsTheCollectorOffUntilReleased(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	before, beforeLimit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	defer func() { debug.SetGCPercent(before); debug.SetMemoryLimit(beforeLimit) }()
	release := holdGC(false)
	if p, l := debug.SetGCPercent(-1), debug.SetMemoryLimit(-1); p != -1 || l != startupHeap {
		t.Errorf("while held: GOGC %d, limit %d; want off and %d", p, l, startupHeap)
	}
	release()
	if p, l := debug.SetGCPercent(-1), debug.SetMemoryLimit(-1); p != 100 || l != math.MaxInt64 {
		t.Errorf("released: GOGC %d, limit %d; want 100 and no limit", p, l)
	}
	debug.SetGCPercent(100)
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv(env, "200")
			release := holdGC(false)
			if p := debug.SetGCPercent(-1); p != 100 {
				t.Errorf("with %s set, holdGC changed GOGC to %d", env, p)
			}
			debug.SetGCPercent(100)
			release()
		})
	}
	t.Run("data file", func(t *testing.T) {
		release := holdGC(true)
		if p := debug.SetGCPercent(-1); p != 100 {
			t.Errorf("reading a data file back, holdGC changed GOGC to %d", p)
		}
		debug.SetGCPercent(100)
		release()
	})
}
