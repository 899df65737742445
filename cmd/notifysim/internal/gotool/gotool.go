// Package gotool keeps godog's package initialisation from running the Go toolchain.
//
// godog's internal builder, imported with the godog package that `notifysim verify` runs on,
// starts `go env GOTOOLDIR` while packages are initialised, whenever go is on the PATH: in every
// notifysim process, `serve` included, before main. That cost 5 to 25 ms of start-up, and in a
// module whose go.mod asks for a newer toolchain it can set off a toolchain download. notifysim
// never builds with godog's builder, so for that moment the directory holding go goes first on
// the PATH under a relative name: os/exec refuses a program found through a relative PATH entry
// (exec.ErrDot) without running it, so the builder's command fails at once, while every other
// program is still found where it was.
//
// Order: the Go specification initialises, at each step, the first package in import-path order
// whose imports are ready. This package needs os/exec, as the builder does, and its path sorts
// before go/build and the other standard packages the builder also waits for, so it runs first;
// package restore imports godog, so it runs right after the builder and puts the PATH back.
package gotool

import (
	"os"
	"os/exec"
	"path/filepath"
)

var path, hadPath = os.LookupEnv("PATH")

func init() {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return // no go on the PATH: the builder's command fails at once anyway
	}
	cwd, err := os.Getwd()
	if err != nil {
		return
	}
	rel, err := filepath.Rel(cwd, filepath.Dir(goBin))
	if err != nil || filepath.IsAbs(rel) {
		return
	}
	_ = os.Setenv("PATH", rel+string(os.PathListSeparator)+path)
}

// Restore puts back the PATH the process started with.
func Restore() {
	if hadPath {
		_ = os.Setenv("PATH", path)
	} else {
		_ = os.Unsetenv("PATH")
	}
}
