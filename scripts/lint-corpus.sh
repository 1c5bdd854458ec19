#!/usr/bin/env bash
# Runs `orgcheck lint` over every file in ../shared/data/policies and over the OPP-115 dev policies
# (their segments joined per policy, one JSONL record each), fails on any error, and prints how often
# it fires: the counts docs/rules.md ("Lint: how often it fires") reports, with the precision of a
# hand-checked sample. Prints the pairs with --show.
# Usage: scripts/lint-corpus.sh [ORGCHECK_BIN] [--show]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/release/orgcheck}")
show=${2:-}
shared=$(realpath ../shared/data 2>/dev/null || true)
if [ -z "$shared" ] || [ ! -d "$shared/policies" ]; then
  echo "lint-corpus: no ../shared/data; skipped"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
say() { echo "lint-corpus: $*"; }

files=0
while IFS= read -r -d '' f; do
  files=$((files + 1))
  if ! "$bin" lint "$f" --format json >"$work/$files.json" 2>"$work/err"; then
    say "FAIL: lint $f: $(cat "$work/err")"
    exit 1
  fi
done < <(find "$shared/policies" -type f -print0 | sort -z)

python3 - "$shared/opp115-dev.jsonl" "$work/opp-docs.jsonl" <<'PY'
import json, sys
docs = {}
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        r = json.loads(line)
        policy, _, segment = r["id"].partition("#")
        docs.setdefault(policy, []).append((int(segment or 0), r["text"]))
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for policy, segments in docs.items():
        text = "\n\n".join(t for _, t in sorted(segments))
        out.write(json.dumps({"id": policy, "text": text}, ensure_ascii=False) + "\n")
PY
if ! "$bin" lint --input-format jsonl --format jsonl "$work/opp-docs.jsonl" >"$work/opp.jsonl" 2>"$work/err"; then
  say "FAIL: lint of the OPP-115 policies: $(cat "$work/err")"
  exit 1
fi

python3 - "$work" "$files" "$show" <<'PY'
import glob, json, os, sys
work, files, show = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "--show"
def tally(reports, name):
    pairs = sum(len(r["pairs"]) for r in reports)
    firing = sum(1 for r in reports if r["pairs"])
    print(f"lint-corpus: {name}: {len(reports)} documents, {pairs} pairs in {firing} documents")
    if show:
        for r in reports:
            for p in r["pairs"]:
                d = r["findings"][p["scope"]["denies"]["finding"]]["clause"]
                q = r["findings"][p["scope"]["permits"]["finding"]]["clause"]
                print(f"  {r['source']}: {p['grade']}\n    D: {d[:200]}\n    P: {q[:200]}")
    return pairs
shared = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(work, "[0-9]*.json")))]
assert len(shared) == files, (len(shared), files)
opp = [json.loads(l) for l in open(os.path.join(work, "opp.jsonl"))]
errors = [r for r in opp if "error" in r]
if errors:
    sys.exit(f"lint-corpus: FAIL: {len(errors)} OPP-115 records could not be linted: {errors[0]}")
tally(shared, "../shared/data/policies")
tally(opp, "OPP-115 dev policies")
PY
