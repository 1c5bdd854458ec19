#!/usr/bin/env bash
# The Spark recipe of docs/scale.md, checked: tags ../shared/data/opp115-dev.jsonl split into four part
# files on Spark local[2] with scripts/spark_tags.py. It then checks three things:
#   1. Spark's output lines, as a set, equal the single-process `orgcheck extract` run's;
#   2. every record came back;
#   3. the per-policy tag counts equal those computed from the single-process output.
# Installs what it needs: a Java runtime (Debian's default-jre-headless) when `java` is missing, and
# pyspark 3.5 from pip when it cannot be imported.
# Usage: scripts/spark-check.sh [BIN (default: target/release/orgcheck, built)]
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared/data
[ -f "$shared/opp115-dev.jsonl" ] || { echo "spark-check: needs ../shared/data; skipped" >&2; exit 0; }
if [ -n "${1:-}" ]; then bin=$(realpath "$1"); else cargo build --release --quiet --bin orgcheck; bin=$(realpath target/release/orgcheck); fi
say() { echo "spark-check: $*" >&2; }
apt_install() {
  { sudo -n apt-get install -y "$@" || apt-get install -y "$@" ||
    { (sudo -n apt-get update || apt-get update) && (sudo -n apt-get install -y "$@" || apt-get install -y "$@"); }
  } >/dev/null 2>&1
}
if ! command -v java >/dev/null 2>&1; then
  say "installing a Java runtime (default-jre-headless)"
  apt_install default-jre-headless || { say "apt could not install Java"; exit 2; }
fi
if ! python3 -c 'import pyspark' 2>/dev/null; then
  say "installing pyspark 3.5 (pip)"
  python3 -m pip install --quiet "pyspark==3.5.*" || { say "pip could not install pyspark"; exit 2; }
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/in"
# A partitioned dataset, as a corpus on a cluster's file system would be.
split -n l/4 -d --additional-suffix=.jsonl "$shared/opp115-dev.jsonl" "$work/in/part-"
"$bin" extract --input-format jsonl --format jsonl --threads 1 "$shared/opp115-dev.jsonl" >"$work/single.jsonl"
start=$(date +%s)
python3 scripts/spark_tags.py --bin "$bin" --input "$work/in" --output "$work/out" --master 'local[2]' --partitions 4 2>"$work/spark.log" ||
  { cat "$work/spark.log" >&2; say "the Spark job failed"; exit 1; }
say "Spark local[2] job: $(( $(date +%s) - start )) s, $(ls "$work/in" | wc -l) part files"
cat "$work"/out/tagged/part-* | LC_ALL=C sort >"$work/spark.sorted"
LC_ALL=C sort "$work/single.jsonl" >"$work/single.sorted"
records=$(wc -l <"$work/single.sorted")
if ! cmp -s "$work/spark.sorted" "$work/single.sorted"; then
  say "Spark's output differs from the single-process run:"
  diff "$work/single.sorted" "$work/spark.sorted" | head -5 >&2
  exit 1
fi
[ "$(wc -l <"$work/spark.sorted")" = "$(grep -c . "$shared/opp115-dev.jsonl")" ] || { say "records were lost"; exit 1; }
python3 - "$work/single.jsonl" "$work/out/counts" <<'PY'
import glob, json, sys
expected = {}
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    policy = str(r["id"]).split("#", 1)[0]
    n, tags = expected.get(policy, (0, {}))
    for f in r["findings"]:
        k = f'{f["tag"]}:{f["polarity"]}'
        tags[k] = tags.get(k, 0) + 1
    expected[policy] = (n + 1, tags)
got = {}
for path in glob.glob(sys.argv[2] + "/part-*"):
    for line in open(path, encoding="utf-8"):
        c = json.loads(line)
        got[c["policy"]] = (c["records"], c["tags"])
if got != expected:
    missing = set(expected) ^ set(got)
    sys.exit(f"spark-check: the per-policy tag counts differ (policies only on one side: {sorted(missing)[:5]})")
print(f"spark-check: tag counts agree for {len(got)} policies")
PY
echo "spark-check: Spark local[2] over 4 partitions gives the same $records lines as one process"
