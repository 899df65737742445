#!/usr/bin/env bash
# The CI job of the password-reset example, step by step; ci.yml runs it on GitHub Actions and
# make test runs it too (cmd/notifysim TestExampleCI). Needs notifysim on PATH, go and curl.
#   ADDR    where the sandbox listens (default 127.0.0.1:4545)
#   REPORT  where the JUnit report goes (default report.xml)
set -euo pipefail
cd "$(dirname "$0")/../.."
ADDR=${ADDR:-127.0.0.1:4545}
REPORT=${REPORT:-report.xml}
URL="http://$ADDR"

# 1. Start the sandbox with the demo dataset, and stop it however the job ends.
notifysim serve --addr "$ADDR" --log-level warn &
SANDBOX=$!
trap 'kill "$SANDBOX" 2>/dev/null; wait "$SANDBOX" 2>/dev/null || true' EXIT

# 2. Wait for it to answer (at most 10s).
for _ in $(seq 100); do
  curl -fsS "$URL/_sim/health" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "$URL/_sim/health" >/dev/null

# 3. The service's own tests, against this sandbox: they send sam.phyll a reset code.
NOTIFYSIM_URL="$URL" go test -count=1 -run 'TestResetCodes' ./contracts/examples/passwordreset/

# 4. The message the tests caused is there (exit 1 and what the inbox holds if not).
notifysim wait --server "$URL" --recipient sam.phyll --vendor luma --contains "reset code" --timeout 10s

# 5. The contract the service relies on, as a JUnit report for the CI system; --reset lets it
#    load the demo dataset before each scenario and put the sandbox's own back at the end.
notifysim verify --target "$URL" --reset --features contracts/examples/passwordreset/features \
  --format junit --output "$REPORT"
echo "ci.sh: all steps passed; JUnit report in $REPORT"
