package simulator

import (
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/notifysim/notifysim/openapi"
)

// TestEmbeddedSpecsAreValid is the validation loadSpec leaves out of start-up: every embedded
// document is valid, and validating it changes nothing in it (so the pipeline built from an
// unvalidated document is the one it was built from before).
func TestEmbeddedSpecsAreValid(t *testing.T) {
	for _, name := range openapi.Names() {
		t.Run(name, func(t *testing.T) {
			doc, err := loadSpec(name)
			if err != nil {
				t.Fatal(err)
			}
			validated, err := loadSpec(name)
			if err != nil {
				t.Fatal(err)
			}
			if err := validated.Validate(openapi3.NewLoader().Context); err != nil {
				t.Fatalf("openapi/%s.yaml is invalid: %v", name, err)
			}
			if !reflect.DeepEqual(doc, validated) {
				t.Error("validating the document changed it: loadSpec must validate it again")
			}
		})
	}
}
