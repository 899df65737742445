// Package features embeds the Gherkin contracts: one folder per API, plus admin/. They run under
// go test (contracts package) and from `notifysim verify`.
package features

import "embed"

// FS holds every feature file, as <api>/<name>.feature.
//
//go:embed */*.feature
var FS embed.FS
