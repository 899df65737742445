#!/usr/bin/env bash
# Runs the Go benchmarks and writes their section of BENCHMARKS.md (between the go:begin and go:end
# markers) with the machine, the command and the figures; the other sections stay as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .bench
cmd=(go test -run '^$' -bench . -benchmem -count 1 -timeout 30m ./...)
# RERENDER=1 writes the section again from the last run's figures (.bench/raw.txt), after an
# edit of scripts/bench-aims.tsv, without running the benchmarks again.
if [[ ${RERENDER:-0} == 1 && -f .bench/raw.txt ]]; then
  echo "rewriting the section from .bench/raw.txt of $(date -u -r .bench/raw.txt +%Y-%m-%dT%H:%M:%SZ)"
else
  echo "${cmd[*]}"
  "${cmd[@]}" | tee .bench/raw.txt
fi

cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //' || true)
go build -o .bench/peerbench ./scripts/peerbench
{
  echo "Written by \`make bench\` (scripts/bench.sh); do not edit by hand. Figures are server time:"
  echo "requests go through the simulator's http.Handler (routing, spec validation, the vendor, the"
  echo "response check is off) without a network hop."
  echo
  echo "- date: $(date -u -r .bench/raw.txt +%Y-%m-%dT%H:%M:%SZ)"
  echo "- machine: $(uname -srm), ${cpu:-unknown CPU}, $(nproc) cores, $(free -g 2>/dev/null | awk '/Mem:/ {print $2 " GiB"}')"
  echo "- $(go version)"
  echo "- command: \`${cmd[*]}\`"
  echo
  echo "### Against the aims"
  echo
  echo "| what | benchmark | aim | measured |"
  echo "|---|---|---|---|"
  while IFS=$'\t' read -r name aim what; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    # An aim in a unit a benchmark reports (heap-B/msg) reads that metric; any other reads ns/op.
    unit=$(awk '{print $NF}' <<<"$aim")
    if [[ "$unit" == */* ]]; then
      v=$(awk -v n="$name" -v u="$unit" '$1 ~ "^"n"(-[0-9]+)?$" { for (i = 2; i <= NF; i++) if ($i == u) { print $(i-1); exit } }' .bench/raw.txt)
      measured=${v:+$v $unit}
    else
      ns=$(awk -v n="$name" '$1 ~ "^"n"(-[0-9]+)?$" {print $3; exit}' .bench/raw.txt)
      measured=${ns:+$(awk -v ns="$ns" 'BEGIN { if (ns >= 1e6) printf "%.2f ms", ns/1e6; else printf "%.1f µs", ns/1e3 }')}
    fi
    measured=${measured:-not run}
    echo "| $what | \`$name\` | $aim | $measured |"
  done < scripts/bench-aims.tsv
  echo
  echo "### All results"
  echo
  echo '```'
  grep -E '^(Benchmark|goos|goarch|pkg|cpu)' .bench/raw.txt
  echo '```'
} | .bench/peerbench section --file BENCHMARKS.md --name go --title "Go benchmarks"
echo "wrote the Go benchmarks section of BENCHMARKS.md"
