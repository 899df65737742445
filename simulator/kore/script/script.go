// Package script runs the JavaScript of Kore.ai "script" proactive notifications in a goja
// sandbox: no require, no file, network or process access, a time limit, a cap on printed output,
// a watch on heap growth, and guards on the native calls an interrupt can't stop. What the script
// prints with print(...) becomes the message: a JSON object with a "text" property, or plain
// text.
//
// Run gives each run a fresh runtime (a few hundred microseconds with the guards). A Runner keeps
// one runtime and runs identity after identity in it (a few microseconds of overhead), with the
// same isolation: a run never sees what an earlier one did to globals, built-ins or prototypes.
// How (see Runner for the argument): the built-ins are frozen once, when the runtime is built;
// each run has a global object of its own; a run that ends abnormally takes the runtime with it;
// and a program whose behaviour freezing could change (one that patches or extends a built-in,
// or overrides a property it inherits from one) is sent by a syntactic gate (shareable) to a
// fresh runtime, so what every script sees is what it saw with a fresh runtime per run.
package script

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dlclark/regexp2/v2"
	"github.com/dop251/goja"
)

// Regular expressions that Go's regexp can't run (lookarounds, backreferences) go to regexp2,
// whose backtracking runs inside one native call an interrupt can't reach: without a match
// timeout a catastrophic pattern spins a core for ever after Run has given up on the script.
// goja gives regexp2 no timeout of its own, so the default is the only handle; a match that runs
// out of time is no match.
func init() { regexp2.DefaultMatchTimeout = grace }

// Failure kinds, as reported in Error.Kind.
const (
	KindSyntax    = "syntax"    // the source does not compile
	KindException = "exception" // the script threw
	KindTimeout   = "timeout"   // the script ran past the time limit
	KindMemory    = "memory"    // the script grew the heap past the memory limit
	KindOutput    = "output"    // the script printed more than the output limit
	KindSilent    = "silent"    // the script printed nothing
	KindCrash     = "crash"     // the engine itself failed (a goja bug); the sandbox survives it
)

// Error says why a script produced no message, in words fit for a status log's comments.
type Error struct {
	Kind string
	Msg  string
	// reusable: the run ended in a way that leaves its runtime fit for another run.
	reusable bool
}

func (e *Error) Error() string { return e.Msg }

// Limits bound one run. Zero fields take the defaults.
type Limits struct {
	// Time is how long the script may run (wall time: it measures the script's work, not
	// simulated time).
	Time time.Duration
	// Output is the most bytes print may write in one run.
	Output int
	// Memory is how far the process heap may grow during the run before the script is stopped.
	// The heap is the whole process's, so this is a guard against runaway scripts, not an exact
	// per-script account.
	Memory uint64
	// StringLength caps what one native call may build or walk, which an interrupt can't stop
	// half-way: the string of repeat, padStart, padEnd or join, and the length of an array-like
	// handed to an Array method, apply, Reflect, Array.from or JSON.stringify.
	StringLength int
}

// Defaults for Limits.
const (
	DefaultTime         = 500 * time.Millisecond
	DefaultOutput       = 64 << 10
	DefaultMemory       = 256 << 20
	DefaultStringLength = 1 << 20
)

func (l Limits) withDefaults() Limits {
	if l.Time <= 0 {
		l.Time = DefaultTime
	}
	if l.Output <= 0 {
		l.Output = DefaultOutput
	}
	if l.Memory == 0 {
		l.Memory = DefaultMemory
	}
	if l.StringLength <= 0 {
		l.StringLength = DefaultStringLength
	}
	return l
}

// Program is compiled source, shareable by any number of runs at once.
type Program struct {
	prog *goja.Program
	// shared is the program as a Runner runs it, nil when it must have a fresh sandbox
	// (shareable); wrapped: shared is an arrow function whose body is the source (an arrow, so
	// this and arguments at the top level mean what they mean in a script).
	shared  *goja.Program
	wrapped bool
	// fresh is set when a run of this program cost a Runner its runtime (see Runner.Run): its
	// other runs take a fresh sandbox, as cheap for them as a rebuilt runtime is dear.
	fresh atomic.Bool
}

// Compile parses src once for every identity of a job.
func Compile(src string) (*Program, error) {
	p, err := goja.Compile("script", src, false)
	if err != nil {
		return nil, &Error{Kind: KindSyntax, Msg: "Script error: " + oneLine(err.Error())}
	}
	prog := &Program{prog: p}
	if ok, wrap := shareable(src); ok && !wrap {
		prog.shared = p
	} else if ok {
		// The body starts on the source's first line, so line numbers in messages stay right
		// (columns on that line don't: Runner.Run reruns a wrapped program that throws).
		if w, err := goja.Compile("script", "(() => {"+src+"\n})", false); err == nil {
			prog.shared, prog.wrapped = w, true
		}
	}
	return prog, nil
}

