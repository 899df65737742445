package script

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

func demoEnv() Env {
	return Env{
		Context: map[string]any{"session": map[string]any{"BotUserSession": map[string]any{
			"lastMessage": map[string]any{"channel": "msteams"}}}},
		Globals: map[string]any{"identity": "alice@example.com"},
		Now:     func() time.Time { return time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC) },
		Rand:    func() float64 { return 0.25 },
	}
}

func mustRun(t *testing.T, src string, lim Limits) (Result, error) {
	t.Helper()
	p, err := Compile(src)
	if err != nil {
		return Result{}, err
	}
	return Run(p, demoEnv(), lim)
}

// runModes are the two ways a program runs: a fresh sandbox (Run), and a Runner that one table's
// cases share in order, so each case also runs in a runtime the case before it used (or threw
// away).
func runModes() map[string]func(*Program, Env, Limits) (Result, error) {
	shared := NewRunner()
	shared.hold = 1 // the pause after a run stopped for memory, not what these tests measure
	return map[string]func(*Program, Env, Limits) (Result, error){"fresh": Run, "runner": shared.Run}
}

func TestRunMessages(t *testing.T) {
	tests := []struct {
		name, src string
		text      string
		json      bool
	}{
		{"the vendor page's example", `var envMsg = 'John'; var channel = context.session.BotUserSession.lastMessage.channel; print(JSON.stringify({text: 'Hi ' + envMsg + ' message is from ' + channel + ' channel'}));`,
			"Hi John message is from msteams channel", true},
		{"plain text", `print('Reset your password')`, "Reset your password", false},
		{"several prints are lines", `print('a'); print('b', 2)`, "a\nb 2", false},
		{"JSON without text is kept whole", `print(JSON.stringify({card: 1}))`, `{"card":1}`, true},
		{"identity is a global", `print(identity)`, "alice@example.com", false},
		{"Date follows the given clock", `print(new Date().toISOString())`, "2030-01-02T03:04:05.000Z", false},
		{"Math.random follows the given source", `print(Math.random())`, "0.25", false},
		{"a caught exception is fine", `try { null.x } catch (e) { print('caught') }`, "caught", false},
		{"a small repeat is allowed", `print('ab'.repeat(3))`, "ababab", false},
		{"array methods still work", `var a = [3, 1, 2]; print(a.sort().map(function (x) { return x * 2 }).join('-'), Math.max.apply(null, a), Array.from('ab').length, [...a].length)`, "2-4-6 3 2 3", false},
		{"JSON.stringify still works", `var o = {a: [1, {b: 'c'}]}; o.self = undefined; print(JSON.stringify(o, null, 0))`, `{"a":[1,{"b":"c"}]}`, true},
		{"top-level let and const", `const a = 'x'; let b = a + 'y'; class C { m() { return b } } print(new C().m())`, "xy", false},
		{"top-level var and function are globals", `var v = 1; function f() { return 2 } print(this.v + globalThis.f() + typeof globalThis.print)`, "3function", false},
		{"an implicit global", `g = 'implicit'; print(globalThis.g)`, "implicit", false},
		{"a global may be replaced", `JSON = {stringify: function () { return 'own' }}; print(JSON.stringify(1))`, "own", false},
		{"a built-in may be extended", `String.prototype.shout = function () { return this.toUpperCase() + '!' }; print('hi'.shout())`, "HI!", false},
		{"an inherited property may be overridden", `var e = new Error('a'); e.message = 'b'; var o = {}; o.toString = function () { return 'mine' }; print(e.message + ' ' + o)`, "b mine", false},
		{"a promise job runs before the run ends", `Promise.resolve().then(function () { print('later') })`, "later", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Compile(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			for mode, run := range runModes() {
				res, err := run(p, demoEnv(), Limits{})
				if err != nil {
					t.Fatalf("%s: error: %v", mode, err)
				}
				if res.Text != tt.text {
					t.Errorf("%s: text = %q, want %q", mode, res.Text, tt.text)
				}
				if (res.JSON != nil) != tt.json {
					t.Errorf("%s: JSON = %v, want JSON: %v", mode, res.JSON, tt.json)
				}
			}
		})
	}
}

