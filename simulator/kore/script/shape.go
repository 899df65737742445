package script

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/dop251/goja"
)

// Hole marks a leaf of a ContextShape filled in per run: Hole(i) is Env.Values[i].
type Hole int

// ContextShape is a context object of a fixed shape whose string leaves are filled in per run.
// It compiles to one JavaScript object literal, which the runtime builds in a single call: about
// half the cost of converting the same maps property by property (Env.Context), which matters
// when a job runs one script for a thousand identities.
type ContextShape struct {
	prog  *goja.Program
	holes int
}

// NewContextShape compiles shape: maps become objects (keys in sorted order), []any arrays,
// strings, numbers, booleans and nil themselves, and each Hole a value given with each run.
func NewContextShape(shape map[string]any) (*ContextShape, error) {
	var b strings.Builder
	holes := 0
	var write func(v any) error
	write = func(v any) error {
		switch x := v.(type) {
		case Hole:
			if x < 0 {
				return fmt.Errorf("hole %d: holes count from 0", x)
			}
			holes = max(holes, int(x)+1)
			fmt.Fprintf(&b, "v%d", int(x))
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			b.WriteByte('{')
			for i, k := range keys {
				if i > 0 {
					b.WriteByte(',')
				}
				q, _ := json.Marshal(k)
				b.Write(q)
				b.WriteByte(':')
				if err := write(x[k]); err != nil {
					return err
				}
			}
			b.WriteByte('}')
		case []any:
			b.WriteByte('[')
			for i, e := range x {
				if i > 0 {
					b.WriteByte(',')
				}
				if err := write(e); err != nil {
					return err
				}
			}
			b.WriteByte(']')
		case string, bool, nil, int, float64:
			q, err := json.Marshal(x)
			if err != nil {
				return err
			}
			b.Write(q)
		default:
			return fmt.Errorf("a context shape holds maps, arrays, strings, numbers, booleans, nil and holes, not %T", v)
		}
		return nil
	}
	if err := write(shape); err != nil {
		return nil, err
	}
	params := make([]string, holes)
	for i := range params {
		params[i] = fmt.Sprintf("v%d", i)
	}
	src := "(function (" + strings.Join(params, ", ") + ") { return " + b.String() + " })"
	prog, err := goja.Compile("context", src, true)
	if err != nil {
		return nil, err
	}
	return &ContextShape{prog: prog, holes: holes}, nil
}

// builder is the shape's function in vm.
func (s *ContextShape) builder(vm *goja.Runtime) (goja.Callable, error) {
	v, err := vm.RunProgram(s.prog)
	if err != nil {
		return nil, err
	}
	fn, _ := goja.AssertFunction(v)
	return fn, nil
}

// build calls fn with the run's values.
func (s *ContextShape) build(vm *goja.Runtime, fn goja.Callable, values []string) (goja.Value, error) {
	if len(values) != s.holes {
		return nil, fmt.Errorf("context shape has %d holes, given %d values", s.holes, len(values))
	}
	args := make([]goja.Value, len(values))
	for i, v := range values {
		args[i] = vm.ToValue(v)
	}
	return fn(goja.Undefined(), args...)
}

// MustContextShape is NewContextShape for a shape fixed in the source: it panics on an error.
func MustContextShape(shape map[string]any) *ContextShape {
	s, err := NewContextShape(shape)
	if err != nil {
		panic("script: " + err.Error())
	}
	return s
}