// Env is what one run sees: the context object and the sources of time and randomness, so a
// script's Date and Math.random follow the simulator's clock and seed.
type Env struct {
	// Context becomes the global `context` (maps and slices become plain JS objects and arrays).
	Context map[string]any
	// Shape, when set, builds the context instead, its holes filled with Values.
	Shape  *ContextShape
	Values []string
	// Globals are extra global variables, converted like Context.
	Globals map[string]any
	Now     func() time.Time
	Rand    func() float64
}

// Result is what the script printed and what the message is.
type Result struct {
	// Output is everything printed, one print call per line.
	Output string
	// Text is the message text: the "text" of a printed JSON object, or the output itself.
	Text string
	// JSON is the printed object when the output is one JSON object.
	JSON map[string]any
}

// guards closes the ways a script can make goja do unbounded work in one native call, which an
// interrupt can't stop and which can take the whole process down (a sort or apply over an
// array-like of length 2^32 allocates 64 GiB at once: a fatal out-of-memory, not a panic).
// Strings built by repeat, padStart, padEnd and join, and array-likes handed to Array.prototype
// methods, apply, Reflect, Array.from and JSON.stringify, are capped at max, and refused as V8
// refuses what is past its own limits, with a RangeError. Binary buffers (ArrayBuffer, typed
// arrays) are left out: they allocate their whole length up front and no message needs them.
const guardsSrc = `(function (max, global) {
  // Everything the guards call is captured here, at install: a script that shadows a global
  // (var Number = ...) or, in a fresh sandbox, patches a prototype must not switch a guard off.
  var apply = Reflect.apply, construct = Reflect.construct, isArray = Array.isArray, keys = Object.keys,
      defineProperty = Object.defineProperty, Num = Number, Str = String, mathMax = Math.max,
      RangeErr = RangeError, SetC = Set, uncurry = Function.prototype.bind.bind(Function.prototype.call),
      setHas = uncurry(Set.prototype.has), setAdd = uncurry(Set.prototype.add), iteratorSym = Symbol.iterator;
  function def(obj, name, fn) {
    defineProperty(obj, name, {value: fn, writable: true, configurable: true, enumerable: false});
  }
  function check(n) { if (!(n <= max)) throw new RangeErr('Invalid string length'); }
  function lengthOf(o) {
    if (o === null || (typeof o !== 'object' && typeof o !== 'function')) return 0;
    var n = Num(o.length);
    return n > 0 ? n : 0;
  }
  function checkLength(o) { if (lengthOf(o) > max) throw new RangeErr('Invalid array length'); }
  // deep checks every array JSON.stringify would walk; seen stops at cycles, which stringify refuses.
  function deep(v, seen) {
    if (v === null || typeof v !== 'object' || setHas(seen, v)) return;
    setAdd(seen, v);
    if (isArray(v)) {
      checkLength(v);
      for (var i = 0; i < v.length; i++) deep(v[i], seen);
    } else {
      var ks = keys(v);
      for (var j = 0; j < ks.length; j++) deep(v[ks[j]], seen);
    }
  }
  var repeat = String.prototype.repeat, padStart = String.prototype.padStart,
      padEnd = String.prototype.padEnd, join = Array.prototype.join;
  def(String.prototype, 'repeat', function repeat_(count) {
    var s = Str(this); check(s.length * mathMax(0, Num(count) || 0)); return apply(repeat, s, [count]);
  });
  def(String.prototype, 'padStart', function padStart_(n, f) { check(Num(n) || 0); return apply(padStart, this, [n, f]); });
  def(String.prototype, 'padEnd', function padEnd_(n, f) { check(Num(n) || 0); return apply(padEnd, this, [n, f]); });
  def(Array.prototype, 'join', function join_(sep) {
    check(lengthOf(this) * (sep === undefined ? 1 : Str(sep).length));
    checkLength(this);
    return apply(join, this, [sep]);
  });
  // Every method that walks or copies the array natively (named rather than enumerated: reading
  // the whole prototype costs each fresh sandbox a few hundred microseconds).
  ['at', 'concat', 'copyWithin', 'entries', 'every', 'fill', 'filter', 'find', 'findIndex', 'findLast',
   'findLastIndex', 'flat', 'flatMap', 'forEach', 'includes', 'indexOf', 'keys', 'lastIndexOf', 'map',
   'reduce', 'reduceRight', 'reverse', 'shift', 'slice', 'some', 'sort', 'splice', 'toLocaleString',
   'toReversed', 'toSorted', 'toSpliced', 'toString', 'unshift', 'values', 'with'].forEach(function (name) {
    var fn = Array.prototype[name];
    if (typeof fn !== 'function') return;
    def(Array.prototype, name, function () {
      checkLength(this);
      for (var i = 0; i < arguments.length; i++) if (isArray(arguments[i])) checkLength(arguments[i]);
      return apply(fn, this, arguments);
    });
  });
  def(Array.prototype, iteratorSym, Array.prototype.values);
  var from = Array.from, fnApply = Function.prototype.apply, stringify = JSON.stringify;
  def(Array, 'from', function from_(items) { checkLength(items); return apply(from, this, arguments); });
  def(Function.prototype, 'apply', function apply_(self, args) { checkLength(args); return apply(fnApply, this, arguments); });
  def(Reflect, 'apply', function (f, self, args) { checkLength(args); return apply(f, self, args); });
  def(Reflect, 'construct', function (f, args) { checkLength(args); return apply(construct, undefined, arguments); });
  // Called directly rather than through arguments: stringify(v) and stringify(v, undefined,
  // undefined) are the same call, and a run spends less without an arguments object.
  def(JSON, 'stringify', function stringify_(v, replacer, space) {
    deep(v, new SetC()); checkLength(replacer);
    return stringify(v, replacer, space);
  });
  ['ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Atomics', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray',
   'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array',
   'BigInt64Array', 'BigUint64Array'].forEach(function (name) { delete global[name]; });
})`

