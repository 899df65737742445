package contracts

import "github.com/cucumber/godog"

// registerKoreSteps adds the steps that only Kore scenarios use.
func registerKoreSteps(w *world, sc *godog.ScenarioContext) {}
