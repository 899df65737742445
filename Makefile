# notifysim — run `make help` for the targets.

GO        ?= go
ADDR      ?= 127.0.0.1:4545
FUZZTIME  ?= 30s
# bash for pipefail: a test run piped into its summary must keep go test's exit status.
SHELL     := bash
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
# The notifysim command the features and verify targets run; NOTIFYSIM=bin/notifysim runs a built one.
NOTIFYSIM ?= $(GO) run -ldflags "$(LDFLAGS)" ./cmd/notifysim
# The race detector pauses a second at every exit of an instrumented program, so that goroutines
# still running can report; a race is reported when it happens, and make test starts sixty CLI
# processes (the commands of README.md and docs/) and a few dozen test binaries.
export GORACE ?= atexit_sleep_ms=0
# go test starts package runs in the order given, at most -p at a time (compiles share those
# slots): the longest start first, so that they don't finish last, the two that don't wait for
# SQLite's compile ahead of them. The rest follow by name.
SLOW_TESTS := ./simulator/kore/script ./simulator/core ./contracts ./cmd/notifysim ./tui ./simulator
TESTFLAGS ?= -p 4
# How make test builds and vets, given as GOFLAGS so that a go command a test runs (the CI
# example's go test) does the same and reuses what is compiled and vetted. -vet=all is go vet,
# on the packages the race build compiles anyway: a separate go vet would compile every package
# a second time without -race. Besides, each to compile or link less than a release build:
#   -ldflags=-w: no DWARF in the test binaries (a race report still names files and lines);
#   SQLite's C translated to Go (modernc.org/sqlite/lib) is not race-instrumented: it is the
#   longest single compile of a cold build, every test binary that stores to a file waits for
#   it, and the detector would judge third-party C, not this code (its Go wrapper stays checked).
# (GOFLAGS from the environment or go env -w is kept: the variable set here replaces it.)
TESTGOFLAGS = $(shell $(GO) env GOFLAGS) -race -vet=all -ldflags=-w -gcflags=modernc.org/sqlite/lib=-race=false

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: run
run: ## run the sandbox on ADDR (default 127.0.0.1:4545) with the demo dataset; ARGS="--strict" adds flags
	$(GO) run -ldflags "$(LDFLAGS)" ./cmd/notifysim serve --addr $(ADDR) $(ARGS)

.PHONY: build
# -trimpath and -s -w: no build-machine paths, symbol table or DWARF in the binary (45 -> 32 MiB),
# so less to map and page in at start-up; stack traces keep their function names and lines.
build: ## build bin/notifysim (stripped: -trimpath -s -w)
	$(GO) build -trimpath -ldflags "-s -w $(LDFLAGS)" -o bin/notifysim ./cmd/notifysim

.PHONY: test
test: ## gofmt check, go vet, unit tests with -race, every feature file, the fuzz seed corpora, the examples and links of README.md and docs/; ends with a count
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	@# Built like the tests, it shares their compiled standard library.
	@GOFLAGS="$(TESTGOFLAGS)" $(GO) build -o bin/testsummary ./scripts/testsummary
	@echo "go test -race -vet=all -count=1 ./... (a line per package as it finishes, a dot per scenario)"
	@set -o pipefail; GOFLAGS="$(TESTGOFLAGS)" $(GO) test -count=1 -timeout 30m -json $(TESTFLAGS) $(SLOW_TESTS) ./... | bin/testsummary

.PHONY: features
features: ## only the Gherkin contracts, in-process (TAGS="@luma" to filter, FEATURES=dir for your own); each failure with its file:line
	@$(NOTIFYSIM) verify $(if $(TAGS),--tags '$(TAGS)') $(if $(FEATURES),--features '$(FEATURES)')

.PHONY: verify
verify: ## the contracts against TARGET (with RESET=1 to let them reset it; default in-process); FORMAT=junit, OUTPUT=file
	@$(NOTIFYSIM) verify $(if $(TARGET),--target '$(TARGET)') $(if $(RESET),--reset) \
	  $(if $(FORMAT),--format '$(FORMAT)') $(if $(OUTPUT),--output '$(OUTPUT)') $(if $(TAGS),--tags '$(TAGS)') \
	  $(if $(FEATURES),--features '$(FEATURES)')

.PHONY: bench
bench: ## run the Go benchmarks and write BENCHMARKS.md
	./scripts/bench.sh

.PHONY: bench-peers
bench-peers: ## notifysim beside WireMock, Prism and a bare handler under wrk; writes BENCHMARKS.md (DURATION=10s, REPEAT=1 rounds)
	./scripts/bench-peers.sh

.PHONY: fuzz
fuzz: ## run every fuzz target for FUZZTIME each (default 30s)
	@for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$target ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

.PHONY: clean
clean: ## remove build output
	rm -rf bin .bench