var guards = goja.MustCompile("guards", guardsSrc, true)

// errOutput and errMemory are interrupt values: they end the run uncatchably.
var (
	errOutput  = errors.New("output")
	errMemory  = errors.New("memory")
	errTimeout = errors.New("timeout")
)

// grace is how long past the time limit Run waits for a script stuck in a native call before it
// gives up on it; the abandoned run finishes on its own goroutine and is discarded.
const grace = time.Second

// Run executes p in a fresh sandbox. A nil error means the script printed a message.
func Run(p *Program, env Env, lim Limits) (Result, error) {
	lim = lim.withDefaults()
	vm := goja.New()
	res, err, _ := supervise(vm, lim, goStart, func() (Result, error) { return runFresh(vm, p, env, lim) })
	return res, err
}

func goStart(f func()) { go f() }

// supervise runs fn (which uses vm) on the goroutine start gives it, and stops it at the time and memory
// limits. clean says the run ended on its own, without a crash, and left vm fit for another run:
// it finished, or threw an ordinary exception (goja drains the job queue and unwinds the stack
// on the way out). An interrupt (time, memory, output), a stack overflow, a crash or a run given
// up in a native call leaves vm to be thrown away.
func supervise(vm *goja.Runtime, lim Limits, start func(func()), fn func() (Result, error)) (res Result, err error, clean bool) {
	type outcome struct {
		res     Result
		err     error
		crashed bool
	}
	done := make(chan outcome, 1)
	start(func() {
		var out outcome
		defer func() {
			if x := recover(); x != nil {
				out = outcome{err: &Error{Kind: KindCrash, Msg: fmt.Sprintf("Script engine failed: %v", x)}, crashed: true}
			}
			done <- out
		}()
		out.res, out.err = fn()
	})
	var once sync.Once
	interrupt := func(v error) { once.Do(func() { vm.Interrupt(v) }) }

	// One timer serves both limits: it samples the heap every watchEvery until the time limit.
	began := time.Now()
	timer := time.NewTimer(min(watchEvery, lim.Time))
	defer timer.Stop()
	base := heapBytes()
	var hard <-chan time.Time
	for {
		select {
		case o := <-done:
			// An interrupt that lands as the script finishes would otherwise stop the next run at
			// its first instruction.
			vm.ClearInterrupt()
			return o.res, o.err, !o.crashed && reusable(o.err)
		case <-timer.C:
			left := lim.Time - time.Since(began)
			if left <= 0 {
				interrupt(errTimeout)
				hard = time.After(grace)
				continue
			}
			if h := heapBytes(); h > base && h-base > lim.Memory {
				interrupt(errMemory)
			}
			timer.Reset(min(watchEvery, left))
		case <-hard:
			return Result{}, timeoutError(lim), false
		}
	}
}

// watchEvery is how often a running script's heap growth is sampled.
const watchEvery = 2 * time.Millisecond

func timeoutError(lim Limits) error {
	return &Error{Kind: KindTimeout, Msg: fmt.Sprintf("Script did not finish within %s", lim.Time)}
}

// printer is print(...): one line per call, stopped (uncatchably) at the output limit.
type printer struct {
	vm    *goja.Runtime
	out   strings.Builder
	lines int
	limit int
}

func (p *printer) reset(limit int) {
	p.out.Reset()
	p.lines, p.limit = 0, limit
}

