#!/usr/bin/env bash
# Start-up cost: the median wall time of `orgcheck compare` (the bundled providers, every rule compiled
# once) next to `orgcheck --version` (the bare process), over RUNS runs (default 20).
# Usage: bench/startup.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
cargo build --release --quiet
bin=target/release/orgcheck
median_ms() { # CMD...
  local t=()
  for _ in $(seq "$runs"); do
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null
    e=$(date +%s%N)
    t+=($(( (e - s) / 1000 )))
  done
  printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.1f ms", m / 1000}'
}
echo "orgcheck --version: $(median_ms "$bin" --version)"
echo "orgcheck compare:   $(median_ms "$bin" compare)"
echo "orgcheck compare --format json: $(median_ms "$bin" compare --format json)"
echo "(medians of $runs runs)"
