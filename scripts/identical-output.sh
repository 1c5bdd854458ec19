#!/usr/bin/env bash
# Speed work must not change what tagging finds. Runs `orgcheck extract --input-format jsonl --format
# jsonl` on three real corpora from ../shared/data: the OPP-115 dev paragraphs, the ToS;DR polarity
# quotes, and the policy documents (one record per file, in path order). It then compares the
# SHA-256 of each output with bench/identical-output.sha256.
#
# The digests were recorded with commit 865a86e, the last one before the word prefilter (issue 16), and
# recorded again for issue 28's first findings changes (denials through "or" and colon lists,
# prohibitions, a recipient with access, the recipients and grammar words of the ontology; interface text
# and headings get no finding), and once more for its sequences (sharing to a recipient the ontology knows,
# a recipient collecting data; indirect questions and the reader sharing set aside), and for its third
# round (third parties with tracking technologies, "only with" naming the recipient, identifiable data in
# a data slot, a denial reopened after a verb's preposition, passives read without a subject), and for
# its fourth (a recipient the company lets collect, a passive with a recipient as agent, data exposed to
# others, a comma list of denied verbs, physical location, yes/no questions and their answers), and for
# its fifth (the regex sharing rules as sequences over the ontology's concepts; named organisations as
# specific recipients; the `share` action under `disclose`), and for its sixth (the last sharing rules
# with word lists as sequences: engaging a party, third-party tracking, list items, pronouns), and once
# for a change of shape, not of findings: every finding gained `char_start` and `char_end` (issue 33).
# A change that is meant to change findings (a new rule, a fixed negation) records new digests with
# --update, and says so in its commit message; a change for speed never may.
#
# Usage: scripts/identical-output.sh [--update] [BIN (default: target/release/orgcheck, built)]
set -euo pipefail
cd "$(dirname "$0")/.."
update=0
if [ "${1:-}" = --update ]; then update=1; shift; fi
shared=../shared/data
[ -f "$shared/opp115-dev.jsonl" ] || { echo "identical-output: needs ../shared/data; skipped" >&2; exit 0; }
if [ -n "${1:-}" ]; then bin=$1; else cargo build --release --quiet --bin orgcheck; bin=target/release/orgcheck; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$shared/policies" "$work/policies.jsonl" <<'PY'
import json, pathlib, sys
root = pathlib.Path(sys.argv[1])
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for p in sorted(q for q in root.rglob("*") if q.is_file() and q.suffix in (".md", ".txt", ".html")):
        text = p.read_text(encoding="utf-8", errors="replace")
        out.write(json.dumps({"id": str(p.relative_to(root)), "text": text}, ensure_ascii=False) + "\n")
PY
digests=bench/identical-output.sha256
: >"$work/now"
for corpus in "opp115 $shared/opp115-dev.jsonl" "tosdr $shared/tosdr-polarity-dev.jsonl" "policies $work/policies.jsonl"; do
  read -r name file <<<"$corpus"
  for threads in 1 2; do
    "$bin" extract --input-format jsonl --format jsonl --threads "$threads" "$file" >"$work/$name-$threads.jsonl"
  done
  cmp -s "$work/$name-1.jsonl" "$work/$name-2.jsonl" || { echo "identical-output: $name: one thread and two differ" >&2; exit 1; }
  echo "$(sha256sum <"$work/$name-1.jsonl" | cut -d' ' -f1)  $name ($(wc -l <"$work/$name-1.jsonl") records)" >>"$work/now"
done
if [ "$update" = 1 ]; then
  cp "$work/now" "$digests"
  echo "identical-output: recorded $digests"
  exit 0
fi
if diff -u "$digests" "$work/now"; then
  echo "identical-output: extract's output is byte-identical to the recorded one on $(wc -l <"$digests") corpora"
else
  echo "identical-output: the findings changed (above: recorded, then now); if that is meant, run scripts/identical-output.sh --update" >&2
  exit 1
fi
