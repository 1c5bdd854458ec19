#!/usr/bin/env bash
# Tags a large JSONL corpus of real policy text with orgcheck and searches the same file with ripgrep
# using the same patterns, side by side in one run, and prints median times, throughput, the ratio
# orgcheck/rg and orgcheck's peak memory, for a small and a large corpus.
#
# Usage: bench/corpus.sh [SIZE_MB (default 200)] [RUNS (default 3)]
# Needs ../shared/data (the OPP-115 segments and the policy documents); builds orgcheck in release mode
# and installs ripgrep (apt, else cargo) and GNU time if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-200}
runs=${2:-3}
shared=../shared/data
[ -d "$shared" ] || { echo "corpus: needs ../shared/data"; exit 2; }
work=${BENCH_DIR:-target/bench}
mkdir -p "$work"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need rg; then
  echo "corpus: installing ripgrep" >&2
  (sudo -n apt-get install -y ripgrep || apt-get install -y ripgrep || cargo install ripgrep) >/dev/null 2>&1
fi
if [ ! -x /usr/bin/time ]; then
  echo "corpus: installing GNU time" >&2
  (sudo -n apt-get install -y time || apt-get install -y time) >/dev/null 2>&1
fi
need python3 || { echo "corpus: needs python3 to build the corpus"; exit 2; }
cargo build --release --quiet
bin=target/release/orgcheck

# One JSONL record per paragraph of real policy text, repeated until the file reaches the size asked.
build() { # size_mb file
  python3 - "$1" "$2" "$shared" <<'PY'
import json, os, sys, pathlib
size = int(sys.argv[1]) * 1_000_000
out, shared = sys.argv[2], pathlib.Path(sys.argv[3])
records = [json.loads(l)["text"] for l in open(shared / "opp115-dev.jsonl", encoding="utf-8") if l.strip()]
for p in sorted((shared / "policies").rglob("*")):
    if p.suffix in (".md", ".txt", ".html") and p.is_file():
        text = p.read_text(encoding="utf-8", errors="replace")
        records += [para for para in text.split("\n\n") if len(para.strip()) > 40]
written, n = 0, 0
with open(out, "w", encoding="utf-8") as f:
    while written < size:
        for t in records:
            line = json.dumps({"id": n, "text": t}, ensure_ascii=False) + "\n"
            f.write(line)
            written += len(line.encode("utf-8"))
            n += 1
            if written >= size:
                break
PY
}

# The exact patterns orgcheck uses, one per line, for `rg -f`. rg joins them into one regex, so the
# practice-word group `(?P<t>…)` that several patterns share becomes a plain group.
"$bin" rules --format json | python3 -c '
import json, sys
for r in json.load(sys.stdin)["rules"]:
    for p in r["patterns"]:
        print(p.replace("(?P<t>", "(?:"))' >"$work/patterns.txt"

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# time_runs CMD...: median wall seconds over $runs runs, and the largest peak RSS (KB) seen.
time_runs() {
  local times=() rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null
    read -r t m <"$work/time.txt"
    times+=("$t")
    [ "$m" -gt "$rss" ] && rss=$m
  done
  echo "$(printf '%s\n' "${times[@]}" | median) $rss"
}

printf '%-8s %10s %10s %10s %10s %10s %8s %14s\n' corpus MB "orgcheck s" "orgcheck MB/s" "rg s" "rg MB/s" ratio "orgcheck RSS"
for mb in $(( size_mb / 10 )) "$size_mb"; do
  corpus=$work/corpus-${mb}mb.jsonl
  [ -s "$corpus" ] || build "$mb" "$corpus"
  bytes=$(stat -c %s "$corpus")
  read -r ot orss < <(time_runs "$bin" extract --input-format jsonl --format jsonl "$corpus")
  read -r rt _ < <(time_runs rg -c -i -f "$work/patterns.txt" "$corpus")
  awk -v mb="$bytes" -v ot="$ot" -v rt="$rt" -v rss="$orss" -v name="${mb}MB" 'BEGIN {
    m = mb / 1e6
    printf "%-8s %10.1f %10.2f %10.1f %10.2f %10.1f %8.2f %11.1f MB\n", name, m, ot, m / ot, rt, m / rt, ot / rt, rss / 1024
  }'
done
echo "threads: $(nproc) cores; orgcheck runs with its default --threads (one per core); medians of $runs runs"
