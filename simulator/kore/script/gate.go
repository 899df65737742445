package script

import (
	"reflect"
	"sync"

	"github.com/dop251/goja/ast"
	"github.com/dop251/goja/token"
)

// A shared runtime's built-ins are frozen (see Runner), which no script can undo; what freezing
// would change is what some scripts see. A write to a frozen object fails (silently, outside
// strict mode), and so does an assignment to a property an object inherits from a frozen
// prototype ("the override mistake": err.message = …, obj.toString = …). So a program shares a
// runtime only when the parsed source shows it can't attempt such a write; anything else runs
// in a fresh sandbox, exactly as before. The test is on the syntax, conservative, and only about
// fidelity: whatever a program does, frozen built-ins keep one run from reaching the next.
//
// A program is not shared when it:
//   - names a way to reach or reshape a prototype or property descriptor, or to list own keys
//     (reachNames), or eval, Function, Reflect or Proxy, as an identifier, a property or a string;
//   - asks whether an object owns a property (hasOwnProperty, propertyIsEnumerable, hasOwn) and
//     names this or globalThis: a run's global object inherits the built-ins (see Runner);
//   - writes (=, op=, ++, --, delete, for-in/of target, destructuring target) to a computed
//     member, to a member whose name is a property of any built-in (toString, name, message,
//     length, …), or to a member of a built-in (Math.x = …, String.format = …);
//   - uses a built-in object as a value (var M = Math, f(JSON), {Array}, with (Math) …,
//     class extends Error) rather than reading a member of it, calling it, new-ing it, typeof or
//     instanceof;
//   - has a with statement.
//
// Left out on purpose, as no ordinary script does it: a property stored on a built-in function
// reached through a variable (var f = [].map; f.cache = 1) or on a prototype reached through a
// computed name built at run time; such a write is ignored in a shared runtime.

var reachNames = map[string]bool{
	"prototype": true, "__proto__": true, "constructor": true, "getPrototypeOf": true, "setPrototypeOf": true,
	"defineProperty": true, "defineProperties": true, "assign": true, "freeze": true, "seal": true,
	"preventExtensions": true, "isFrozen": true, "isSealed": true, "isExtensible": true,
	"getOwnPropertyDescriptor": true, "getOwnPropertyDescriptors": true,
	"getOwnPropertyNames": true, "getOwnPropertySymbols": true,
	"__defineGetter__": true, "__defineSetter__": true, "__lookupGetter__": true, "__lookupSetter__": true,
	"eval": true, "Function": true, "Reflect": true, "Proxy": true,
}

// builtinNames are what the gate needs from a built runtime: every property name of every
// built-in object, the globals that hold objects, and every name a global variable could
// resolve to on the (frozen) global object or Object.prototype.
type builtinNames struct {
	props   map[string]bool
	objects map[string]bool
	globals map[string]bool
}

// names is computed once, from one hardened runtime: it is the same for every runtime.
var names = sync.OnceValue(func() builtinNames {
	r := NewRunner()
	if err := r.build(); err != nil {
		panic("script: building the shared runtime failed: " + err.Error())
	}
	return r.names
})

// shareable says whether prog may run in a shared runtime, and whether it must run as a
// function body (top-level let, const or class).
func shareable(prog *ast.Program) (ok, wrap bool) {
	n := names()
	ok = true
	var ownTest, global bool
	walkAST(reflect.ValueOf(prog), nil, "", func(node, parent ast.Node, field string) {
		if ok && !allowed(node, parent, field, n) {
			ok = false
		}
		switch x := node.(type) {
		case *ast.Identifier:
			switch x.Name.String() {
			case "hasOwnProperty", "propertyIsEnumerable", "hasOwn":
				ownTest = true
			case "globalThis":
				global = true
			}
		case *ast.ThisExpression:
			global = true
		}
	})
	// A run's global object inherits the built-ins rather than owning them: asking it (this,
	// globalThis) whether it owns JSON is the one ordinary question that tells.
	if ownTest && global {
		ok = false
	}
	for _, st := range prog.Body {
		switch st.(type) {
		case *ast.LexicalDeclaration, *ast.ClassDeclaration:
			wrap = true
		}
	}
	return ok, wrap
}

