package main

import (
	"context"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// startupHeap bounds the heap while serve starts with the collector off (holdGC).
const startupHeap = 512 << 20

// holdGC turns the collector off until the returned func is called, unless the heap reaches
// startupHeap first (a very large fixtures file): a fresh process grows its heap from nothing to
// the parsed specs and dataset, and the default pacing collected several times on the way, each
// a mark phase on a core the start-up needed. A start that reads a data file back (persisted is
// true) keeps the collector: a million stored messages would pass the bound, and past it the
// collector would run without pause. A GOGC or GOMEMLIMIT set in the environment is the user's
// choice and is left alone.
func holdGC(persisted bool) (release func()) {
	if persisted || os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	percent := debug.SetGCPercent(-1)
	limit := debug.SetMemoryLimit(startupHeap)
	return func() {
		debug.SetMemoryLimit(limit)
		debug.SetGCPercent(percent)
	}
}

// gcBigHeap is the live heap above which serve halves the collector's headroom.
const gcBigHeap = 256 << 20

// gcPercentFor is the GOGC serve runs with for a live heap of that size. The heap of a sandbox
// that has been running a while is mostly stored messages, kept as records the collector doesn't
// scan: a collection then costs little, while the default headroom (GOGC=100: the heap may grow to
// twice what is live) doubles resident memory. Small heaps keep the default, since with GOGC=50 a
// near-empty sandbox under load would collect several hundred times a second.
func gcPercentFor(live uint64) int {
	if live > gcBigHeap {
		return 50
	}
	return 100
}

// tuneGC follows the live heap and sets GOGC accordingly, every second, until ctx ends. A GOGC set
// in the environment is the user's choice and is left alone.
func tuneGC(ctx context.Context) {
	if os.Getenv("GOGC") != "" {
		return
	}
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	current := 100
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return
		}
		if want := gcPercentFor(sample[0].Value.Uint64()); want != current {
			debug.SetGCPercent(want)
			current = want
		}
	}
}
