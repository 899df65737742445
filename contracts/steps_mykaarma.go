package contracts

import "github.com/cucumber/godog"

// registerMyKaarmaSteps adds the steps that only MyKaarma scenarios use.
func registerMyKaarmaSteps(w *world, sc *godog.ScenarioContext) {}
