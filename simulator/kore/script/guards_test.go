package script

import (
	"errors"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"
)

// bare runs src in a plain goja runtime, without guards or rewriting, and returns what it
// printed or the first part of its error (before " at ", which names where the error was
// thrown: inside a guard for the sandbox).
func bare(t *testing.T, src string) string {
	t.Helper()
	vm := goja.New()
	var out []string
	_ = vm.Set("print", func(call goja.FunctionCall) goja.Value {
		parts := make([]string, len(call.Arguments))
		for i, a := range call.Arguments {
			parts[i] = a.String()
		}
		out = append(out, strings.Join(parts, " "))
		return goja.Undefined()
	})
	if _, err := vm.RunString(src); err != nil {
		return errorHead(err.Error())
	}
	return strings.Join(out, "\n")
}

func errorHead(msg string) string {
	msg = strings.TrimPrefix(oneLine(msg), "Script error: ")
	if i := strings.Index(msg, " at "); i >= 0 {
		msg = msg[:i]
	}
	return msg
}

// What the guards wrap and what rewrite rewrites answers as the built-ins do, in both modes:
// each program prints the same as in a plain goja runtime, or throws the same error.
func TestGuardsKeepWhatBuiltinsDo(t *testing.T) {
	srcs := []string{
		// join, toString, toLocaleString
		`print([1, 2, 3].join(), [1, [2, [3]]].join(';'), [null, undefined, 'a'].join(), new Array(3).join('x'), [].join())`,
		`print(Array.prototype.join.call('abc', '-'), Array.prototype.join.call({length: 3, 0: 'a', 2: 'c'}))`,
		`var a = [1]; a.push(a); print(a.join(), String(a), [a, [a]].join('|'))`,
		`print([{toString: function () { return 'o' }}].join(), [1, 2].toString(), String([1, [2, 3]]), [1.5, 'a', null].toLocaleString())`,
		`var n = 0; var o = {toString: function () { n++; return 'x' }}; [o, o].join(); print(n)`,
		`print([Symbol('s')].join())`,
		`print(Array.prototype.join.call(null))`,
		// concat, raw, repeat, pad
		`print('a'.concat(1, null, undefined, {}, [1, 2]), String.prototype.concat.call(1, 2), ''.concat())`,
		"print(String.raw`a\\n${1}b${'c'}`, String.raw({raw: 'abc'}, 1, 2), String.raw({raw: []}), String.raw({raw: ['x']}, 1))",
		`print(String.raw(null))`,
		`print('ab'.repeat(2), 'a'.padStart(3, 'xy'), 'a'.padEnd(3), 'abc'.padStart(2), 'x'.repeat(0))`,
		`print('x'.repeat(-1))`,
		// replace, replaceAll
		`print('aXbX'.replace('X', 'Y'), 'aXbX'.replaceAll('X', '$&$&'), 'abc'.replace(/(b)/, "[$1|$\x60|$'|$&|$$|$2]"))`,
		`print('abc'.replace(/(?<n>b)/, '$<n>!'), 'abc'.replace(/b/g, function (m, i) { return m + i }), 'aaa'.replaceAll('', '-'), 'aaa'.replace(/a*/g, 'x'))`,
		`print('x'.replace({[Symbol.replace]: function (s, r) { return 'custom ' + s + r }}, 'y'), 'a.b'.replaceAll('.', '$$'))`,
		`print('aaa'.replaceAll(/a/, 'b'))`,
		`var re = /a/g; re.lastIndex = 2; print('aaa'.replace(re, 'b'), re.lastIndex)`,
		// split, match, matchAll, the iterator
		`print(JSON.stringify(['a,b,,c'.split(','), 'abc'.split(''), 'abc'.split(), 'abc'.split(undefined, 0), 'a1b2c'.split(/\d/), 'a1b2c'.split(/(\d)/, 2), 'abc'.split('', 2)]))`,
		`print(JSON.stringify(['a1b2'.match(/\d/g), 'a1b2'.match(/(\d)/).slice(), 'abc'.match('b').index, 'abc'.match(/z/g)]))`,
		`print([...'a1b2'.matchAll(/\d/g)].map(function (m) { return m[0] + m.index }).join())`,
		`var s = ''; for (var c of 'héllo') s += c + '.'; print([...'héllo'].length, Array.from('abc').join('|'), s)`,
		// Object, case, URI, JSON
		`print(Object.keys('abc'), JSON.stringify(Object.entries({a: 1})), Object.values('ab'), JSON.stringify(Object.assign({}, 'ab', {c: 1})), Object.getOwnPropertyNames('ab'))`,
		`print('aBc'.toUpperCase(), 'ÄB'.toLowerCase(), 'é'.normalize('NFD').length, encodeURIComponent('a b&ü'), encodeURI('http://x/ü'), escape('ü'))`,
		`print(JSON.parse('{"a":[1,2]}').a[1], JSON.parse('[1]', function (k, v) { return typeof v === 'number' ? v * 2 : v })[0])`,
		`print(JSON.parse('{'))`,
		`print(JSON.stringify({a: [1, {b: 'c'}], d: undefined, e: function () {}, f: new Date(0)}), JSON.stringify([new String('s'), new Number(1), true]))`,
		`print(JSON.stringify({a: 1, b: 2}, ['a']), JSON.stringify({a: {b: [1]}}, null, '--'), JSON.stringify('x'), JSON.stringify(undefined), JSON.stringify({toJSON: function () { return 'j' }}))`,
		`var o = {}; o.o = o; print(JSON.stringify(o))`,
		`var shared = {x: 1}; print(JSON.stringify([shared, shared]))`,
		// arrays
		`print(JSON.stringify([[1].concat([2], 3, [[4]]), [1, [2, [3, [4]]]].flat(), [1, [2, [3, [4]]]].flat(Infinity), [1, [2]].flat(0)]))`,
		`print([][Symbol.iterator] === [].values, ''[Symbol.iterator].name, [].values.name, ''.replace.name, [].join.name, String.raw.name, JSON.stringify.name, Function.name)`,
		// the Function constructors, eval
		`print(Function('a', 'b', 'return a + b')(1, 2), new Function('return 1')(), (function () {}).constructor === Function, typeof (function* () {}).constructor('yield 1'))`,
		`print(Function('('))`,
		`var x = 1; print(eval('x + 1'))`,
		// what rewrite touches: templates, object spread and rest, for-in
		"print(`a${1}b${[1, 2]}c${{toString: function () { return 'o' }}}`, `x${`y${2}`}`, `plain`, String.raw`x${1}`)",
		"var log = []; var t = `${(log.push(1), 'a')}${(log.push(2), 'b')}`; print(t, log)",
		"print(`${Symbol('s')}`)",
		`print(JSON.stringify({...{a: 1}, ...'ab', ...null, ...[3]}))`,
		`var {a, ...r} = {a: 1, b: 2, c: 3}; var q; ({b: q, ...r} = {b: 4, d: 5}); print(a, q, JSON.stringify(r))`,
		`for (var {...w} = {z: 1}; false;); print(JSON.stringify(w))`,
		`var keys = []; for (var k in 'ab') keys.push(k); for (var k in {x: 1, y: 2}) keys.push(k); print(keys)`,
		"var s = 'a'\n`b${1}`",
	}
	for _, src := range srcs {
		want := bare(t, src)
		p, err := Compile(src)
		if err != nil {
			if got := errorHead(err.Error()); got != want {
				t.Errorf("%s\n compile: %q\n    want: %q", src, got, want)
			}
			continue
		}
		for mode, run := range runModes() {
			res, err := run(p, demoEnv(), Limits{})
			got := res.Output
			var se *Error
			if errors.As(err, &se) && se.Kind == KindSilent {
				got = ""
			} else if err != nil {
				got = errorHead(err.Error())
			}
			if got != want {
				t.Errorf("%s\n %s: %q\n   want: %q", src, mode, got, want)
			}
		}
	}
}

