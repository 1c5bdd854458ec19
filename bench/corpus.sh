#!/usr/bin/env bash
# Tags large JSONL corpora of real policy text with orgcheck and searches the same files with ripgrep
# for the same practices (the tagging patterns of bench/rg-patterns.txt), side by side in one run. Two corpora: paragraph records (OPP-115 segments)
# and whole documents (one policy per record). For each, at SIZE_MB/10 and SIZE_MB, it
# prints median times and MB/s of orgcheck on one thread and on all cores, of `rg --count-matches` (every
# match, the work tagging does) and of `rg -c` (stops at a line's first match); the per-core ratio
# orgcheck --threads 1 / rg --count-matches; and orgcheck's peak memory. Then it checks the targets of
# docs/performance.md and exits 1 when one is missed (BENCH_MAX_RATIO sets the ratio target, default 1.0).
#
# Usage: bench/corpus.sh [SIZE_MB (default 200)] [RUNS (default 3)]
# BENCH_RG_LIMIT=10M also times rg --count-matches with that --dfa-size-limit (about orgcheck's memory)
# once on each small corpus.
#
# Needs ../shared/data (the OPP-115 segments and the policy documents) and python3 to build the corpus.
# Builds orgcheck in release mode. ripgrep: $RG when set (RG=apt: Debian's, installed with apt when
# missing); else an rg 14 or newer on PATH; else the current ripgrep, installed once with cargo under
# target/bench/ripgrep (about two minutes); Debian's rg 13 only as a last resort. An rg older than 14
# gets a warning: it is more than twice as slow on these patterns.
# Installs GNU time when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-200}
runs=${2:-3}
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

# build KIND SIZE_MB FILE: JSONL records of real policy text, repeated until the file reaches the size.
# `paragraphs`: one record per OPP-115 segment (short lines: clean prose, the researcher's usual input);
# `documents`: one record per whole policy document of ../shared/data/policies (long lines, as a crawl
# gives them, markup and all).
build() {
  python3 - "$1" "$2" "$3" "$shared" <<'PY'
import json, os, sys, pathlib
kind, size, out, shared = sys.argv[1], int(sys.argv[2]) * 1_000_000, sys.argv[3], pathlib.Path(sys.argv[4])
docs = [p.read_text(encoding="utf-8", errors="replace")
        for p in sorted((shared / "policies").rglob("*")) if p.suffix in (".md", ".txt", ".html") and p.is_file()]
if kind == "paragraphs":
    records = [json.loads(l)["text"] for l in open(shared / "opp115-dev.jsonl", encoding="utf-8") if l.strip()]
else:
    records = docs
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

# rg's patterns, one per line, for `rg -f`: bench/rg-patterns.txt, the tagging patterns as they were when
# issue 28 set its target, kept fixed while rules move from patterns to sequences (which rg cannot run);
# BENCH_RG_PATTERNS=current takes the regex patterns of the current rules instead.
if [ "${BENCH_RG_PATTERNS:-}" = current ]; then
  "$bin" rules --format json | python3 -c '
import json, sys
for r in json.load(sys.stdin)["rules"]:
    for p in r["patterns"]:
        print(p.replace("(?P<t>", "(?:"))' >"$work/patterns.txt"
else
  grep -v '^#' bench/rg-patterns.txt >"$work/patterns.txt"
fi

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
echo "Per core: orgcheck --threads 1 against rg on one thread, both finding every match (rg --count-matches);"
echo "rg -c stops at the first match of each line, which is less work than tagging, and is shown for reference."
printf '%-10s %6s | %8s %6s | %8s %6s | %8s %6s | %6s | %6s | %8s | %8s | %8s\n' \
  corpus MB "1 thr s" "MB/s" "rg -cm s" "MB/s" "all s" "MB/s" "rg -c s" ratio "vs rg -c" "peak RSS" "rg RSS"
results=$work/results.txt
: >"$results"
for kind in paragraphs documents; do
  for mb in $(( size_mb / 10 )) "$size_mb"; do
    corpus=$work/corpus-$kind-${mb}mb.jsonl
    [ -s "$corpus" ] || build "$kind" "$mb" "$corpus"
    bytes=$(stat -c %s "$corpus")
    # Runs alternate tools within one size, so all see the same machine state.
    read -r st srss < <(time_runs "$bin" extract --threads 1 --input-format jsonl --format jsonl "$corpus")
    read -r cmt rgrss < <(time_runs "$rg" --count-matches -i -f "$work/patterns.txt" "$corpus")
    read -r ot orss < <(time_runs "$bin" extract --input-format jsonl --format jsonl "$corpus")
    read -r ct _ < <(time_runs "$rg" -c -i -f "$work/patterns.txt" "$corpus")
    echo "$kind $mb $bytes $st $cmt $ot $ct $orss $rgrss" >>"$results"
    awk -v k="$kind" -v b="$bytes" -v st="$st" -v cmt="$cmt" -v ot="$ot" -v ct="$ct" -v rss="$orss" -v rgrss="$rgrss" 'BEGIN {
      m = b / 1e6
      printf "%-10s %6.1f | %8.2f %6.2f | %8.2f %6.2f | %8.2f %6.2f | %7.2f | %6.2f | %8.2f | %5.1f MB | %5.1f MB\n",
        k, m, st, m / st, cmt, m / cmt, ot, m / ot, ct, st / cmt, st / ct, rss / 1024, rgrss / 1024
    }'
    # rg's lazy DFA keeps every state it builds up to its --dfa-size-limit (1000 MB by default), and on a
    # repeated corpus it ends up holding nearly all it needs. BENCH_RG_LIMIT=10M times rg held to about
    # orgcheck's memory instead, once, on the small corpus.
    if [ -n "${BENCH_RG_LIMIT:-}" ] && [ "$mb" != "$size_mb" ]; then
      /usr/bin/time -f "%e %M" -o "$work/time.txt" "$rg" --dfa-size-limit "$BENCH_RG_LIMIT" --count-matches -i \
        -f "$work/patterns.txt" "$corpus" >/dev/null
      read -r lt lm <"$work/time.txt"
      awk -v k="$kind" -v l="$BENCH_RG_LIMIT" -v t="$lt" -v m="$lm" -v st="$st" 'BEGIN {
        printf "%-10s rg --count-matches --dfa-size-limit %s: %.2f s, peak RSS %.1f MB (orgcheck 1 thread: %.2f s, %.2f times faster)\n",
          k, l, t, m / 1024, st, t / st
      }'
    fi
  done
