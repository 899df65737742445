package main

import (
	"fmt"
	"io"
)

// kore runs the Kore.ai helper commands ("notifysim kore token").
func kore(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "notifysim kore: no commands yet")
	return 2
}
