package script

import (
	"errors"
	"fmt"
	"math/rand"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dop251/goja"
)

// Runner runs programs one after another in one runtime, built and hardened once, instead of a
// fresh sandbox per run: a fresh goja runtime with the guards installed costs a few hundred
// microseconds, a run in a kept one a few. A Runner is not safe for concurrent use: give each
// worker its own. Its runs execute on the calling goroutine (see watchInline). Programs that Compile finds unfit to share (see shareable) run in a fresh
// sandbox as Run runs them.
//
// Why one run can't leak into the next:
//   - Every object reachable from the global object when the runtime is built (the intrinsics:
//     constructors, prototypes, Math, JSON, Reflect, every built-in function and accessor, and
//     print) is frozen once the guards are installed, and so is every intrinsic only an instance
//     leads to (the iterator and generator prototypes, AsyncFunction, ...): goja makes those on
//     first use and keeps them, so hardenSrc makes one of each before it freezes. A frozen
//     object's properties, attributes, prototype and extensibility can't change, and none of
//     these objects holds internal state a method could change: Date.prototype and
//     RegExp.prototype are ordinary objects in goja, the String, Number and Boolean prototypes
//     wrap immutable primitives, Array.prototype is an empty array whose length is frozen with
//     it, native functions keep nothing.
//   - Each run gets a new global object whose prototype is the frozen baseline global object:
//     a script's global variables, assignments to globals and the context it is given live on
//     that new object, which no later run can reach. eval is deleted from the baseline before it
//     is frozen, because an indirect eval of a let or const would declare it in the runtime's
//     global lexical scope, the one place a script can write that is not an object; the
//     Function constructor's code only reaches the global object of its own run.
//   - A program with top-level let, const or class runs as the body of an arrow function, so
//     those declarations are locals rather than entries in that global lexical scope.
//   - The promise job queue is drained before a run returns (goja runs it on the way out), Date
//     and Math.random get the run's own sources, a watchdog interrupt that lands as a run ends
//     is cleared, and a run that was interrupted (time, memory, output), overflowed its stack,
//     crashed or was given up takes the runtime with it: the next run builds a new one. An
//     ordinary exception leaves nothing behind and keeps it.
//
// What freezing and the inherited globals would otherwise change for a script (patching or
// extending a built-in, assigning a property such as toString or name that an object inherits
// from a frozen prototype, asking the global object whether it owns JSON) is why a program that
// could do any of that is not shared (shareable). TestRunnerMatchesFreshSandbox and FuzzScript
// hold a Runner's answers to a fresh sandbox's.
type Runner struct {
	vm    *goja.Runtime
	pr    *printer
	print goja.Value
	// base is the frozen baseline global object, each run's global object's prototype.
	base  *goja.Object
	names builtinNames
	// shapes are the context builders made in vm, by shape.
	shapes   map[*ContextShape]goja.Callable
	releaser releaser
	// hold is memoryHold, except in tests that don't measure it.
	hold time.Duration
}

// NewRunner returns a Runner; its runtime is built on the first run that needs it.
func NewRunner() *Runner { return &Runner{} }

// Run executes p like the package's Run, in this Runner's runtime when p can share one.
func (r *Runner) Run(p *Program, env Env, lim Limits) (Result, error) {
	lim = lim.withDefaults()
	began := time.Now()
	res, err, spent := r.runOnce(p, env, lim)
	r.settle(began, spent, err, lim)
	return res, err
}

func (r *Runner) runOnce(p *Program, env Env, lim Limits) (Result, error, uint64) {
	// The guards' string cap is built into the runtime: another cap needs a sandbox of its own.
	if p.shared == nil || p.fresh.Load() || lim.StringLength != DefaultStringLength {
		return runSandbox(p, env, lim)
	}
	if r.vm == nil {
		if err := r.build(); err != nil {
			return runSandbox(p, env, lim)
		}
	}
	var draws *replay
	if p.wrapped {
		draws = &replay{source: env.Rand}
		if draws.source == nil {
			draws.source = rand.Float64
		}
		env.Rand = draws.record
	}
	res, err, clean, spent := watchInline(r.vm, lim, func() (Result, error) { return r.run(p, env, lim) })
	if !clean {
		// Everything that leads to the runtime goes, so what the run built (a runaway string
		// on its stack) is garbage for the release.
		r.vm, r.pr, r.print, r.base, r.shapes = nil, nil, nil, nil, nil
		// Building a runtime costs more than a fresh sandbox: a program that ends like this
		// (a loop, a runaway recursion) is likely to again, for the job's next identities.
		p.fresh.Store(true)
	}
	// A wrapped program's exception says where it was thrown, and on the source's first line the
	// wrapper shifts the column: the fresh sandbox tells it as it always has, seeing the same
	// random numbers the first run drew.
	var se *Error
	if draws != nil && errors.As(err, &se) && se.Kind == KindException {
		p.fresh.Store(true) // it is likely to throw again: its next runs go straight there
		env.Rand = draws.replay
		res, err, again := runSandbox(p, env, lim)
		return res, err, spent + again
	}
	return res, err, spent
}