done
echo "1 thr: orgcheck extract --threads 1; all: its default --threads (one per core); ratio: 1 thr / rg --count-matches;"
echo "peak RSS: orgcheck with all cores; rg RSS: rg --count-matches."

# The targets (issue 16): per core at least as fast as rg finding every match (ratio <= BENCH_MAX_RATIO,
# default 1.0) on both corpora; peak RSS (all cores) <= 64 MB on the large corpus and within 10% of the
# small one's; time linear in size (MB/s on the large corpus at least 80% of the small one's).
awk -v max_ratio="${BENCH_MAX_RATIO:-1.0}" '
  { kind[NR] = $1; bytes[NR] = $3; st[NR] = $4; cmt[NR] = $5; rss[NR] = $8 }
  END {
    ok = 1
    for (i = 2; i <= NR; i += 2) {
      k = kind[i]; r = st[i] / cmt[i]
      printf "target %s: ratio <= %.2f: %.2f %s\n", k, max_ratio, r, (r <= max_ratio ? "ok" : "MISSED"); ok = ok && r <= max_ratio
      printf "target %s: peak RSS <= 64 MB: %.1f MB %s\n", k, rss[i] / 1024, (rss[i] <= 65536 ? "ok" : "MISSED"); ok = ok && rss[i] <= 65536
      g = rss[i] / rss[i - 1]
      printf "target %s: RSS growth <= 10%%: %+.1f%% %s\n", k, (g - 1) * 100, (g <= 1.10 ? "ok" : "MISSED"); ok = ok && g <= 1.10
      lin = (bytes[i] / st[i]) / (bytes[i - 1] / st[i - 1])
      printf "target %s: linear time: x%.1f time for x%.1f input %s\n", k, st[i] / st[i - 1], bytes[i] / bytes[i - 1], (lin >= 0.8 ? "ok" : "MISSED"); ok = ok && lin >= 0.8
    }
    exit !ok
  }' "$results"
