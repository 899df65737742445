#!/usr/bin/env bash
# `make bench-peers`: notifysim side by side with WireMock, Prism and a bare net/http handler.
# Installs what is missing (Prism and WireMock from npm into .bench/peers, wrk from the system
# packages), builds notifysim and the driver, and lets the driver (scripts/peerbench) run each
# server in turn and write the table into BENCHMARKS.md. DURATION=10s THREADS=2 CONNS=32 ROUTES=… REPEAT=1
# SHIPPED=1 (SHIPPED=0 skips the rows of every server run with its defaults)
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS=.bench/peers
PRISM_VERSION=5.16.0
WIREMOCK_VERSION=3.13.2

need() { command -v "$1" >/dev/null 2>&1 || { echo "bench-peers: $1 is required: $2" >&2; exit 1; }; }
need go "install Go from go.dev"
need node "install Node.js 18 or newer (apt-get install nodejs npm)"
need npm "install npm (apt-get install npm)"

# wrk, and the Java runtime WireMock needs, come from the system packages when missing.
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if ((${#missing[@]})); then
  command -v apt-get >/dev/null 2>&1 || { echo "bench-peers: install ${missing[*]} (no apt-get here to do it)" >&2; exit 1; }
  echo "bench-peers: installing ${missing[*]} from the system packages"
  if [[ $(id -u) -eq 0 ]]; then SUDO=(); else SUDO=(sudo); fi
  "${SUDO[@]}" apt-get update -qq && "${SUDO[@]}" apt-get install -y -qq "${missing[@]}"
fi

if [[ ! -f $PEERS/node_modules/@stoplight/prism-cli/package.json || ! -d $PEERS/node_modules/wiremock/build ]] ||
   ! grep -q "\"version\": \"$PRISM_VERSION\"" $PEERS/node_modules/@stoplight/prism-cli/package.json ||
   ! grep -q "\"version\": \"$WIREMOCK_VERSION\"" $PEERS/node_modules/wiremock/package.json; then
  echo "bench-peers: installing Prism $PRISM_VERSION and WireMock $WIREMOCK_VERSION into $PEERS"
  mkdir -p "$PEERS"
  npm install --prefix "$PEERS" --no-audit --no-fund --loglevel=error \
    "@stoplight/prism-cli@$PRISM_VERSION" "wiremock@$WIREMOCK_VERSION"
fi

mkdir -p bin .bench
# notifysim as users build it (make build: stripped), so start-up and RSS are the shipped binary's.
make --no-print-directory build
go build -o .bench/peerbench ./scripts/peerbench
exec .bench/peerbench --notifysim bin/notifysim --peers "$PEERS" --out BENCHMARKS.md \
  --duration "${DURATION:-10s}" --threads "${THREADS:-2}" --conns "${CONNS:-32}" --routes "${ROUTES:-luma,luminous,kore}" \
  --repeat "${REPEAT:-1}" --shipped="$([[ ${SHIPPED:-1} == 0 ]] && echo false || echo true)"