// memoryHold is how many time limits a run stopped for memory holds its worker.
const memoryHold = 4

// settle ends a run as its cost calls for. A run stopped for memory holds the worker for
// memoryHold times its time limit: a job of such scripts then allocates at most about twice
// the memory limit per two seconds (at the default 500ms) on each worker, instead of keeping a
// core allocating at full speed, and the collector with it, which slows every other request of
// the process more than a script that only loops (measured: BenchmarkHostileScripts, docs/safety.md).
// A run that allocated a quarter of the limit or more has its memory handed back to the system
// once the worker has gone releaseDelay without another.
func (r *Runner) settle(began time.Time, spent uint64, err error, lim Limits) {
	var se *Error
	if errors.As(err, &se) && se.Kind == KindMemory {
		hold := time.Duration(memoryHold)
		if r.hold > 0 {
			hold = r.hold
		}
		if left := hold*lim.Time - time.Since(began); left > 0 {
			time.Sleep(left)
		}
	}
	if spent >= lim.Memory/4 {
		r.releaser.heavy(lim.Time)
	}
}

// releaseDelay is how long a worker goes without a heavy run before the memory is released (at
// least memoryHold+1 times the runs' time limit, longer than a worker holds a run stopped for
// memory).
const releaseDelay = time.Second

// releaser hands the memory of heavy runs back to the system after a burst of them. Without it,
// the collector, paced by a heap a script briefly filled, lets later garbage pile up to that
// size, and the pages stay resident long after (ten runaway scripts in a row held gigabytes).
// Mid-burst a release would only be undone by the next run, at the cost of a collection and a
// scavenge of every free page each time (debug.FreeOSMemory); once after the burst it is cheap.
type releaser struct {
	last  atomic.Int64 // when the last heavy run ended, in Unix nanoseconds
	quiet atomic.Int64 // how long without one before the release
	armed atomic.Bool
	// release and delay are debug.FreeOSMemory and releaseDelay, except in tests.
	release func()
	delay   time.Duration
}

func (rl *releaser) heavy(limit time.Duration) {
	quiet := releaseDelay
	if rl.delay > 0 {
		quiet = rl.delay
	}
	rl.quiet.Store(int64(max(quiet, (memoryHold+1)*limit)))
	rl.last.Store(time.Now().UnixNano())
	if rl.armed.CompareAndSwap(false, true) {
		time.AfterFunc(time.Duration(rl.quiet.Load()), rl.fire)
	}
}

func (rl *releaser) fire() {
	if left := time.Duration(rl.last.Load() + rl.quiet.Load() - time.Now().UnixNano()); left > 0 {
		time.AfterFunc(left, rl.fire)
		return
	}
	// A heavy run that ends from here on arms a release of its own.
	rl.armed.Store(false)
	if rl.release != nil {
		rl.release()
		return
	}
	debug.FreeOSMemory()
}

// replay records the random numbers a run draws, to give them again to a second run.
type replay struct {
	source func() float64
	drawn  []float64
	next   int
}

func (r *replay) record() float64 {
	f := r.source()
	r.drawn = append(r.drawn, f)
	return f
}

func (r *replay) replay() float64 {
	if r.next < len(r.drawn) {
		r.next++
		return r.drawn[r.next-1]
	}
	return r.source()
}

