#!/usr/bin/env bash
# How well the rules read each development source, side by side (issue 28): sentence checks from ToS;DR,
# from the OPP-115 dev policies and, one source per language, orgcheck's own German and French
# sentences (issue 29), per check and pooled, and the OPP-115 dev segments' precision and
# recall per tag. Reports only; the gates are in .ci/run.
#
# The sources are small. To learn whether a change generalises, keep one source out of your tuning at a
# time, and read its score here before you read its errors (`orgcheck eval --gold FILE --errors 20`).
# docs/rules.md ("How well the rules generalise") records the figures.
#
# Usage: scripts/generalisation.sh [ORGCHECK_BIN] [EXTRA EVAL FLAGS...]   (e.g. --rules mine.toml)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/release/orgcheck}")
shift || true
shared=$(realpath ../shared/data 2>/dev/null || true)
if [ -z "$shared" ] || [ ! -f "$shared/opp115-dev.jsonl" ]; then
  echo "generalisation: no ../shared/data; skipped"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sources=()
for name in tosdr-polarity-dev polarity-opp115-dev; do
  if [ -f "$shared/$name.jsonl" ]; then
    "$bin" eval --gold "$shared/$name.jsonl" --format json "$@" >"$work/$name.json"
    sources+=("$name")
  fi
done
# Each language is its own source: orgcheck's own German, French, Spanish and Italian sentences (tests/fixtures/lang; the
# `-unseen` files were written after the rules of the first round and scored before their errors were
# read, docs/rules.md "Languages").
for name in de de-unseen fr fr-unseen probe es es-unseen it it-unseen; do
  "$bin" eval --gold "tests/fixtures/lang/$name.jsonl" --format json "$@" >"$work/lang-$name.json"
  sources+=("lang-$name")
done
"$bin" eval --gold "$shared/opp115-dev.jsonl" --format json "$@" >"$work/segments.json"

python3 - "$work" "${sources[@]}" <<'PY'
import json, sys
work, sources = sys.argv[1], sys.argv[2:]
# The checks the held-out figures are given for (issue 28), by the groups `orgcheck eval` reports.
classes = [
    ("sharing denials", ["third-party-sharing:negative"]),
    ("sharing permissions", ["third-party-sharing:positive"]),
    ("location", ["location:positive", "location:negative"]),
    ("aggregation", ["aggregation:positive"]),
    ("opt-out", ["opt-out:positive"]),
    ("court location (absent)", ["location:absent"]),
]
reports = {s: json.load(open(f"{work}/{s}.json")) for s in sources}

def tally(report, groups):
    passed = records = 0
    for c in report["checks"]:
        if c["group"] in groups:
            passed += c["passed"]
            records += c["records"]
    return passed, records

def cell(p, n):
    return f"{p}/{n} = {p / n:.2f}" if n else "—"

names = {
    "tosdr-polarity-dev": "ToS;DR dev",
    "polarity-opp115-dev": "OPP-115 dev sentences",
    "lang-de": "German",
    "lang-de-unseen": "German, 2nd",
    "lang-fr": "French",
    "lang-fr-unseen": "French, 2nd",
    "lang-probe": "German and French, 3rd",
    "lang-es": "Spanish",
    "lang-es-unseen": "Spanish, 2nd",
    "lang-it": "Italian",
    "lang-it-unseen": "Italian, 2nd",
}
header = ["check"] + [names.get(s, s) for s in sources] + ["pooled"]
rows = []
all_p = {s: 0 for s in sources}
all_n = {s: 0 for s in sources}
for label, groups in classes:
    row = [label]
    pp = pn = 0
    for s in sources:
        p, n = tally(reports[s], groups)
        row.append(cell(p, n))
        pp, pn = pp + p, pn + n
        all_p[s] += p
        all_n[s] += n
    row.append(cell(pp, pn))
    if pn:
        rows.append(row)
rows.append(["all checks"] + [cell(all_p[s], all_n[s]) for s in sources]
            + [cell(sum(all_p.values()), sum(all_n.values()))])
widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"
print("Sentence checks (a finding of the tag with the expected polarity; for `absent`, none):")
print(line(header))
print("| " + " | ".join("-" * w for w in widths) + " |")
for r in rows:
    print(line(r))

seg = json.load(open(f"{work}/segments.json"))
print()
print(f"OPP-115 dev segments ({seg['records']}): a tag counts when any finding of it is reported.")
print("| tag | precision | recall | F1 |")
print("| --- | --- | --- | --- |")
for t in seg["tags"]:
    print(f"| {t['tag']} | {t['precision']:.3f} | {t['recall']:.3f} | {t['f1']:.3f} |")
PY
