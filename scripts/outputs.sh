#!/usr/bin/env bash
# Records what every command prints, for a before/after comparison of a refactoring:
#   scripts/outputs.sh OLD_BIN /tmp/before && scripts/outputs.sh target/release/orgcheck /tmp/after
#   diff -r /tmp/before /tmp/after && echo identical
# Each case writes NAME.out (stdout), NAME.err (stderr) and NAME.code (exit status) into OUT_DIR. The
# cases cover the bundled data, the test fixtures and, when ../shared/data is present, the real
# documents, histories and annotated data. A store is written by hand with fixed dates, so that
# `diff`, `check` and `compare --store` run offline and print the same thing every time; the only
# time-dependent fields (`checked_at`, `written_at`) are blanked.
# Usage: scripts/outputs.sh BIN OUT_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "$1")
out=$(mkdir -p "$2" && realpath "$2")
shared=$(realpath ../shared/data 2>/dev/null || true)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export COLUMNS=120 NO_COLOR= ORGCHECK_STORE=
unset NO_COLOR ORGCHECK_STORE

# case NAME ARGS...: runs orgcheck with ARGS, standard input closed.
case_() {
  local name=$1 code=0
  shift
  "$bin" "$@" </dev/null >"$out/$name.out" 2>"$out/$name.err" || code=$?
  echo "$code" >"$out/$name.code"
  # Paths of this run's temporary directory, and times of day, are not part of the output.
  sed -i -e "s#$work#WORK#g" -e 's/"\(checked_at\|written_at\)": "[^"]*"/"\1": "TIME"/' -e 's/checked [0-9T:-]*Z/checked TIME/' \
    -e 's/reply` from \([^ ]*\) on [0-9-]*\./reply` from \1 on DATE./' \
    "$out/$name.out" "$out/$name.err"
}

for f in table json markdown; do case_ "compare-$f" compare --format "$f" --color never; done
case_ compare-color compare o2 --color always
case_ compare-some compare o2 vodafone three --format json
case_ compare-fail-contradiction compare --fail-on contradiction
case_ compare-fail-omission compare --fail-on omission,contradiction --format markdown
case_ compare-unknown compare orange
COLUMNS=60 case_ compare-narrow-columns compare o2
for f in table json; do
  case_ "providers-$f" providers --format "$f"
  case_ "rules-$f" rules --format "$f"
done
case_ providers-check providers --check
case_ providers-check-dir providers --check providers
case_ providers-missing-dir providers --providers /no/such/dir
for f in policy.html policy.md policy.txt; do
  for fmt in table json jsonl; do case_ "extract-fixture-$f-$fmt" extract "tests/fixtures/$f" --format "$fmt"; done
  case_ "extract-fixture-$f-all" extract "tests/fixtures/$f" --all
done
case_ extract-records extract --input-format jsonl --format jsonl tests/fixtures/records.jsonl
case_ extract-missing extract /no/such/file
case_ extract-dir extract tests
case_ diff-fixtures diff tests/fixtures/diff/policy-v1.md tests/fixtures/diff/policy-v2.md
for fmt in json markdown; do
  case_ "diff-fixtures-$fmt" diff tests/fixtures/diff/policy-v1.md tests/fixtures/diff/policy-v2.md --format "$fmt"
done
case_ diff-fixtures-strict diff tests/fixtures/diff/policy-v1.md tests/fixtures/diff/policy-v2.md --strict --all
case_ eval-fixture eval --gold tests/fixtures/eval/gold.jsonl --errors 3
case_ eval-fixture-json eval --gold tests/fixtures/eval/gold.jsonl --format json --min-f1 0.9
case_ letter-text letter o2 --name "A. Customer" --email a@example.org --account "07700 900123"
case_ letter-json letter virgin-mobile --name "A. Customer" --email a@example.org --format json
case_ letter-markdown letter tesco-mobile --name "A. Customer" --email a@example.org --format markdown
case_ letter-no-sender letter o2
case_ letter-eml-no-contact letter three --name "A. Customer" --email a@example.org --format eml
cp -r providers "$work/providers"
for f in multipart-qp base64 html-only windows-1252 acknowledgement o2-reply; do
  case_ "reply-$f" reply o2 "tests/fixtures/replies/$f.eml" --providers "$work/providers" --dry-run --format json
