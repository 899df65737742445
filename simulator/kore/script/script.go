// Package script runs the JavaScript of Kore.ai "script" proactive notifications. Each run gets a
// fresh goja runtime: no require, no file, network or process access, a time limit, a cap on
// printed output and a watch on heap growth. What the script prints with print(...) becomes the
// message: a JSON object with a "text" property, or plain text.
package script

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime/metrics"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"
)

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
	// StringLength caps what one call to repeat, padStart, padEnd or join may build: those run
	// as single native calls that an interrupt can't stop half-way.
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
}

// Compile parses src once for every identity of a job.
func Compile(src string) (*Program, error) {
	p, err := goja.Compile("script", src, false)
	if err != nil {
		return nil, &Error{Kind: KindSyntax, Msg: "Script error: " + oneLine(err.Error())}
	}
	return &Program{prog: p}, nil
}

// Env is what one run sees: the context object and the sources of time and randomness, so a
// script's Date and Math.random follow the simulator's clock and seed.
type Env struct {
	// Context becomes the global `context` (maps and slices become plain JS objects and arrays).
	Context map[string]any
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

// guards replaces the builtins that can allocate without bound in one native call with versions
// that refuse, as V8 does past its own string limit, with a RangeError.
const guardsSrc = `(function (max) {
  function def(proto, name, fn) {
    Object.defineProperty(proto, name, {value: fn, writable: true, configurable: true, enumerable: false});
  }
  function check(n) { if (!(n <= max)) throw new RangeError('Invalid string length'); }
  var repeat = String.prototype.repeat, padStart = String.prototype.padStart,
      padEnd = String.prototype.padEnd, join = Array.prototype.join;
  def(String.prototype, 'repeat', function repeat_(count) {
    var s = String(this); check(s.length * Math.max(0, Number(count) || 0)); return repeat.call(s, count);
  });
  def(String.prototype, 'padStart', function padStart_(n, f) { check(Number(n) || 0); return padStart.call(this, n, f); });
  def(String.prototype, 'padEnd', function padEnd_(n, f) { check(Number(n) || 0); return padEnd.call(this, n, f); });
  def(Array.prototype, 'join', function join_(sep) {
    var len = Number(this.length) || 0;
    check(len * (sep === undefined ? 1 : String(sep).length));
    return join.call(this, sep);
  });
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
	type outcome struct {
		res Result
		err error
	}
	done := make(chan outcome, 1)
	vmReady := make(chan *goja.Runtime, 1)
	go func() {
		var out outcome
		defer func() {
			if x := recover(); x != nil {
				out = outcome{err: &Error{Kind: KindCrash, Msg: fmt.Sprintf("Script engine failed: %v", x)}}
			}
			done <- out
		}()
		out.res, out.err = run(p, env, lim, vmReady)
	}()
	vm := <-vmReady
	var once sync.Once
	interrupt := func(v error) { once.Do(func() { vm.Interrupt(v) }) }

	timer := time.NewTimer(lim.Time)
	defer timer.Stop()
	ticker := time.NewTicker(2 * time.Millisecond)
	defer ticker.Stop()
	base := heapBytes()
	var hard <-chan time.Time
	for {
		select {
		case o := <-done:
			return o.res, o.err
		case <-ticker.C:
			if h := heapBytes(); h > base && h-base > lim.Memory {
				interrupt(errMemory)
			}
		case <-timer.C:
			interrupt(errTimeout)
			hard = time.After(grace)
		case <-hard:
			return Result{}, timeoutError(lim)
		}
	}
}

func timeoutError(lim Limits) error {
	return &Error{Kind: KindTimeout, Msg: fmt.Sprintf("Script did not finish within %s", lim.Time)}
}

func run(p *Program, env Env, lim Limits, ready chan<- *goja.Runtime) (Result, error) {
	vm := goja.New()
	ready <- vm
	vm.SetMaxCallStackSize(512)
	if env.Now != nil {
		vm.SetTimeSource(env.Now)
	}
	if env.Rand != nil {
		vm.SetRandSource(env.Rand)
	}
	var out strings.Builder
	lines := 0
	printFn := func(call goja.FunctionCall) goja.Value {
		parts := make([]string, len(call.Arguments))
		for i, a := range call.Arguments {
			parts[i] = a.String()
		}
		line := strings.Join(parts, " ")
		if out.Len()+len(line)+1 > lim.Output {
			vm.Interrupt(errOutput)
			return goja.Undefined()
		}
		if lines > 0 {
			out.WriteByte('\n')
		}
		out.WriteString(line)
		lines++
		return goja.Undefined()
	}
	if err := vm.Set("print", printFn); err != nil {
		return Result{}, err
	}
	g, err := vm.RunProgram(guards)
	if err != nil {
		return Result{}, failure(err, lim)
	}
	install, _ := goja.AssertFunction(g)
	if _, err := install(goja.Undefined(), vm.ToValue(lim.StringLength)); err != nil {
		return Result{}, failure(err, lim)
	}
	if err := vm.Set("context", toJS(vm, env.Context)); err != nil {
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
	return message(out.String())
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
	return &Error{Kind: KindException, Msg: "Script error: " + oneLine(err.Error())}
}

// message reads the printed output: one JSON object is a structured message whose "text" is the
// message text; anything else is the text itself.
func message(output string) (Result, error) {
	res := Result{Output: output, Text: output}
	trimmed := strings.TrimSpace(output)
	if trimmed == "" {
		return Result{}, &Error{Kind: KindSilent, Msg: "Script did not print a message"}
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
