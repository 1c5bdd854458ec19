#!/usr/bin/env bash
# Fetching at scale: N documents (default 200) from a local server that answers every request after
# DELAY_MS (default 100 ms), fetched with `orgcheck fetch --concurrency C` (default 16), against the ideal
# N × delay ÷ C. The documents are spread over 8 sites (8 ports of 127.0.0.1; orgcheck limits requests
# per host and port to 2 at a time), so that 16 can be in flight, as they would across 8 real sites.
#
# Usage: bench/fetch.sh [N] [DELAY_MS] [CONCURRENCY]
# Exits 1 when the time is more than FETCH_MAX_RATIO (default 1.5) times the ideal.
# The server is examples/delay_server.rs. The store goes under $TMPDIR (default /tmp): a real disk, so
# the figure includes orgcheck's fsyncs.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
delay_ms=${2:-100}
conc=${3:-16}
max_ratio=${FETCH_MAX_RATIO:-1.5}
cargo build --release --quiet --bin orgcheck
# The server in the dev profile: it sleeps out the delay, so its own speed hardly matters, and a release
# build of an example would compile every dev-dependency again (about 40 s of CI) for nothing.
cargo build --quiet --example delay_server
bin=$(realpath target/release/orgcheck)
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

target/debug/examples/delay_server "$delay_ms" 8 >"$work/ports" &
server=$!
for _ in $(seq 50); do [ "$(wc -l <"$work/ports")" -ge 8 ] && break; sleep 0.1; done
mapfile -t ports <"$work/ports"
[ "${#ports[@]}" -eq 8 ] || { echo "fetch bench: the server did not start"; exit 2; }
mkdir -p "$work/providers"
for i in $(seq 1 "$n"); do
  port=${ports[$(( i % 8 ))]}
  printf 'name = "Bench %s"\n[[documents]]\nid = "privacy-policy"\nurl = "http://127.0.0.1:%s/doc/%s"\n' \
    "$i" "$port" "$i" >"$work/providers/p$i.toml"
done
start=$(date +%s.%N)
"$bin" fetch -q --only-providers "$work/providers" --store "$work/store" --concurrency "$conc" --retries 0 2>"$work/err" \
  || { tail -5 "$work/err"; exit 2; }
end=$(date +%s.%N)
stored=$(find "$work/store" -path '*.versions/*' -name '*.json' | wc -l)
[ "$stored" -eq "$n" ] || { echo "fetch bench: only $stored of $n documents were stored"; tail -5 "$work/err"; exit 2; }
awk -v s="$start" -v e="$end" -v n="$n" -v d="$delay_ms" -v c="$conc" -v max="$max_ratio" 'BEGIN {
  took = e - s; ideal = n * d / 1000 / c
  printf "fetched %d documents (%d ms each) at --concurrency %d in %.2f s; ideal %.2f s", n, d, c, took, ideal
  if (ideal == 0) { printf "\n"; exit 0 }
  r = took / ideal
  printf "; ratio %.2f (target <= %.2f: %s)\n", r, max, (r <= max ? "ok" : "MISSED")
  exit r > max
}'
