package script

import (
	"errors"
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := mustRun(t, tt.src, Limits{})
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if res.Text != tt.text {
				t.Errorf("text = %q, want %q", res.Text, tt.text)
			}
			if (res.JSON != nil) != tt.json {
				t.Errorf("JSON = %v, want JSON: %v", res.JSON, tt.json)
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
		{"doubling a string", `var s = 'x'; for (;;) s += s`, Limits{Time: 5 * time.Second, Memory: 64 << 20}, KindMemory, "memory"},
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mustRun(t, tt.src, tt.lim)
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("error = %v, want a script Error", err)
			}
			if se.Kind != tt.kind {
				t.Errorf("kind = %s (%s), want %s", se.Kind, se.Msg, tt.kind)
			}
			if !strings.Contains(se.Msg, tt.reason) {
				t.Errorf("message %q does not contain %q", se.Msg, tt.reason)
			}
		})
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

func FuzzScript(f *testing.F) {
	for _, s := range []string{
		`print(JSON.stringify({text: 'Hi ' + context.session.BotUserSession.lastMessage.channel}))`,
		`print('x')`, `throw 1`, `while(true){}`, `print(`, `'a'.repeat(-1)`, `print(identity.repeat(3))`,
		`print(new Array(5).join())`, `print(String(Symbol('x')))`, `print({toString(){ throw 1 }})`,
		`Promise.resolve().then(function(){ print('later') })`, `print([].concat.apply([], new Array(10)))`,
		`Array.prototype.sort.call({length: 4e9})`, `var a = []; a.length = 4e9; print(JSON.stringify([a]))`, `print(/^(?=a)(a+)+$/.test('aaaa!'))`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
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

// BenchmarkRun is one run in a fresh sandbox.
func BenchmarkRun(b *testing.B) {
	p, err := Compile(benchSrc)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(p, demoEnv(), Limits{}); err != nil {
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
		if _, err := r.Run(p, demoEnv(), Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
