// Package script runs the JavaScript of Kore.ai "script" proactive notifications in a goja
// sandbox: no require, no file, network or process access, a time limit, a cap on printed output,
// a watch on what it allocates, and guards on the native calls an interrupt can't stop. What the script
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
	"math"
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
	KindMemory    = "memory"    // the script allocated more than the memory limit
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
	// Memory is how much the run may allocate in large objects (over 32 KiB: long strings and
	// arrays) before it is stopped; everything it allocates counts against eight times Memory.
	// The counts are the process's (see allocMeter), so this is a guard against runaway scripts,
	// not an exact per-script account. The watchdog looks every watchEvery (closeWatch once a
	// quarter is spent), and a native operation under way finishes before the interrupt lands
	// (one concatenation can double a string), so a run can allocate up to about twice Memory.
	Memory uint64
	// StringLength caps what one step of the engine may build or walk, which an interrupt can't
	// stop half-way (see guardsSrc): the chars of a string a builder makes or a walker takes,
	// and the elements of an array-like handed to an Array method, apply, Reflect, Array.from
	// or JSON.stringify. A sixteenth of it caps a string turned into a value per char and the
	// parts of a split; a 128th, the matches of a global regular expression in a long string.
	StringLength int
}

// Defaults for Limits.
const (
	DefaultTime         = 500 * time.Millisecond
	DefaultOutput       = 64 << 10
	DefaultMemory       = 32 << 20
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

// MaxSource is the most bytes of source Compile takes, and the most chars the Function
// constructors and eval compile during a run. goja's parser and compiler recurse once per level
// of nesting, up to a couple of KiB of stack per source byte, and a goroutine stack past 1 GB is
// fatal to the whole process (a body of 400,000 nested brackets is one): 32 KiB keeps the
// deepest program under 64 MiB of stack.
const MaxSource = 32 << 10

// Compile parses src once for every identity of a job.
func Compile(src string) (*Program, error) {
	if len(src) > MaxSource {
		return nil, &Error{Kind: KindSyntax, Msg: fmt.Sprintf("Script error: the script is %d bytes; the sandbox takes at most %d", len(src), MaxSource)}
	}
	if strings.Contains(src, reserved) {
		return nil, &Error{Kind: KindSyntax, Msg: "Script error: SyntaxError: names starting with " + reserved + " are reserved by the sandbox"}
	}
	parsed, err := goja.Parse("script", src)
	if err != nil {
		return nil, &Error{Kind: KindSyntax, Msg: "Script error: " + oneLine(err.Error())}
	}
	out, changed, err := rewrite(src, parsed)
	if err != nil {
		return nil, &Error{Kind: KindSyntax, Msg: "Script error: SyntaxError: " + err.Error()}
	}
	if changed {
		src = out
		if parsed, err = goja.Parse("script", src); err != nil {
			return nil, &Error{Kind: KindSyntax, Msg: "Script error: " + oneLine(err.Error())}
		}
	}
	p, err := goja.CompileAST(parsed, false)
	if err != nil {
		return nil, &Error{Kind: KindSyntax, Msg: "Script error: " + oneLine(err.Error())}
	}
	prog := &Program{prog: p}
	if ok, wrap := shareable(parsed); ok && !wrap {
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
	res, err, _ := runSandbox(p, env, lim.withDefaults())
	return res, err
}

// runSandbox is Run, saying what the process allocated during the run.
func runSandbox(p *Program, env Env, lim Limits) (Result, error, uint64) {
	vm := goja.New()
	res, err, _, spent := supervise(vm, lim, goStart, func() (Result, error) { return runFresh(vm, p, env, lim) })
	return res, err, spent
}

func goStart(f func()) { go f() }

// supervise runs fn (which uses vm) on the goroutine start gives it, and stops it at the time and memory
// limits. clean says the run ended on its own, without a crash, and left vm fit for another run:
// it finished, or threw an ordinary exception (goja drains the job queue and unwinds the stack
// on the way out). An interrupt (time, memory, output), a stack overflow, a crash or a run given
// up in a native call leaves vm to be thrown away. spent is what the process allocated during
// the run.
func supervise(vm *goja.Runtime, lim Limits, start func(func()), fn func() (Result, error)) (res Result, err error, clean bool, spent uint64) {
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

	// One timer serves both limits: it samples the allocation every watchEvery until the time limit.
	began := time.Now()
	timer := time.NewTimer(min(watchEvery, lim.Time))
	defer timer.Stop()
	var meter allocMeter
	base := meter.read()
	var hard <-chan time.Time
	for {
		select {
		case o := <-done:
			// An interrupt that lands as the script finishes would otherwise stop the next run at
			// its first instruction.
			vm.ClearInterrupt()
			return o.res, o.err, !o.crashed && reusable(o.err), meter.since(base).total
		case <-timer.C:
			left := lim.Time - time.Since(began)
			if left <= 0 {
				interrupt(errTimeout)
				hard = time.After(grace)
				continue
			}
			spent := meter.since(base)
			if spent.over(lim) {
				interrupt(errMemory)
			}
			timer.Reset(min(spent.next(lim), left))
		case <-hard:
			return Result{}, timeoutError(lim), false, meter.since(base).total
		}
	}
}

// watchEvery is how often a running script's allocation is sampled; closeWatch, once it has
// allocated a quarter of its limit in large objects.
const (
	watchEvery = 2 * time.Millisecond
	closeWatch = watchEvery / 16
)

// allocMeter reads what the process has allocated on the heap since it started (runtime/metrics,
// which does not stop the world): all of it, and what went to large objects (over 32 KiB, each
// its own span), counts that only grow, whatever the collector frees. The counts are the
// process's, not the run's: they include what other goroutines allocate meanwhile. Large
// objects are what a string doubled or a builder's output is made of, and what a serving
// process makes little of (a request's handlers allocate small objects), so the memory limit is
// on them; everything allocated counts against eight times the limit, which bounds a flood of
// small objects without stopping a long script because the process is busy.
type allocMeter struct{ s [2]metrics.Sample }

// allocs is a reading of allocMeter.
type allocs struct{ total, large uint64 }

func (m *allocMeter) read() allocs {
	m.s[0].Name, m.s[1].Name = "/gc/heap/allocs:bytes", "/gc/heap/allocs-by-size:bytes"
	metrics.Read(m.s[:])
	var a allocs
	if m.s[0].Value.Kind() == metrics.KindUint64 {
		a.total = m.s[0].Value.Uint64()
	}
	if m.s[1].Value.Kind() == metrics.KindFloat64Histogram {
		h := m.s[1].Value.Float64Histogram()
		small := 0.0
		for i, n := range h.Counts {
			// Each finite bucket is one size class, [previous class + 1, class + 1).
			if up := h.Buckets[i+1]; !math.IsInf(up, 1) {
				small += float64(n) * (up - 1)
			}
		}
		if s := uint64(small); s < a.total {
			a.large = a.total - s
		}
	}
	return a
}

func (m *allocMeter) since(base allocs) allocs {
	a := m.read()
	return allocs{total: sub(a.total, base.total), large: sub(a.large, base.large)}
}

func sub(a, b uint64) uint64 {
	if a > b {
		return a - b
	}
	return 0
}

// over says whether a run that allocated a is past the memory limit.
func (a allocs) over(lim Limits) bool { return a.large > lim.Memory || a.total > 8*lim.Memory }

// next is when to look again at a run that allocated a. A string that doubles copies, in one
// step an interrupt can't stop, as much as every step before it together: looking often once a
// quarter of the limit is spent catches the run a step earlier, and the last copy, which stalls
// any stop-the-world pause of the process while it runs, is half as long.
func (a allocs) next(lim Limits) time.Duration {
	if a.large > lim.Memory/4 {
		return closeWatch
	}
	return watchEvery
}

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
	if _, err := install(goja.Undefined(), vm.ToValue(lim.StringLength), vm.ToValue(MaxSource), vm.GlobalObject()); err != nil {
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

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
