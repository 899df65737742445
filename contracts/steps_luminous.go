package contracts

import "github.com/cucumber/godog"

// registerLuminousSteps adds the steps that only Luminous scenarios use.
func registerLuminousSteps(w *world, sc *godog.ScenarioContext) {}