func (p *printer) print(call goja.FunctionCall) goja.Value {
	parts := make([]string, len(call.Arguments))
	for i, a := range call.Arguments {
		parts[i] = a.String()
	}
	line := strings.Join(parts, " ")
	if p.out.Len()+len(line)+1 > p.limit {
		p.vm.Interrupt(errOutput)
		return goja.Undefined()
	}
	if p.lines > 0 {
		p.out.WriteByte('\n')
	}
	p.out.WriteString(line)
	p.lines++
	return goja.Undefined()
}

func runFresh(vm *goja.Runtime, p *Program, env Env, lim Limits) (Result, error) {
	vm.SetMaxCallStackSize(512)
	if env.Now != nil {
		vm.SetTimeSource(env.Now)
	}
	if env.Rand != nil {
		vm.SetRandSource(env.Rand)
	}
	pr := &printer{vm: vm, limit: lim.Output}
	if err := vm.Set("print", pr.print); err != nil {
		return Result{}, err
	}
	if err := installGuards(vm, lim); err != nil {
		return Result{}, err
	}
	ctx, err := contextValue(vm, nil, env)
	if err != nil {
		return Result{}, err
	}
	if err := vm.Set("context", ctx); err != nil {
		return Result{}, err
	}
	for k, v := range env.Globals {
		if err := vm.Set(k, toJS(vm, v)); err != nil {
			return Result{}, err
		}
	}
	if _, err := vm.RunProgram(p.prog); err != nil {
		return Result{}, failure(err, lim)
	}
	return message(pr.out.String())
}

func installGuards(vm *goja.Runtime, lim Limits) error {
	g, err := vm.RunProgram(guards)
	if err != nil {
		return failure(err, lim)
	}
	install, _ := goja.AssertFunction(g)
	if _, err := install(goja.Undefined(), vm.ToValue(lim.StringLength), vm.GlobalObject()); err != nil {
		return failure(err, lim)
	}
	return nil
}

// reusable says whether a run that ended with err left its runtime fit for the next one.
func reusable(err error) bool {
	if err == nil {
		return true
	}
	var se *Error
	return errors.As(err, &se) && se.reusable
}

func failure(err error, lim Limits) error {
	var intr *goja.InterruptedError
	if errors.As(err, &intr) {
		switch intr.Value() {
		case errOutput:
			return &Error{Kind: KindOutput, Msg: fmt.Sprintf("Script printed more than %d bytes", lim.Output)}
		case errMemory:
			return &Error{Kind: KindMemory, Msg: fmt.Sprintf("Script used more than %d MiB of memory", lim.Memory>>20)}
		}
		return timeoutError(lim)
	}
	var so *goja.StackOverflowError
	if errors.As(err, &so) {
		return &Error{Kind: KindException, Msg: "Script error: RangeError: Maximum call stack size exceeded"}
	}
	var ex *goja.Exception
	return &Error{Kind: KindException, Msg: "Script error: " + oneLine(err.Error()), reusable: errors.As(err, &ex)}
}

// message reads the printed output: one JSON object is a structured message whose "text" is the
// message text; anything else is the text itself.
func message(output string) (Result, error) {
	res := Result{Output: output, Text: output}
	trimmed := strings.TrimSpace(output)
	if trimmed == "" {
		return Result{}, &Error{Kind: KindSilent, Msg: "Script did not print a message", reusable: true}
	}
	if strings.HasPrefix(trimmed, "{") {
		var obj map[string]any
		if json.Unmarshal([]byte(trimmed), &obj) == nil {
			res.JSON = obj
			res.Text = trimmed
			if t, ok := obj["text"].(string); ok {
				res.Text = t
			}
		}
	}
	return res, nil
}

// contextValue is the run's context object. build is env.Shape's builder in vm, nil to make it.
func contextValue(vm *goja.Runtime, build goja.Callable, env Env) (goja.Value, error) {
	if env.Shape == nil {
		return toJS(vm, env.Context), nil
	}
	if build == nil {
		var err error
		if build, err = env.Shape.builder(vm); err != nil {
			return nil, err
		}
	}
	return env.Shape.build(vm, build, env.Values)
}

// toJS builds plain JS objects and arrays, so the script sees ordinary values (JSON.stringify,
// Object.keys and mutation behave as in any engine) rather than wrapped Go maps.
func toJS(vm *goja.Runtime, v any) goja.Value {
	switch x := v.(type) {
	case map[string]any:
		o := vm.NewObject()
		for k, e := range x {
			_ = o.Set(k, toJS(vm, e))
		}
		return o
	case []any:
		items := make([]any, len(x))
		for i, e := range x {
			items[i] = toJS(vm, e)
		}
		return vm.NewArray(items...)
	case []string:
		items := make([]any, len(x))
		for i, e := range x {
			items[i] = e
		}
		return vm.NewArray(items...)
	}
	return vm.ToValue(v)
}

// heapBytes reads the bytes held by heap objects; metrics.Read does not stop the world.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
