// Package openapi embeds the OpenAPI documents: one per simulated API, plus admin.yaml for the
// sandbox's own /_sim API. They are the source of the routes and of request validation.
package openapi

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:generate go run ./internal/tojson

//go:embed *.yaml json/*.json
var files embed.FS

// Spec returns the document named name ("luma", "admin", …), as written (YAML).
func Spec(name string) ([]byte, error) { return files.ReadFile(name + ".yaml") }

// JSON returns the document's JSON twin, generated from the YAML by `go generate ./openapi/`:
// what the simulator loads, since kin-openapi reads JSON much faster.
func JSON(name string) ([]byte, error) { return files.ReadFile("json/" + name + ".json") }

// TwinOf encodes the YAML document name as its JSON twin: loaded by kin-openapi and encoded by it,
// so loading the twin gives the same document.
func TwinOf(name string) ([]byte, error) {
	data, err := Spec(name)
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("%s.yaml: %w", name, err)
	}
	out, err := doc.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("%s.yaml: %w", name, err)
	}
	return append(out, '\n'), nil
}

// Names lists the embedded documents, without the .yaml suffix.
func Names() []string {
	entries, _ := fs.ReadDir(files, ".")
	var out []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
