package script

import (
	"fmt"
	"math/big"
	"reflect"
	"sort"
	"strings"

	"github.com/dop251/goja/ast"
)

// Three constructs copy a string into a value per char, or several strings into one, inside a
// single step of the engine, which neither an interrupt nor a guard on a built-in reaches:
// object spread and rest ({...s}: a property per char, some 400 bytes each), for-in over a
// string (a key per char, collected first) and a template literal (every substitution joined
// at once, `${s}${s}…` as many times as the source writes it). A string of a few million chars,
// which a script builds in a few doublings, makes gigabytes of any of them. rewrite hands
// their operands to helpers the guards install on String.prototype (fixed there: a script can
// neither replace nor shadow them, and never names them), which refuse what is too large:
//
//	{...e}            {...''.__notifysim_spread((e))}
//	var {a, ...r} = e var {a, ...r} = ''.__notifysim_spread((e))   (also let, const, for and =)
//	for (k in e)      for (k in ''.__notifysim_spread((e)))
//	`a${e}b`          ''.__notifysim_template`a${e}b`
//
// As a tag, the template helper converts the substitutions after evaluating all of them, where
// an untagged template converts each as it goes: only a toString with side effects on a later
// substitution could tell. An object rest that takes its value from somewhere rewrite can't
// reach (a parameter, a catch clause, a pattern inside a pattern) is refused.
//
// The insertions add no line, so line numbers in messages stay right; columns on a rewritten
// line move.
const reserved = "__notifysim"

// edit inserts text before the byte at (0-based) offset at. close sorts before an opening at
// the same offset: an operand's end and the next one's start never share one, but a closing
// belongs to the operand before.
type edit struct {
	at    int
	text  string
	close bool
}

// rewrite returns src with the operands above wrapped, whether it changed anything, or an
// error naming a construct the sandbox refuses (a BigInt, an object rest it can't reach).
func rewrite(src string, prog *ast.Program) (string, bool, error) {
	parents := map[ast.Node]ast.Node{}
	var edits []edit
	var refused error
	wrap := func(e ast.Expression) {
		edits = append(edits,
			edit{at: int(e.Idx0()) - 1, text: "''." + reserved + "_spread(("},
			edit{at: int(e.Idx1()) - 1, text: "))", close: true})
	}
	walkAST(reflect.ValueOf(prog), nil, "", func(node, parent ast.Node, field string) {
		// A declaration is reached twice, from the body and from the hoisted declaration
		// list: the first visit, from the body, is the one to act on.
		if _, seen := parents[node]; seen || refused != nil {
			return
		}
		parents[node] = parent
		switch x := node.(type) {
		case *ast.NumberLiteral:
			if _, ok := x.Value.(*big.Int); ok {
				refused = fmt.Errorf("BigInt is not supported in the sandbox")
			}
		case *ast.SpreadElement:
			if _, ok := parent.(*ast.ObjectLiteral); ok {
				wrap(x.Expression)
			}
		case *ast.ForInStatement:
			wrap(x.Source)
		case *ast.TemplateLiteral:
			if x.Tag == nil && len(x.Expressions) > 0 {
				edits = append(edits, edit{at: int(x.OpenQuote) - 1, text: "''." + reserved + "_template"})
			}
		case *ast.ObjectPattern:
			if x.Rest == nil {
				return
			}
			switch p := parent.(type) {
			case *ast.AssignExpression:
				if field == "Left" {
					wrap(p.Right)
					return
				}
			case *ast.Binding:
				switch parents[p].(type) {
				case *ast.VariableStatement, *ast.LexicalDeclaration, *ast.ForLoopInitializerVarDeclList:
					if field == "Target" && p.Initializer != nil {
						wrap(p.Initializer)
						return
					}
				}
			}
			refused = fmt.Errorf("object rest (...) is supported in the sandbox only at the top of a declaration or an assignment, not in a parameter, a catch clause or a nested pattern")
		}
	})
	if refused != nil {
		return "", false, refused
	}
	if len(edits) == 0 {
		return src, false, nil
	}
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].at != edits[j].at {
			return edits[i].at < edits[j].at
		}
		return edits[i].close && !edits[j].close
	})
	var b strings.Builder
	b.Grow(len(src) + len(edits)*24)
	last := 0
	for _, e := range edits {
		b.WriteString(src[last:e.at])
		b.WriteString(e.text)
		last = e.at
	}
	b.WriteString(src[last:])
	return b.String(), true, nil
}