// watchInline runs fn (which uses vm) on this goroutine, and a timer stops it at the time and
// memory limits: no goroutine is handed the run, which costs a kept runtime's run more than the
// rest of its overhead. Unlike Run, it can't give up on a script stuck inside one native call
// after grace; it returns when the call does. The guards bound what a native call may walk or
// build, and regexp2's match timeout is grace, so that is within grace too. clean and spent are
// as for supervise, except that a run over before the first tick reports spent 0: in one
// watchEvery a script allocates too little to be worth releasing, and a kept runtime's run is
// spared a read of the metric.
func watchInline(vm *goja.Runtime, lim Limits, fn func() (Result, error)) (res Result, err error, clean bool, spent uint64) {
	w := &watchdog{vm: vm, lim: lim, began: time.Now()}
	w.base = w.meter.read()
	w.mu.Lock()
	w.timer = time.AfterFunc(min(watchEvery, lim.Time), w.tick)
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		w.over = true
		w.timer.Stop()
		ticked := w.ticked
		w.mu.Unlock()
		// No tick can interrupt after this: one that lands as the script finishes would stop
		// the next run at its first instruction.
		vm.ClearInterrupt()
		if ticked {
			spent = w.meter.since(w.base).total
		}
		if x := recover(); x != nil {
			res, err, clean = Result{}, &Error{Kind: KindCrash, Msg: fmt.Sprintf("Script engine failed: %v", x)}, false
		}
	}()
	res, err = fn()
	return res, err, reusable(err), 0
}

// watchdog is one inline run's timer: it samples the allocation every watchEvery and
// interrupts the run at the memory or time limit.
type watchdog struct {
	vm    *goja.Runtime
	lim   Limits
	began time.Time
	base  allocs

	mu                  sync.Mutex
	meter               allocMeter
	timer               *time.Timer
	over, fired, ticked bool
}

func (w *watchdog) tick() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.over || w.fired {
		return
	}
	w.ticked = true
	left := w.lim.Time - time.Since(w.began)
	if left <= 0 {
		w.fired = true
		w.vm.Interrupt(errTimeout)
		return
	}
	spent := w.meter.since(w.base)
	if spent.over(w.lim) {
		w.fired = true
		w.vm.Interrupt(errMemory)
		return
	}
	w.timer.Reset(min(spent.next(w.lim), left))
}

// hardenSrc deletes eval, freezes every object reachable from the global object (through
// property values, getters, setters and prototypes), and returns what the gate needs: the
// names of every property of every object it froze, the globals that hold objects, and the
// names a global variable resolves to on the global object or Object.prototype.
const hardenSrc = `(function (global, extra) {
  var freeze = Object.freeze, ownKeys = Reflect.ownKeys, gopd = Object.getOwnPropertyDescriptor,
      getProto = Object.getPrototypeOf, SetC = Set, setHas = Set.prototype.has, setAdd = Set.prototype.add,
      apply = Reflect.apply;
  delete global.eval;
  var seen = new SetC(), todo = [global].concat(extra), names = [], objects = [], globals = [];
  // Intrinsics no property of the global object leads to, which goja makes on first use and then
  // keeps: reach each through an instance now, so it is frozen with the rest rather than made
  // (unfrozen, and kept) by the first script that uses it.
  var makers = [
    function () { return [][Symbol.iterator](); },
    function () { return ''[Symbol.iterator](); },
    function () { return new Map()[Symbol.iterator](); },
    function () { return new Set()[Symbol.iterator](); },
    function () { return /x/[Symbol.matchAll](''); },
    function () { return Function('return function* () {}')(); },
    function () { return Function('return (function* () {})()')(); },
    function () { return Function('return async function () {}')(); },
    function () { return Function('return async function* () {}')(); },
    function () { return Function('return (async function* () {})()')(); },
    function () { return (function () { return arguments; })(); },
    function () { return Function('"use strict"; return arguments')(); },
    function () { return Promise.resolve(); },
    function () { return Object(Symbol()); },
    function () { return Object(BigInt(1)); }
  ];
  for (var m = 0; m < makers.length; m++) {
    try { todo.push(makers[m]()); } catch (e) {}
  }
  var gks = ownKeys(global).concat(ownKeys(Object.prototype));
  for (var i = 0; i < gks.length; i++) {
    var k = gks[i];
    if (typeof k !== 'string') continue;
    globals.push(k);
    var v = global[k];
    if (k !== 'globalThis' && v !== null && (typeof v === 'object' || typeof v === 'function')) objects.push(k);
  }
  while (todo.length) {
    var o = todo.pop();
    if (o === null || (typeof o !== 'object' && typeof o !== 'function') || apply(setHas, seen, [o])) continue;
    apply(setAdd, seen, [o]);
    todo.push(getProto(o));
    var ks = ownKeys(o);
    for (var j = 0; j < ks.length; j++) {
      var d = gopd(o, ks[j]);
      if (typeof ks[j] === 'string') names.push(ks[j]);
      if ('value' in d) todo.push(d.value); else todo.push(d.get, d.set);
    }
    freeze(o);
  }
  return [names, objects, globals];
})`

