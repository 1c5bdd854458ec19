#!/usr/bin/env bash
# Tags a large JSONL corpus of real policy text with orgcheck and searches the same file with ripgrep
# using the same patterns, side by side in one run. Prints, for a corpus of SIZE_MB/10 and one of
# SIZE_MB: median times, throughput, the ratio orgcheck/rg and orgcheck's peak memory; then checks the
# targets of docs/performance.md and exits 1 when one is missed.
#
# Usage: bench/corpus.sh [SIZE_MB (default 200)] [RUNS (default 3)]
#
# Needs ../shared/data (the OPP-115 segments and the policy documents) and python3 to build the corpus.
# Builds orgcheck in release mode. ripgrep: $RG when set (RG=apt: Debian's, installed with apt when
# missing); else an rg 14 or newer on PATH; else the current ripgrep, installed once with cargo under
# target/bench/ripgrep (about two minutes); Debian's rg 13 only as a last resort. An rg older than 14
# gets a warning: it is more than twice as slow on these patterns.
# Installs GNU time when missing. Set BENCH_ONE_THREAD=0 to skip the one-thread column.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-200}
runs=${2:-3}
one_thread=${BENCH_ONE_THREAD:-1}
shared=../shared/data
[ -d "$shared/policies" ] || { echo "corpus: needs ../shared/data" >&2; exit 2; }
work=${BENCH_DIR:-target/bench}
mkdir -p "$work"
need() { command -v "$1" >/dev/null 2>&1; }
say() { echo "corpus: $*" >&2; }

# apt-get install, refreshing the package lists only when the first attempt fails.
apt_install() {
  { sudo -n apt-get install -y "$@" || apt-get install -y "$@" ||
    { (sudo -n apt-get update || apt-get update) && (sudo -n apt-get install -y "$@" || apt-get install -y "$@"); }
  } >/dev/null 2>&1
}
rg_major() { "$1" --version 2>/dev/null | awk 'NR == 1 { split($2, v, "."); print v[1] + 0 }'; }
pick_rg() {
  if [ "${RG:-}" = apt ]; then
    [ -x /usr/bin/rg ] || apt_install ripgrep || { say "apt could not install ripgrep"; exit 2; }
    echo /usr/bin/rg
    return
  fi
  if [ -n "${RG:-}" ]; then echo "$RG"; return; fi
  local local_rg=$work/ripgrep/bin/rg
  if [ -x "$local_rg" ]; then echo "$local_rg"; return; fi
  if need rg && [ "$(rg_major rg)" -ge 14 ]; then command -v rg; return; fi
  say "installing the current ripgrep under $work/ripgrep (cargo install, once)"
  if cargo install --quiet --locked --root "$work/ripgrep" ripgrep >&2; then echo "$local_rg"; return; fi
  need rg || apt_install ripgrep || true
  need rg || { say "no ripgrep could be installed"; exit 2; }
  command -v rg
}
rg=$(pick_rg)
if [ "$(rg_major "$rg")" -lt 14 ]; then
  say "warning: $("$rg" --version | sed -n 1p) is slower on these patterns than ripgrep 14 and later; the ratio flatters orgcheck"
fi
if [ ! -x /usr/bin/time ]; then
  say "installing GNU time"
  apt_install time || { say "apt could not install GNU time"; exit 2; }
fi
need python3 || { say "needs python3 to build the corpus"; exit 2; }
cargo build --release --quiet --bin orgcheck
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
with open(out + ".part", "w", encoding="utf-8") as f:
    while written < size:
        for t in records:
            line = json.dumps({"id": n, "text": t}, ensure_ascii=False) + "\n"
            f.write(line)
            written += len(line.encode("utf-8"))
            n += 1
            if written >= size:
                break
os.replace(out + ".part", out)
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

echo "orgcheck $("$bin" --version | awk '{print $2}'), $("$rg" --version | sed -n 1p), $(nproc) cores, median of $runs run(s) each"
printf '%-7s %7s | %11s %8s %11s | %8s %8s | %7s | %9s\n' \
  corpus MB "orgcheck s" "MB/s" "1 thread s" "rg s" "MB/s" ratio "peak RSS"
results=$work/results.txt
: >"$results"
for mb in $(( size_mb / 10 )) "$size_mb"; do
  corpus=$work/corpus-${mb}mb.jsonl
  [ -s "$corpus" ] || build "$mb" "$corpus"
  bytes=$(stat -c %s "$corpus")
  # Runs alternate tools within one size, so both see the same machine state.
  read -r ot orss < <(time_runs "$bin" extract --input-format jsonl --format jsonl "$corpus")
  read -r rt _ < <(time_runs "$rg" -c -i -f "$work/patterns.txt" "$corpus")
  st=-
  if [ "$one_thread" = 1 ]; then
    read -r st _ < <(time_runs "$bin" extract --threads 1 --input-format jsonl --format jsonl "$corpus")
  fi
  echo "$mb $bytes $ot $rt $orss" >>"$results"
  awk -v b="$bytes" -v ot="$ot" -v st="$st" -v rt="$rt" -v rss="$orss" -v name="${mb} MB" 'BEGIN {
    m = b / 1e6
    printf "%-7s %7.1f | %11.2f %8.2f %11s | %8.2f %8.2f | %7.2f | %6.1f MB\n",
      name, m, ot, m / ot, st, rt, m / rt, ot / rt, rss / 1024
  }'
done
echo "orgcheck runs with its default --threads (one per core); rg searches one file on one thread."

# The targets (issue 6): ratio <= 2.0; peak RSS <= 64 MB on the large corpus and within 10% of the
# small one's; time linear in size (MB/s on the large corpus at least 80% of the small one's).
awk '
  NR == 1 { sb = $2; st = $3; srss = $5 }
  NR == 2 {
    lb = $2; lt = $3; lrt = $4; lrss = $5
    ok = 1
    r = lt / lrt
    printf "target ratio <= 2.00: %.2f %s\n", r, (r <= 2.0 ? "ok" : "MISSED"); ok = ok && r <= 2.0
    printf "target peak RSS <= 64 MB: %.1f MB %s\n", lrss / 1024, (lrss <= 65536 ? "ok" : "MISSED"); ok = ok && lrss <= 65536
    g = lrss / srss
    printf "target RSS growth <= 10%%: %+.1f%% %s\n", (g - 1) * 100, (g <= 1.10 ? "ok" : "MISSED"); ok = ok && g <= 1.10
    lin = (lb / lt) / (sb / st)
    printf "target linear time: x%.1f time for x%.1f input %s\n", lt / st, lb / sb, (lin >= 0.8 ? "ok" : "MISSED"); ok = ok && lin >= 0.8
    exit !ok
  }' "$results"