done
case_ reply-text-no-date reply o2 tests/fixtures/replies/reply.txt --providers "$work/providers" --dry-run
case_ help help
for c in compare fetch lint letter reply extract providers rules diff check history eval completions man; do
  case_ "help-$c" help "$c"
done
case_ man man
case_ completions-bash completions bash
case_ compare-html compare --format html
case_ compare-html-some compare o2 virgin-mobile --format html
for id in o2 virgin-mobile tesco-mobile vodafone three ee; do
  for fmt in table json markdown html; do case_ "lint-$id-$fmt" lint "$id" --format "$fmt"; done
  case_ "lint-$id-narrow" lint "$id" --narrow --format json
done
for f in policy.html policy.md policy.txt; do case_ "lint-fixture-$f" lint "tests/fixtures/$f" --narrow; done
case_ lint-records lint --input-format jsonl tests/fixtures/records.jsonl
case_ lint-records-jsonl lint --input-format jsonl --format jsonl tests/fixtures/records.jsonl
case_ lint-fail lint o2 --fail-on contradiction
for fmt in json markdown; do case_ "letter-o2-$fmt" letter o2 --name "A. Customer" --email a@example.org --format "$fmt"; done

# A store written by hand: two versions of O2's policy, and one of Vodafone's.
store=$work/store
write_version() { # provider document id text-file
  local dir=$store/$1/$2.versions
  mkdir -p "$dir"
  cp "$4" "$dir/$3.txt"
  local sha
  sha=$(sha256sum "$4" | cut -d' ' -f1)
  local at
  at=$(sed -E 's/T([0-9]{2})([0-9]{2})([0-9]{2})Z/T\1:\2:\3Z/' <<<"$3")
  printf '{"url":"https://example.org/%s","final_url":"https://example.org/%s","status":200,"kind":"text","fetched_at":"%s","raw_sha256":"00","text_sha256":"%s","orgcheck_version":"test","declaration_sha256":"d","version":"%s"}\n' \
    "$1" "$1" "$at" "$sha" "$3" >"$dir/$3.json"
  cp "$dir/$3.txt" "$store/$1/$2.txt"
  cp "$dir/$3.json" "$store/$1/$2.json"
}
cp tests/fixtures/diff/policy-v1.md "$work/v1.txt"
cp tests/fixtures/diff/policy-v2.md "$work/v2.txt"
write_version o2 privacy-policy 2026-01-01T000000Z "$work/v1.txt"
write_version vodafone privacy-policy 2026-01-01T000000Z "$work/v1.txt"
case_ check-no-baseline check o2 vodafone --store "$store" --format json
case_ check-update check o2 vodafone --store "$store" --update-baseline
write_version o2 privacy-policy 2026-02-01T000000Z "$work/v2.txt"
for fmt in table json markdown; do case_ "check-changed-$fmt" check o2 vodafone --store "$store" --format "$fmt"; done
case_ check-meaning check o2 vodafone --store "$store" --fail-on meaning --all
case_ check-missing check --store "$store" -q
for fmt in table json markdown; do case_ "diff-store-$fmt" diff o2 --store "$store" --format "$fmt"; done
case_ diff-store-from diff o2/privacy-policy --store "$store" --from 2026-01 --to latest
case_ diff-store-nothing diff nobody --store "$store"
case_ diff-store-first diff o2 --store "$store" --to previous
for fmt in table json; do case_ "compare-store-$fmt" compare o2 vodafone ee --store "$store" --format "$fmt"; done
for fmt in table json markdown html; do
  case_ "history-$fmt" history o2 --store "$store" --format "$fmt"
  case_ "diff-store-html-$fmt" diff o2 --store "$store" --format html
  case_ "check-changed-html-$fmt" check o2 vodafone --store "$store" --format html
done
case_ history-nothing history nobody --store "$store"