var harden = goja.MustCompile("harden", hardenSrc, true)

func (r *Runner) build() error {
	vm := goja.New()
	vm.SetMaxCallStackSize(512)
	pr := &printer{vm: vm}
	print := vm.ToValue(pr.print)
	// The binary buffers the guards delete from the global object stay in the runtime; no script
	// can reach them, but they are frozen all the same.
	var hidden []any
	for _, name := range []string{"ArrayBuffer", "SharedArrayBuffer", "DataView", "Atomics", "Int8Array", "Uint8Array",
		"Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array",
		"BigInt64Array", "BigUint64Array"} {
		if c, ok := vm.Get(name).(*goja.Object); ok {
			hidden = append(hidden, c)
		}
	}
	if err := installGuards(vm, Limits{}.withDefaults()); err != nil {
		return err
	}
	h, err := vm.RunProgram(harden)
	if err != nil {
		return err
	}
	fn, _ := goja.AssertFunction(h)
	v, err := fn(goja.Undefined(), vm.GlobalObject(), vm.NewArray(append(hidden, print)...))
	if err != nil {
		return err
	}
	var lists [3][]string
	if err := vm.ExportTo(v, &lists); err != nil {
		return err
	}
	bn := builtinNames{props: set(lists[0]), objects: set(lists[1]), globals: set(lists[2])}
	bn.objects["print"] = true
	r.vm, r.pr, r.print, r.base, r.names = vm, pr, print, vm.GlobalObject(), bn
	return nil
}

func set(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// run is one run in the kept runtime, on a global object of its own.
func (r *Runner) run(p *Program, env Env, lim Limits) (Result, error) {
	vm := r.vm
	g := vm.NewObject()
	if err := g.SetPrototype(r.base); err != nil {
		return Result{}, err
	}
	if err := g.DefineDataProperty("globalThis", g, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE); err != nil {
		return Result{}, err
	}
	// As vm.Set would make them in a fresh sandbox: plain, enumerable, writable properties.
	set := func(name string, v goja.Value) error {
		return g.DefineDataProperty(name, v, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_TRUE)
	}
	if err := set("print", r.print); err != nil {
		return Result{}, err
	}
	var build goja.Callable
	if env.Shape != nil {
		// The builder function lives in the runtime but no script can reach it: only the Runner
		// holds it, and the objects it returns hold nothing of it.
		if build = r.shapes[env.Shape]; build == nil {
			var err error
			if build, err = env.Shape.builder(vm); err != nil {
				return Result{}, err
			}
			if r.shapes == nil {
				r.shapes = map[*ContextShape]goja.Callable{}
			}
			r.shapes[env.Shape] = build
		}
	}
	ctx, err := contextValue(vm, build, env)
	if err != nil {
		return Result{}, err
	}
	if err := set("context", ctx); err != nil {
		return Result{}, err
	}
	for k, v := range env.Globals {
		if err := set(k, toJS(vm, v)); err != nil {
			return Result{}, err
		}
	}
	vm.SetGlobalObject(g)
	now, rnd := env.Now, env.Rand
	if now == nil {
		now = time.Now
	}
	if rnd == nil {
		rnd = rand.Float64
	}
	vm.SetTimeSource(now)
	vm.SetRandSource(rnd)
	r.pr.reset(lim.Output)
	v, err := vm.RunProgram(p.shared)
	if err == nil && p.wrapped {
		fn, _ := goja.AssertFunction(v)
		_, err = fn(goja.Undefined())
	}
	if err != nil {
		return Result{}, failure(err, lim)
	}
	return message(r.pr.out.String())
}
