#!/usr/bin/env bash
# Fetching at scale: N documents (default 200) from a local server that answers every request after
# DELAY_MS (default 100 ms), fetched with `orgcheck fetch --concurrency C` (default 16), against the ideal
# N × delay ÷ C. The documents are spread over 8 loopback addresses (127.0.0.1–127.0.0.8), so that the
# per-host limit (2 requests at a time to one host) allows 16 in flight, as it would across 8 sites.
#
# Usage: bench/fetch.sh [N] [DELAY_MS] [CONCURRENCY]      Needs python3 for the server.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
delay_ms=${2:-100}
conc=${3:-16}
command -v python3 >/dev/null || { echo "fetch bench: needs python3"; exit 2; }
cargo build --release --quiet
bin=$(realpath target/release/orgcheck)
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

cat >"$work/server.py" <<'PY'
import sys, time, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
delay = float(sys.argv[1]) / 1000
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        time.sleep(delay)
        body = ("Privacy policy for document %s.\n\nWe may share aggregated usage data with our "
                "partners. You can opt out of marketing at any time. We never sell your location."
                % self.path).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
ThreadingHTTPServer.daemon_threads = True
# The default listen backlog (5) drops simultaneous connections, which then retry after a second.
ThreadingHTTPServer.request_queue_size = 256
server = ThreadingHTTPServer(("0.0.0.0", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
python3 -u "$work/server.py" "$delay_ms" >"$work/port" 2>/dev/null &
server=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(head -1 "$work/port")
mkdir -p "$work/providers"
for i in $(seq 1 "$n"); do
  host=127.0.0.$(( (i % 8) + 1 ))
  printf 'name = "Bench %s"\n[[documents]]\nid = "privacy-policy"\nurl = "http://%s:%s/doc/%s"\n' \
    "$i" "$host" "$port" "$i" >"$work/providers/p$i.toml"
done
start=$(date +%s.%N)
"$bin" fetch -q --providers "$work/providers" --store "$work/store" --concurrency "$conc" --retries 0
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v n="$n" -v d="$delay_ms" -v c="$conc" 'BEGIN {
  took = e - s; ideal = n * d / 1000 / c
  printf "fetched %d documents (%d ms each) at --concurrency %d in %.2f s; ideal %.2f s; ratio %.2f\n", n, d, c, took, ideal, took / ideal
}'