// allocated is what the process has allocated on the heap so far.
func allocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// Each of these builds gigabytes in one step of the engine, which neither the time limit nor the
// allocation watchdog can stop half-way (several of them took seconds and 1-3 GB, or killed the
// process, before the guards): each is refused with the error it names, after allocating little.
func TestOneStepBombsAreRefused(t *testing.T) {
	const big = `var a = 'x'.repeat(1e6); a = a + a; ` // 2 M chars, past every bound on one string
	tests := []struct {
		name, src, reason string
	}{
		{"join of one string many times", big + `Array(300).fill(a).join('')`, "Invalid string length"},
		{"toString of one string many times", big + `String(Array(300).fill(a))`, "Invalid string length"},
		{"toLocaleString of one string many times", big + `Array(300).fill(a).toLocaleString()`, "Invalid string length"},
		{"a String object joined many times", big + `Array(300).fill(new String(a)).join('')`, "Invalid string length"},
		{"concat of many", `var a = 'x'.repeat(1e6); String.prototype.concat.apply('', Array(300).fill(a))`, "Invalid string length"},
		{"String.raw of many", `var a = 'x'.repeat(1e6); String.raw({raw: Array(300).fill(a)})`, "Invalid string length"},
		{"replaceAll with a long replacement", `var a = 'x'.repeat(1e4); a.replaceAll('x', a)`, "Invalid string length"},
		{"replace with a long replacement", `var a = 'x'.repeat(5000); a.replace(/x/g, a)`, "Invalid string length"},
		{"replace with $' at every match", "var a = 'x'.repeat(5000); a.replace(/x/g, \"$'\")", "Invalid string length"},
		{"replace matching too often", `'x'.repeat(1e5).replace(/x/g, 'y')`, "Invalid array length"},
		{"split by a pattern too often", `'x'.repeat(1e5).split(/x/)`, "Invalid array length"},
		{"replace matching everywhere", big + `a.replace(/(?:)/g, function () { return '' })`, "Invalid"},
		{"stringify of one string many times", `var a = 'x'.repeat(1e6); JSON.stringify(Array(300).fill(a))`, "Invalid string length"},
		{"stringify of shared arrays", `var a = Array(1000).fill('x'.repeat(1000)); JSON.stringify(Array(1000).fill(a))`, "Invalid string length"},
		{"stringify of a deep nest", `var o = {}; for (var i = 0; i < 100000; i++) o = {o: o}; JSON.stringify(o)`, "call stack"},
		{"object spread of a long string", big + `({...a})`, "Invalid string length"},
		{"object rest of a long string", big + `var {...r} = a`, "Invalid string length"},
		{"for-in over a long string", big + `for (var k in a) {}`, "Invalid string length"},
		{"array spread of a long string", big + `[...a]`, "Invalid string length"},
		{"Array.from a long string", big + `Array.from(a)`, "Invalid string length"},
		{"Object.keys of a long string", big + `Object.keys(a)`, "Invalid string length"},
		{"Object.assign from a long string", big + `Object.assign({}, a)`, "Invalid string length"},
		{"split of a long string", big + `a.split('')`, "Invalid string length"},
		{"split into too many parts", `'x'.repeat(1e6).split('')`, "Invalid array length"},
		{"match everywhere", `'x'.repeat(1e6).match(/x/g)`, "Invalid array length"},
		{"matchAll over a long string", big + `[...a.matchAll(/x/g)]`, "Invalid string length"},
		{"a template of one string many times", big + "`${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}${a}`", "Invalid string length"},
		{"encodeURIComponent of a long string", big + `encodeURIComponent(a)`, "Invalid string length"},
		{"JSON.parse of a long string", big + `JSON.parse(a)`, "Invalid string length"},
		{"Array.prototype.concat of many arrays", `var a = Array(2e4).fill(0); [].concat.apply([], Array(100).fill(a))`, "Invalid array length"},
		{"flat of many arrays", `var a = Array(2e4).fill(0); Array(100).fill(a).flat()`, "Invalid array length"},
		{"flat of nested arrays", `var a = [Array(2e4).fill(0)]; Array(100).fill(a).flat(2)`, "Invalid array length"},
		{"the Function constructor on a deep nest", `Function('('.repeat(1e6))`, "Invalid string length"},
		{"eval of a deep nest", `eval('['.repeat(1e6))`, "Invalid string length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Compile(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			for mode, run := range runModes() {
				before := allocated()
				// Limits far past what the guards allow, so the guard is what stops each.
				_, err := run(p, demoEnv(), Limits{Time: 20 * time.Second, Memory: 1 << 30})
				spent := allocated() - before
				checkError(t, mode, err, KindException, tt.reason)
				// The long string and what leads to it cost a few MiB; the step refused would have
				// cost gigabytes.
				if spent > 64<<20 {
					t.Errorf("%s: allocated %d MiB", mode, spent>>20)
				}
			}
		})
	}
}