func TestRunFailures(t *testing.T) {
	tests := []struct {
		name, src string
		lim       Limits
		kind      string
		reason    string
	}{
		{"a syntax error", `print(`, Limits{}, KindSyntax, "SyntaxError"},
		{"a throw", `throw new Error('boom')`, Limits{}, KindException, "boom"},
		{"a reference error", `print(nosuch)`, Limits{}, KindException, "nosuch is not defined"},
		{"silence", `var x = 1`, Limits{}, KindSilent, "did not print"},
		{"blank output", `print('   ')`, Limits{}, KindSilent, "did not print"},
		{"an infinite loop", `while (true) {}`, Limits{Time: 50 * time.Millisecond}, KindTimeout, "within 50ms"},
		{"an infinite loop that catches", `for(;;) { try { while(true){} } catch (e) {} }`, Limits{Time: 50 * time.Millisecond}, KindTimeout, "within"},
		{"runaway recursion", `function f() { return f() + 1 } f()`, Limits{}, KindException, "call stack"},
		{"too much output", `for (;;) print('xxxxxxxxxxxxxxxx')`, Limits{Output: 1000}, KindOutput, "more than 1000 bytes"},
		{"a huge repeat", `print('x'.repeat(1e12))`, Limits{}, KindException, "Invalid string length"},
		{"a huge padStart", `print(''.padStart(1e12))`, Limits{}, KindException, "Invalid string length"},
		{"a huge join", `print(new Array(1e9).join('-'))`, Limits{}, KindException, "Invalid string length"},
		{"doubling a string", `var s = 'x'; for (;;) s += s`, Limits{Time: 2 * time.Second, Memory: 64 << 20}, KindMemory, "more than 64 MiB of memory"},
		// Each of these is one native call over 2^32 elements: a fatal out-of-memory for the whole
		// process, or a core spinning long after the run was given up, without the guards.
		{"sorting a huge sparse array", `var a = []; a.length = 4294967295; a.sort()`, Limits{}, KindException, "Invalid array length"},
		{"sorting a huge array-like", `Array.prototype.sort.call({length: 4e9})`, Limits{}, KindException, "Invalid array length"},
		{"mapping a huge sparse array", `var a = []; a.length = 4e9; a.map(function (x) { return x })`, Limits{}, KindException, "Invalid array length"},
		{"apply with a huge array-like", `Math.max.apply(null, {length: 4e9})`, Limits{}, KindException, "Invalid array length"},
		{"Reflect.apply with a huge array-like", `Reflect.apply(Math.max, null, {length: 4e9})`, Limits{}, KindException, "Invalid array length"},
		{"Array.from a huge array-like", `Array.from({length: 4e9})`, Limits{}, KindException, "Invalid array length"},
		{"indexOf over a huge array-like", `Array.prototype.indexOf.call({length: 1e15}, 1)`, Limits{}, KindException, "Invalid array length"},
		{"spreading a huge sparse array", `var a = []; a.length = 4e9; [...a]`, Limits{}, KindException, "Invalid array length"},
		{"stringifying a nested huge array", `var a = []; a.length = 4e9; JSON.stringify({x: [a]})`, Limits{}, KindException, "Invalid array length"},
		{"a huge ArrayBuffer", `new ArrayBuffer(1e10)`, Limits{}, KindException, "ArrayBuffer is not defined"},
		{"a huge typed array", `new Float64Array(1e9)`, Limits{}, KindException, "Float64Array is not defined"},
		{"no require", `require('fs')`, Limits{}, KindException, "require is not defined"},
		{"no process", `print(process.env)`, Limits{}, KindException, "process is not defined"},
		// The same hostile calls in the shapes a shared runtime runs (see shareable).
		{"sorting a huge array-like, shared", `[].sort.call({length: 4e9})`, Limits{}, KindException, "Invalid array length"},
		{"indexOf over a huge array-like, shared", `[].indexOf.call({length: 1e15}, 1)`, Limits{}, KindException, "Invalid array length"},
		{"stringifying a nested huge array, shared", `JSON.stringify({x: [new Array(4e9)]})`, Limits{}, KindException, "Invalid array length"},
		{"a huge join, shared", `print(new Array(1e9).join('-'))`, Limits{}, KindException, "Invalid string length"},
		{"an infinite loop, shared", `for (;;) {}`, Limits{Time: 50 * time.Millisecond}, KindTimeout, "within 50ms"},
		{"catastrophic backtracking", `print(/^(?=a)(a+)+$/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'))`, Limits{Time: 50 * time.Millisecond}, KindTimeout, "within 50ms"},
		{"too much output, shared", `for (;;) print('xxxxxxxxxxxxxxxx')`, Limits{Output: 1000}, KindOutput, "more than 1000 bytes"},
		{"runaway recursion, shared", `function g() { return g() + 1 } g()`, Limits{}, KindException, "call stack"},
		// The guards hold their own references: shadowing what they call switches nothing off.
		{"shadowing Number", `Number = function () { return 0 }; [].sort.call({length: 4e9})`, Limits{}, KindException, "Invalid array length"},
		{"shadowing Set", `Set = function () { this.has = function () { return true } }; JSON.stringify([new Array(4e9)])`, Limits{}, KindException, "Invalid array length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Compile(tt.src)
			if err != nil {
				checkError(t, "compile", err, tt.kind, tt.reason)
				return
			}
			for mode, run := range runModes() {
				_, err := run(p, demoEnv(), tt.lim)
				checkError(t, mode, err, tt.kind, tt.reason)
			}
		})
	}
}

