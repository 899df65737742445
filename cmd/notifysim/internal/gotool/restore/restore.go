// Package restore puts back the PATH that package gotool emptied, once godog (and its builder)
// are initialised: it imports both, so it is initialised after them.
package restore

import (
	"github.com/cucumber/godog"

	"github.com/notifysim/notifysim/cmd/notifysim/internal/gotool"
)

var _ = godog.Version

func init() { gotool.Restore() }