// What the engine itself can't bound is refused when the script compiles: a BigInt operator
// allocates terabytes in one step (1n << 2n**40n is a fatal out-of-memory), an object rest
// where rewrite can't reach its value copies a string a property per char, a source past
// MaxSource can nest deep enough to overflow the stack (fatal too), and the helpers' names are
// the sandbox's.
func TestCompileRefuses(t *testing.T) {
	tests := []struct{ name, src, reason string }{
		{"a BigInt literal", `print(1n << 10n)`, "BigInt is not supported"},
		{"BigInt", `print(typeof BigInt)`, ""},
		{"an object rest parameter", `function f({...r}) { return r }`, "object rest"},
		{"an object rest arrow parameter", `[{a: 1}].map(({...r}) => r)`, "object rest"},
		{"an object rest in a catch clause", `try { throw 'x' } catch ({...r}) {}`, "object rest"},
		{"a nested object rest", `var {a: {...r}} = {a: {}}`, "object rest"},
		{"a source past MaxSource", "print(1)//" + strings.Repeat("x", MaxSource), "at most 32768"},
		{"a deep nest that fits", strings.Repeat("[", MaxSource/2) + strings.Repeat("]", MaxSource/2), ""},
		{"a reserved name", `var __notifysim_spread = 1`, "reserved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.src)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			checkError(t, "compile", err, KindSyntax, tt.reason)
		})
	}
	p, err := Compile(`print(typeof BigInt, typeof ArrayBuffer)`)
	if err != nil {
		t.Fatal(err)
	}
	for mode, run := range runModes() {
		if res, err := run(p, demoEnv(), Limits{}); err != nil || res.Text != "undefined undefined" {
			t.Errorf("%s: %q %v", mode, res.Text, err)
		}
	}
}

