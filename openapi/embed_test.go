package openapi

import (
	"bytes"
	"testing"
)

// TestJSONTwinsAreCurrent fails while a JSON twin lags its YAML document: run
// `go generate ./openapi/`.
func TestJSONTwinsAreCurrent(t *testing.T) {
	for _, name := range Names() {
		want, err := TwinOf(name)
		if err != nil {
			t.Fatal(err)
		}
		got, err := JSON(name)
		if err != nil {
			t.Fatalf("%s: no JSON twin (run go generate ./openapi/): %v", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("openapi/json/%s.json is stale: run go generate ./openapi/", name)
		}
	}
}