func allowed(node, parent ast.Node, field string, n builtinNames) bool {
	switch x := node.(type) {
	case *ast.Identifier:
		name := x.Name.String()
		if reachNames[name] {
			return false
		}
		if n.globals[name] && declares(parent, field) {
			return false
		}
		if _, private := parent.(*ast.PrivateIdentifier); private {
			return true
		}
		if d, ok := parent.(*ast.DotExpression); ok && field == "Identifier" && &d.Identifier == x {
			return true // a property name, not a variable
		}
		return !n.objects[name] || builtinPosition(parent, field)
	case *ast.StringLiteral:
		return !reachNames[x.Value.String()]
	case *ast.TemplateElement:
		return !reachNames[x.Parsed.String()]
	case *ast.WithStatement:
		return false
	case *ast.AssignExpression:
		return writable(x.Left, n)
	case *ast.UnaryExpression:
		switch x.Operator {
		case token.INCREMENT, token.DECREMENT, token.DELETE:
			return writable(x.Operand, n)
		}
	case *ast.ForIntoExpression:
		return writable(x.Expression, n)
	}
	return true
}

// builtinPosition: a built-in object named here is read from, called, constructed or tested,
// never handed on as a value.
func builtinPosition(parent ast.Node, field string) bool {
	switch p := parent.(type) {
	case *ast.DotExpression:
		return field == "Left"
	case *ast.CallExpression:
		return field == "Callee"
	case *ast.NewExpression:
		return field == "Callee"
	case *ast.UnaryExpression:
		return p.Operator == token.TYPEOF
	case *ast.BinaryExpression:
		return p.Operator == token.INSTANCEOF && field == "Right"
	}
	return false
}

// declares: the identifier under parent's field is declared there (var, function, class,
// parameter, catch). Declaring a built-in's name on a run's global object would shadow the
// built-in where a real global object would keep it.
func declares(parent ast.Node, field string) bool {
	switch parent.(type) {
	case *ast.Binding:
		return field == "Target"
	case *ast.FunctionLiteral, *ast.ClassLiteral:
		return field == "Name"
	case *ast.CatchStatement:
		return field == "Parameter"
	}
	return false
}

// writable says whether a write to target could not reach a built-in or inherit from one.
// A variable that resolves to the global object is a property of it, whose prototype chain is
// the frozen baseline global and Object.prototype.
func writable(target ast.Expression, n builtinNames) bool {
	switch t := target.(type) {
	case *ast.Identifier:
		return !n.globals[t.Name.String()]
	case *ast.PrivateDotExpression:
		return true
	case *ast.DotExpression:
		return !n.props[t.Identifier.Name.String()] && !rootedAtBuiltin(t.Left, n)
	}
	// A computed member, or a destructuring pattern (whose targets may be members).
	return false
}

func rootedAtBuiltin(e ast.Expression, n builtinNames) bool {
	for {
		switch x := e.(type) {
		case *ast.DotExpression:
			e = x.Left
		case *ast.BracketExpression:
			e = x.Left
		case *ast.CallExpression:
			e = x.Callee
		case *ast.Identifier:
			return n.objects[x.Name.String()]
		default:
			return false
		}
	}
}

var astPkg = reflect.TypeFor[ast.Program]().PkgPath()

// walkAST calls visit for every node under v with its parent node and the parent's field that
// holds it. goja's ast package has no walker; reflection keeps this one complete as the node
// types change.
func walkAST(v reflect.Value, parent ast.Node, field string, visit func(node, parent ast.Node, field string)) {
	switch v.Kind() {
	case reflect.Interface:
		if !v.IsNil() {
			walkAST(v.Elem(), parent, field, visit)
		}
	case reflect.Pointer:
		if v.IsNil() || v.Type().Elem().PkgPath() != astPkg {
			return
		}
		walkAST(v.Elem(), parent, field, visit)
	case reflect.Struct:
		if v.Type().PkgPath() != astPkg {
			return
		}
		if v.CanAddr() {
			if node, ok := v.Addr().Interface().(ast.Node); ok {
				visit(node, parent, field)
				parent = node
			}
		}
		t := v.Type()
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() {
				walkAST(v.Field(i), parent, f.Name, visit)
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			walkAST(v.Index(i), parent, field, visit)
		}
	}
}