if [ -n "$shared" ] && [ -d "$shared/policies" ]; then
  n=0
  while IFS= read -r doc; do
    n=$((n + 1))
    for fmt in table json; do case_ "extract-real-$n-$fmt" extract "$doc" --format "$fmt"; done
  done < <(find "$shared/policies" -type f \( -name '*.md' -o -name '*.txt' -o -name '*.html' \) | sort)
  raw=$shared/policies/o2-uk/tosback2-data-raw/o2privacypolicy_raw_2012-10.html
  case_ extract-raw-select extract "$raw" --select div.leftContainer --all
  case_ extract-raw-remove extract "$raw" --remove '.footer' --format json
  case_ extract-raw-nomatch extract "$raw" --select '#nothing'
  for t in 1 2; do case_ "extract-opp115-threads$t" extract --input-format jsonl --format jsonl --threads "$t" "$shared/opp115-dev.jsonl"; done
  case_ eval-opp115 eval --gold "$shared/opp115-dev.jsonl"
  case_ eval-opp115-json eval --gold "$shared/opp115-dev.jsonl" --format json --errors 5 \
    --min-f1 0.75,opt-out=0.64 --min-avg-f1 aggregation=0.89,third-party-sharing=0.79,opt-out=0.74,location=0.88
  case_ eval-opp115-below eval --gold "$shared/opp115-dev.jsonl" --min-f1 0.99
  if [ -f "$shared/tosdr-polarity-dev.jsonl" ]; then
    case_ eval-tosdr eval --gold "$shared/tosdr-polarity-dev.jsonl" --lang de,fr --errors 3
    case_ eval-tosdr-json eval --gold "$shared/tosdr-polarity-dev.jsonl" --format json
  fi
  if [ -f "$shared/polarity-opp115-dev.jsonl" ]; then
    case_ eval-polarity-opp115 eval --gold "$shared/polarity-opp115-dev.jsonl" --format json
  fi
  n=0
  while IFS= read -r doc; do
    n=$((n + 1))
    case_ "lint-real-$n" lint "$doc" --narrow --format json
  done < <(find "$shared/policies" -type f \( -name '*.md' -o -name '*.txt' -o -name '*.html' \) | sort)
  pairs=(
    "giffgaff/citp-historical/giffgaff.com_privacy-policy_2013-06-23.md giffgaff/citp-historical/giffgaff.com_privacy-policy_2016-11-23.md"
    "tesco-mobile/citp-historical/tescomobile.com_privacy-and-cookies-policy_2014-06-17.md tesco-mobile/citp-historical/tescomobile.com_privacy-and-cookies-policy_2015-06-07.md"
    "o2-uk/citp-historical/o2.co.uk_privacy-policy_2014-06-30.md o2-uk/citp-historical/o2.co.uk_privacy-policy_2017-06-30.md"
    "ee/citp-historical/ee.co.uk_privacy-policy_2013-05-30.md ee/citp-historical/ee.co.uk_privacy-policy_2015-12-27.md"
    "three-uk/citp-historical/three.co.uk_privacy-policy_2006-06-16.md three-uk/citp-historical/three.co.uk_privacy-policy_2008-12-16.md"
    "vodafone-uk/citp-historical/vodafone.co.uk_privacy-policy_2014-12-31.md vodafone-uk/citp-historical/vodafone.co.uk_privacy-policy_2019-12-08.md"
    "o2-uk/tosback2/privacy-policy_2012-10-04.txt o2-uk/tosback2/privacy-policy_2012-10-10.txt"
    "o2-uk/tosback2/privacy-policy_2012-11-20.txt o2-uk/tosback2/privacy-policy_2013-06-28.txt"
  )
  n=0
  for pair in "${pairs[@]}"; do
    n=$((n + 1))
    read -r a b <<<"$pair"
    for fmt in table json markdown; do case_ "diff-real-$n-$fmt" diff "$shared/policies/$a" "$shared/policies/$b" --format "$fmt"; done
    case_ "diff-real-$n-all" diff "$shared/policies/$a" "$shared/policies/$b" --all --fail-on meaning
  done
fi
echo "outputs: $(find "$out" -name '*.code' | wc -l) cases in $out"
