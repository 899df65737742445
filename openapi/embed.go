// Package openapi embeds the OpenAPI documents: one per simulated API, plus admin.yaml for the
// sandbox's own /_sim API. They are the source of the routes and of request validation.
package openapi

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

//go:embed *.yaml
var files embed.FS

// Spec returns the document named name ("luma", "admin", …).
func Spec(name string) ([]byte, error) { return files.ReadFile(name + ".yaml") }

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
