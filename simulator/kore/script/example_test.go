package script_test

import (
	"fmt"

	"github.com/notifysim/notifysim/simulator/kore/script"
)

// A Runner runs one program for identity after identity in one kept runtime; each run starts
// from a clean global object, whatever the run before it did.
func ExampleRunner() {
	p, err := script.Compile(`var first = typeof greeted === 'undefined'; greeted = true;
print(JSON.stringify({text: 'Hi ' + identity + (first ? '' : ' again')}))`)
	if err != nil {
		fmt.Println(err)
		return
	}
	r := script.NewRunner()
	for _, id := range []string{"alice@example.com", "bob@example.com"} {
		res, err := r.Run(p, script.Env{Globals: map[string]any{"identity": id}}, script.Limits{})
		fmt.Println(res.Text, err)
	}
	// Output:
	// Hi alice@example.com <nil>
	// Hi bob@example.com <nil>
}

// A ContextShape gives every run a context of one shape with its own values, built in one call.
func ExampleContextShape() {
	shape := script.MustContextShape(map[string]any{"user": map[string]any{"email": script.Hole(0), "tags": []any{"vip", script.Hole(1)}}})
	p, _ := script.Compile(`print(context.user.email + ' ' + context.user.tags.join('+'))`)
	res, err := script.Run(p, script.Env{Shape: shape, Values: []string{"alice@example.com", "beta"}}, script.Limits{})
	fmt.Println(res.Text, err)
	// Output: alice@example.com vip+beta <nil>
}
