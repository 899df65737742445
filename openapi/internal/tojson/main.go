// Command tojson writes the JSON twin of each embedded OpenAPI document (openapi/json/NAME.json),
// as kin-openapi itself encodes the loaded document. The simulator loads the twins: kin-openapi
// reads JSON with encoding/json, several times faster than its YAML path, and parsing the
// documents is most of start-up. The YAML files stay the source; run `go generate ./openapi/`
// after changing one (a test fails while a twin is stale).
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/notifysim/notifysim/openapi"
)

func main() {
	for _, name := range openapi.Names() {
		data, err := openapi.TwinOf(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "tojson:", err)
			os.Exit(1)
		}
		if err := os.WriteFile(filepath.Join("json", name+".json"), data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "tojson:", err)
			os.Exit(1)
		}
	}
}