func checkError(t *testing.T, mode string, err error, kind, reason string) {
	t.Helper()
	var se *Error
	if !errors.As(err, &se) {
		t.Fatalf("%s: error = %v, want a script Error", mode, err)
	}
	if se.Kind != kind {
		t.Errorf("%s: kind = %s (%s), want %s", mode, se.Kind, se.Msg, kind)
	}
	if !strings.Contains(se.Msg, reason) {
		t.Errorf("%s: message %q does not contain %q", mode, se.Msg, reason)
	}
}

// A program is compiled once and run for many identities at once; runs must not share state.
func TestRunsAreIsolated(t *testing.T) {
	p, err := Compile(`if (typeof seen !== 'undefined') throw new Error('leaked'); var seen = 1; Object.prototype.polluted = 1; print(identity)`)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 20)
	for i := 0; i < 20; i++ {
		go func() {
			env := demoEnv()
			_, err := Run(p, env, Limits{})
			done <- err
		}()
	}
	for i := 0; i < 20; i++ {
		if err := <-done; err != nil {
			t.Errorf("run %d: %v", i, err)
		}
	}
	res, err := mustRun(t, `print(({}).polluted === undefined)`, Limits{})
	if err != nil || res.Text != "true" {
		t.Errorf("prototype pollution leaked into a fresh run: %q %v", res.Text, err)
	}
}

// isolationProbe prints what a run would see of state an earlier run left behind.
const isolationProbe = `print([typeof seen, typeof leaked, typeof later, ({}).polluted, [].polluted, 'x'.polluted, [].values().polluted, (function* () {})().polluted,
		JSON.stringify({text: 'ok'}), [3, 1, 2].sort().join(''), typeof Math.polluted, Object.keys(globalThis).join(',')].map(function (x) { return String(x) }).join(' '))`

const isolationClean = "undefined undefined undefined undefined undefined undefined undefined undefined {\"text\":\"ok\"} 123 undefined print,context,identity"

