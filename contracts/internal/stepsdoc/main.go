// Command stepsdoc writes contracts/STEPS.md from the step definitions (go generate ./contracts/).
package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/notifysim/notifysim/contracts"
)

func main() {
	var buf bytes.Buffer
	// go generate runs in the package's folder.
	if err := contracts.WriteStepsDoc(&buf, "."); err != nil {
		fmt.Fprintln(os.Stderr, "stepsdoc:", err)
		os.Exit(1)
	}
	if err := os.WriteFile("STEPS.md", buf.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "stepsdoc:", err)
		os.Exit(1)
	}
}