// heapObjects is what heap objects hold right after a full collection.
func heapObjects() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// The script, run again and again in both modes: each run fails with the memory comment,
// allocates at most a few times the limit (the watchdog looks every watchEvery, later on a busy
// machine, and the concatenation under way when it looks finishes first: each doubles what came
// before), and leaves nothing behind: a Runner
// used to keep the runtime a run was stopped in, and the heap-growth watchdog lost count when a
// collection freed the last run's garbage, so each run grew the process further (ten of them
// held gigabytes).
func TestRunawayAllocationIsBoundedAndReleased(t *testing.T) {
	p, err := Compile(`var s="x"; while(true){ s = s + s; }`)
	if err != nil {
		t.Fatal(err)
	}
	const limit = 32 << 20
	for mode, run := range runModes() {
		base := heapObjects()
		for i := range 6 {
			before := allocated()
			// A time limit the doubling never reaches (it passes 32 MiB in milliseconds), short
			// enough for the Runner's pause after each run.
			_, err := run(p, demoEnv(), Limits{Time: time.Second})
			spent := allocated() - before
			checkError(t, mode, err, KindMemory, "Script used more than 32 MiB of memory")
			if spent > 8*limit {
				t.Errorf("%s run %d: allocated %d MiB, limit %d MiB", mode, i, spent>>20, limit>>20)
			}
			if held := heapObjects(); held > base+limit/2 {
				t.Errorf("%s run %d: the heap holds %d MiB more than before the runs", mode, i, (held-base)>>20)
			}
		}
	}
}

// A Runner stopped for memory holds its worker for memoryHold times the run's time limit, and
// hands the memory back to the system once, after a burst of heavy runs, not after each of them
// nor after light ones.
func TestRunnerPacesAndReleasesHeavyRuns(t *testing.T) {
	hostile, err := Compile(`var s="x"; while(true){ s = s + s; }`)
	if err != nil {
		t.Fatal(err)
	}
	light, err := Compile(`print('hi')`)
	if err != nil {
		t.Fatal(err)
	}
	r := NewRunner()
	released := make(chan struct{}, 10)
	r.releaser.release = func() { released <- struct{}{} }
	r.releaser.delay = 20 * time.Millisecond
	lim := Limits{Time: 100 * time.Millisecond, Memory: 8 << 20}
	for range 3 {
		began := time.Now()
		_, err := r.Run(hostile, demoEnv(), lim)
		checkError(t, "runner", err, KindMemory, "more than 8 MiB")
		if took := time.Since(began); took < memoryHold*lim.Time {
			t.Errorf("a run stopped for memory returned after %s, before %d times its time limit %s", took, memoryHold, lim.Time)
		}
	}
	select {
	case <-released:
	case <-time.After(30 * time.Second): // a hang guard, not a speed assertion
		t.Fatal("the memory of the heavy runs was never released")
	}
	for range 5 {
		if _, err := r.Run(light, demoEnv(), lim); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(2 * (memoryHold + 1) * lim.Time)
	if n := len(released); n != 0 {
		t.Errorf("%d more releases after the burst", n)
	}
}
