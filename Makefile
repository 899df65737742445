# notifysim — run `make help` for the targets.

GO        ?= go
ADDR      ?= 127.0.0.1:4545
FUZZTIME  ?= 30s
# bash for pipefail: a test run piped into its summary must keep go test's exit status.
SHELL     := bash
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)

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
test: ## gofmt check, go vet, unit tests with -race, every feature file, the fuzz seed corpora, the README; ends with a count
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	@echo "go test -race -count=1 ./... (one line per package as it finishes)"
	@set -o pipefail; $(GO) test -race -count=1 -timeout 30m -json ./... | $(GO) run ./scripts/testsummary

.PHONY: features
features: ## only the Gherkin contracts, in-process (TAGS="@luma" to filter, FEATURES=dir for your own); each failure with its file:line
	@$(GO) run ./cmd/notifysim verify $(if $(TAGS),--tags '$(TAGS)') $(if $(FEATURES),--features '$(FEATURES)')

.PHONY: verify
verify: ## the contracts against TARGET (with RESET=1 to let them reset it; default in-process); FORMAT=junit, OUTPUT=file
	@$(GO) run -ldflags "$(LDFLAGS)" ./cmd/notifysim verify $(if $(TARGET),--target '$(TARGET)') $(if $(RESET),--reset) \
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