// One Runner serves identity after identity: nothing one run does to globals, built-ins or
// prototypes is seen by the next, whether the program runs in the shared runtime (where the
// built-ins are frozen) or the gate sends it to a fresh sandbox.
func TestRunnerRunsAreIsolated(t *testing.T) {
	check, err := Compile(isolationProbe)
	if err != nil {
		t.Fatal(err)
	}
	if check.shared == nil {
		t.Fatal("the check program does not share the runtime")
	}
	attempts := []struct {
		src    string
		shared bool
	}{
		// Globals live on the run's own global object.
		{`var seen = 1; leaked = 2; globalThis.later = 3; print('a')`, true},
		// Written plainly, built-ins are patched in a fresh sandbox (the gate sends them there).
		{`Array.prototype.polluted = 1; Object.prototype.polluted = 1; String.prototype.polluted = 1; print('a')`, false},
		{`JSON.stringify = function () { return 'hijacked' }; Array.prototype.sort = function () { return [9] }; print('a')`, false},
		{`Object.defineProperty(Math, 'polluted', {value: 1}); print('a')`, false},
		// Written to slip past the gate: they run in the shared runtime and meet frozen built-ins.
		{`var ap = [][('__pro' + 'to__')]; ap.polluted = 1; print('a')`, true},
		{`var op = ({})[('__pro' + 'to__')]; op.polluted = 1; print('a')`, true},
		{`var J = this[('JS' + 'ON')]; var O = this[('Obj' + 'ect')]; O[('define' + 'Property')](J, 'stringify', {value: function () { return 'hijacked' }})`, true},
		{`var e = this[('ev' + 'al')]; if (e) e('let leaked = 1'); var F = (function () {})[('constr' + 'uctor')]; F('leaked = 1; let later = 2')(); print('a')`, true},
		{`var seen = 1; later = 3; print('a')`, true},
		{`let seen = 1; const leaked = 2; print('a')`, true},
		{`var ip = [][Symbol.iterator]()[('__pro' + 'to__')]; ip.polluted = 1; ip[('__pro' + 'to__')].polluted = 1; print('a')`, true},
		{`var gp = (function* () {})()[('__pro' + 'to__')][('__pro' + 'to__')]; gp.polluted = 1; print('a')`, true},
	}
	r := NewRunner()
	for _, a := range attempts {
		src := a.src
		p, err := Compile(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if (p.shared != nil) != a.shared {
			t.Errorf("%s: shared = %v, want %v", src, p.shared != nil, a.shared)
		}
		_, _ = r.Run(p, demoEnv(), Limits{})
		res, err := r.Run(check, demoEnv(), Limits{})
		if err != nil || res.Text != isolationClean {
			t.Errorf("after %s\n got %q %v\nwant %q", src, res.Text, err, isolationClean)
		}
	}
}

// Every prototype a script can reach from any kind of value in a shared runtime is frozen,
// including the intrinsics goja makes on first use (one not frozen at build would be made by the
// first script that needs it, and kept for the next).
func TestSharedIntrinsicsAreFrozen(t *testing.T) {
	r := NewRunner()
	if err := r.build(); err != nil {
		t.Fatal(err)
	}
	v, err := r.vm.RunString(`(function () {
		var kinds = {
			object: {}, array: [], number: Object(1), string: Object(''), boolean: Object(true),
			symbol: Object(Symbol()), fn: function () {}, arrow: () => 1, regexp: /x/, date: new Date(0), error: new TypeError(),
			map: new Map(), set: new Set(), weakmap: new WeakMap(), weakset: new WeakSet(), promise: Promise.resolve(),
			arrayIterator: [].values(), arrayEntries: [].entries(), stringIterator: ''[Symbol.iterator](),
			mapIterator: new Map().keys(), setIterator: new Set().values(), regexpStringIterator: /x/g[Symbol.matchAll](''),
			generatorFunction: function* () {}, generator: (function* () {})(), asyncFunction: async function () {},
			asyncPromise: (async function () {})(), args: (function () { return arguments })(),
			strictArgs: (function () { 'use strict'; return arguments })(), bound: function () {}.bind(null),
			klass: class {}, instance: new (class {})(), proxy: new Proxy({}, {}), json: JSON.parse('{"a":[1]}'),
			matched: /(x)/.exec('x'), template: (function (s) { return s })` + "`a`" + `, iteratorResult: [1].values().next()
		};
		// Their first prototype is made with them: the generator function's or the class's own.
		var ownFirst = {generator: true, instance: true};
		var bad = [];
		Object.keys(kinds).forEach(function (k) {
			var o = kinds[k];
			if (ownFirst[k]) o = Object.getPrototypeOf(o);
			for (var p = Object.getPrototypeOf(o); p !== null; p = Object.getPrototypeOf(p)) {
				if (!Object.isFrozen(p)) bad.push(k);
				var c = Object.getOwnPropertyDescriptor(p, 'constructor');
				if (c && 'value' in c && typeof c.value === 'function' && !Object.isFrozen(c.value)) bad.push(k + '.constructor');
			}
		});
		return bad.join(' ');
	})()`)
	if err != nil {
		t.Fatal(err)
	}
	if v.String() != "" {
		t.Errorf("not frozen: %s", v)
	}
}

// A shared Runner answers as a fresh sandbox does: the same text, the same error messages
// (positions included), and the same random numbers drawn, as many of them.
func TestRunnerMatchesFreshSandbox(t *testing.T) {
	srcs := []string{
		`const a = 1; throw new Error('x ' + Math.random())`,
		"let a = Math.random();\nnull.x",
		`null.x`,
		`var v = Math.random(); print(v, Math.random())`,
		`let q = 1; print(this === globalThis, typeof arguments, typeof q)`,
		`print(typeof arguments, this === globalThis)`,
		`class K {} print(typeof K, Math.random())`,
		`'use strict'; let s = 1; print(this === globalThis, s)`,
		`function f() { return f() } f()`,
		`print(Object.keys(context.session).length, identity)`,
	}
	r := NewRunner()
	for _, src := range srcs {
		p, err := Compile(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		var answers [2]string
		var drawn [2]int
		for i, run := range []func(*Program, Env, Limits) (Result, error){Run, r.Run} {
			env := demoEnv()
			n := 0
			env.Rand = func() float64 { n++; return float64(n) / 10 }
			res, err := run(p, env, Limits{})
			answers[i], drawn[i] = fmt.Sprintf("%q %v", res.Text, err), n
		}
		if answers[0] != answers[1] || drawn[0] != drawn[1] {
			t.Errorf("%s\n fresh:  %s (%d drawn)\n runner: %s (%d drawn)", src, answers[0], drawn[0], answers[1], drawn[1])
		}
	}
}

// A ContextShape builds the same context the map would (keys sorted), fresh and in a Runner,
// run after run, and refuses what it can't build.
func TestContextShape(t *testing.T) {
	shape, err := NewContextShape(map[string]any{"b": map[string]any{"x": Hole(1), "list": []any{Hole(0), "lit", 2, true, nil}}, "a": Hole(0)})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(`print(JSON.stringify(context)); context.a = 'mine'`)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"a":"one","b":{"list":["one","lit",2,true,null],"x":"two \"2\""}}`
	r := NewRunner()
	for mode, run := range map[string]func(*Program, Env, Limits) (Result, error){"fresh": Run, "runner": r.Run} {
		for i := range 3 {
			env := demoEnv()
			env.Shape, env.Values = shape, []string{"one", `two "2"`}
			res, err := run(p, env, Limits{})
			if err != nil || res.Text != want {
				t.Errorf("%s run %d: %q %v, want %q", mode, i, res.Text, err, want)
			}
		}
		env := demoEnv()
		env.Shape, env.Values = shape, []string{"one"}
		if _, err := run(p, env, Limits{}); err == nil || !strings.Contains(err.Error(), "2 holes, given 1") {
			t.Errorf("%s: %v, want a count error", mode, err)
		}
	}
	for _, bad := range []map[string]any{{"x": Hole(-1)}, {"x": struct{}{}}, {"x": []string{"a"}}} {
		if _, err := NewContextShape(bad); err == nil {
			t.Errorf("NewContextShape(%v) took it", bad)
		}
	}
}

// The shared runtime keeps going after an ordinary exception and is rebuilt after an interrupt.
func TestRunnerKeepsItsRuntime(t *testing.T) {
	r := NewRunner()
	ok, _ := Compile(`print('ok')`)
	throw, _ := Compile(`throw new Error('boom')`)
	loop, _ := Compile(`for (;;) {}`)
	if _, err := r.Run(ok, demoEnv(), Limits{}); err != nil {
		t.Fatal(err)
	}
	vm := r.vm
	if _, err := r.Run(throw, demoEnv(), Limits{}); err == nil {
		t.Fatal("no error from a throw")
	}
	if r.vm != vm {
		t.Error("an exception threw the runtime away")
	}
	if _, err := r.Run(loop, demoEnv(), Limits{Time: 20 * time.Millisecond}); err == nil {
		t.Fatal("no error from a loop")
	}
	if r.vm != nil {
		t.Error("an interrupted runtime was kept")
	}
	// The loop's next run takes a fresh sandbox rather than cost the Runner another runtime.
	if _, err := r.Run(loop, demoEnv(), Limits{Time: 20 * time.Millisecond}); err == nil {
		t.Fatal("no error from a loop")
	}
	if r.vm != nil {
		t.Error("a runtime was built for a program that lost the last one")
	}
	if res, err := r.Run(ok, demoEnv(), Limits{}); err != nil || res.Text != "ok" {
		t.Errorf("after a timeout: %q %v", res.Text, err)
	}
}

func TestShareable(t *testing.T) {
	tests := []struct {
		src          string
		shared, wrap bool
	}{
		{`print(JSON.stringify({text: 'Hi ' + identity + ' on ' + context.session.BotUserSession.lastMessage.channel}))`, true, false},
		{`var msg = {}; msg.text = 'Hi'; msg.data = {n: 1}; msg.data.n++; print(JSON.stringify(msg))`, true, false},
		{`const a = [1, 2].map(function (x) { return x * 2 }); print(a.join(','))`, true, true},
		{`if (typeof Intl === 'undefined' && x instanceof Date) print(Math.max(1, 2), new Date(), String(1), Object.keys({}))`, true, false},
		{`g = 1; print(g)`, true, false},
		{`Array.prototype.x = 1`, false, false},
		{`''.__proto__.x = 1`, false, false},
		{`x.constructor.y = 1`, false, false},
		{`Object.defineProperty({}, 'x', {})`, false, false},
		{`Object.assign({}, {})`, false, false},
		{`Reflect.ownKeys({})`, false, false},
		{`eval('1')`, false, false},
		{`Function('return 1')`, false, false},
		{`o['prototype']`, false, false},
		{"o[`constructor`]", false, false},
		{`Math.x = 1`, false, false},
		{`String.format = function () {}`, false, false},
		{`Math.max.x = 1`, false, false},
		{`o[k] = 1`, false, false},
		{`e.message = 'x'`, false, false},
		{`o.toString = function () {}`, false, false},
		{`delete o.name`, false, false},
		{`var M = Math`, false, false},
		{`f(JSON)`, false, false},
		{`var o = {Math}`, false, false},
		{`class E extends Error {}`, false, true},
		{`with (o) { x = 1 }`, false, false},
		{`for (o.length in {}) ;`, false, false},
		{`[o.x] = [1]`, false, false},
		{`JSON = {}`, false, false},
		{`var Number = 1`, false, false},
		{`function escape() {}`, false, false},
		{`toString = 1`, false, false},
		{`print = null`, false, false},
		{`var p = print`, false, false},
		{`print(globalThis.hasOwnProperty('JSON'))`, false, false},
		{`print(Object.hasOwn(this, 'JSON'))`, false, false},
		{`var o = {a: 1}; for (var k in o) if (o.hasOwnProperty(k)) print(k)`, true, false},
		{`print(Object.getOwnPropertyNames(o))`, false, false},
	}
	for _, tt := range tests {
		p, err := Compile(tt.src)
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		shared, wrap := p.shared != nil, p.wrapped
		if shared != tt.shared || (shared && wrap != tt.wrap) {
			t.Errorf("shareable(%s) = %v, %v; want %v, %v", tt.src, shared, wrap, tt.shared, tt.wrap)
		}
	}
}

// A catastrophic backtracking pattern (a lookahead sends it to regexp2) runs inside one native
// call; the match timeout ends it, so no goroutine spins on after the run is given up.
func TestBacktrackingRegexpDoesNotOutliveItsRun(t *testing.T) {
	before := runtime.NumGoroutine()
	_, err := mustRun(t, `print(/^(?=a)(a+)+$/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'))`, Limits{Time: 50 * time.Millisecond})
	var se *Error
	if !errors.As(err, &se) || se.Kind != KindTimeout {
		t.Fatalf("error = %v, want a timeout", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines still running after the run, %d before", runtime.NumGoroutine(), before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// comparable: an outcome that does not depend on timing.
func comparable(err error) bool {
	var se *Error
	return err == nil || (errors.As(err, &se) && (se.Kind == KindException || se.Kind == KindSilent || se.Kind == KindSyntax))
}

func FuzzScript(f *testing.F) {
	for _, s := range []string{
		`print(JSON.stringify({text: 'Hi ' + context.session.BotUserSession.lastMessage.channel}))`,
		`print('x')`, `throw 1`, `while(true){}`, `print(`, `'a'.repeat(-1)`, `print(identity.repeat(3))`,
		`print(new Array(5).join())`, `print(String(Symbol('x')))`, `print({toString(){ throw 1 }})`,
		`Promise.resolve().then(function(){ print('later') })`, `print([].concat.apply([], new Array(10)))`,
		`Array.prototype.sort.call({length: 4e9})`, `var a = []; a.length = 4e9; print(JSON.stringify([a]))`, `print(/^(?=a)(a+)+$/.test('aaaa!'))`,
		`var o = {}; o.toString = function () { return 'x' }; print('' + o)`, `var e = new Error('a'); e.message = 'b'; print(e.message)`,
		`String.prototype.x = 1; print(''.x)`, `let l = Math.random(); const c = [l]; print(c[0], typeof arguments, this === globalThis)`,
		`x = 1; var y = 2; print(globalThis.x + this.y)`, `JSON = 1; print(typeof JSON)`,
		`print(globalThis.hasOwnProperty('JSON'), String(this), Object.keys(globalThis))`,
		// Runaway allocation, and one-step builders the guards and rewrite bound.
		`var s="x"; while(true){ s = s + s; }`, `var a = 'x'.repeat(1e6); print(Array(300).fill(a).join('').length)`,
		"var a = 'x'.repeat(1e5); print(`${a}${a}${a}`.length, {...'ab'}[1])", `var a = 'x'.repeat(1e4); print(a.replaceAll('x', a).length)`,
		`print(1n)`, `var {a, ...r} = {a: 1, b: 2}; for (var k in r) print(k)`,
	} {
		f.Add(s)
	}
	probe, err := Compile(isolationProbe)
	if err != nil {
		f.Fatal(err)
	}
	// One Runner for every input a fuzzing process tries: each run follows all the others.
	r := NewRunner()
	f.Fuzz(func(t *testing.T, src string) {
		// In a shared Runner the program answers as in a fresh sandbox (unless the answer is about
		// time or memory, which vary), and whatever it does, the next run there finds a clean
		// runtime.
		defer func() {
			if p, err := Compile(src); err == nil {
				lim := Limits{Time: 100 * time.Millisecond, Output: 4096}
				shared, serr := r.Run(p, demoEnv(), lim)
				fresh, ferr := Run(p, demoEnv(), lim)
				if comparable(serr) && comparable(ferr) && (shared.Text != fresh.Text || fmt.Sprint(serr) != fmt.Sprint(ferr)) {
					t.Fatalf("%q: shared runtime %q %v, fresh sandbox %q %v", src, shared.Text, serr, fresh.Text, ferr)
				}
			}
			if res, err := r.Run(probe, demoEnv(), Limits{}); err != nil || res.Text != isolationClean {
				t.Fatalf("after %q the next run saw %q %v", src, res.Text, err)
			}
		}()
		p, err := Compile(src)
		if err != nil {
			var se *Error
			if !errors.As(err, &se) || se.Kind != KindSyntax {
				t.Fatalf("compile error is not a syntax Error: %v", err)
			}
			return
		}
		res, err := Run(p, demoEnv(), Limits{Time: 100 * time.Millisecond, Output: 4096})
		if err != nil {
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("run error is not a script Error: %#v", err)
			}
			if se.Kind == KindCrash {
				t.Fatalf("engine crashed: %v", se)
			}
			return
		}
		if strings.TrimSpace(res.Text) == "" && res.JSON == nil {
			t.Fatalf("a successful run with no message: %+v", res)
		}
	})
}

const benchSrc = `print(JSON.stringify({text: 'Hi ' + identity + ' on ' + context.session.BotUserSession.lastMessage.channel}))`

// benchLimits are generous: a loaded machine can stall one run past the default time limit, and
// the benchmarks measure runs, not limits.
var benchLimits = Limits{Time: 10 * time.Second}

// BenchmarkRun is one run in a fresh sandbox.
func BenchmarkRun(b *testing.B) {
	p, err := Compile(benchSrc)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(p, demoEnv(), benchLimits); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunnerRun is one run in a Runner's kept runtime.
func BenchmarkRunnerRun(b *testing.B) {
	p, err := Compile(benchSrc)
	if err != nil {
		b.Fatal(err)
	}
	r := NewRunner()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Run(p, demoEnv(), benchLimits); err != nil {
			b.Fatal(err)
		}
	}
}
