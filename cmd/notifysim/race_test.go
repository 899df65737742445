//go:build race

package main

// raceEnabled: this test binary has the race detector; a go command a test runs builds with it
// too, so that it reuses what make test compiled instead of compiling everything again.
const raceEnabled = true
