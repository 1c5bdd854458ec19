#!/usr/bin/env bash
# Runs `orgcheck lint` over every file in ../shared/data/policies and over the OPP-115 dev policies
# (their segments joined per policy, one JSONL record each), fails on any error, and prints how often
# it fires: the counts docs/rules.md ("Lint: how often it fires") reports. It then sets the pairs against
# the judgements read by hand in docs/lint-judged.tsv: the precision over the pairs judged, and the pairs
# not judged yet. It fails when a pair judged real is no longer reported, or when precision falls below
# the floor given in the file's `# floor:` line, so a regression shows.
# Prints the pairs with --show; --tsv prints every pair as a row of the judged file, unjudged ones with
# `?`, to be read and filled in.
# Usage: scripts/lint-corpus.sh [ORGCHECK_BIN] [--show|--tsv]
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

python3 - "$work" "$files" "$show" "$shared/policies" docs/lint-judged.tsv <<'PY'
import glob, json, os, re, sys
work, files, show, policies, judged_file = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "--show", sys.argv[4], sys.argv[5]
tsv = sys.argv[3] == "--tsv"
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

# Each pair by its document and the openings of its two clauses.
def words(text, n=70):
    return re.sub(r"\s+", " ", text).strip()[:n].replace("\t", " ")
def key_of(r, p):
    source = os.path.relpath(r["source"], policies) if r["source"].startswith("/") else r["source"]
    d = r["findings"][p["scope"]["denies"]["finding"]]["clause"]
    q = r["findings"][p["scope"]["permits"]["finding"]]["clause"]
    return (source, p["grade"], words(d), words(q))
reported = [key_of(r, p) for r in shared + opp for p in r["pairs"]]
judged = {}
floor = None
if os.path.exists(judged_file):
    for line in open(judged_file, encoding="utf-8"):
        if line.startswith("# floor:"):
            floor = float(line.split(":", 1)[1])
        if line.startswith("#") or not line.strip():
            continue
        source, grade, d, q, verdict, kind, note = (line.rstrip("\n").split("\t") + [""] * 7)[:7]
        judged[(source, grade, d, q)] = (verdict, kind)
if tsv:
    for k in reported:
        verdict, kind = judged.get(k, ("?", ""))
        print("\t".join(k + (verdict, kind, "")))
    sys.exit(0)
seen = [judged[k] for k in reported if k in judged]
real = sum(1 for v, _ in seen if v == "real")
unjudged = [k for k in reported if k not in judged]
print(f"lint-corpus: judged by hand ({judged_file}): {real} real of {len(seen)} judged pairs reported"
      + (f" ({real / len(seen):.0%})" if seen else "") + f"; {len(unjudged)} reported pairs not judged yet")
kinds = {}
for v, kind in seen:
    if v != "real":
        kinds[kind] = kinds.get(kind, 0) + 1
for kind, n in sorted(kinds.items(), key=lambda x: -x[1]):
    print(f"lint-corpus:   false alarms, {kind}: {n}")
for k in unjudged:
    print(f"lint-corpus:   not judged: {k[0]}: {k[2][:60]} | {k[3][:60]}")
lost = [k for k, (v, _) in judged.items() if v == "real" and k not in set(reported)]
for k in lost:
    print(f"lint-corpus: FAIL: a pair judged real is no longer reported: {k[0]}: {k[2][:60]} | {k[3][:60]}")
if lost:
    sys.exit(1)
if floor is not None and seen and real / len(seen) < floor:
    sys.exit(f"lint-corpus: FAIL: precision {real / len(seen):.2f} on the judged pairs is under the floor {floor}")
PY
