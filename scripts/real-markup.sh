#!/usr/bin/env bash
# Checks text extraction on real provider pages from ../shared/data/policies (when present): the
# policy must come through and the page chrome must not. Usage: scripts/real-markup.sh [ORGCHECK_BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/orgcheck}
policies=../shared/data/policies
if [ ! -d "$policies" ]; then
  echo "real-markup: no $policies; skipped"
  exit 0
fi
fail=0
check() { # name, text, expected..., then -- forbidden...
  local name=$1 text=$2
  shift 2
  local mode=want
  for s in "$@"; do
    if [ "$s" = "--" ]; then mode=forbid; continue; fi
    if [ "$mode" = want ] && ! grep -qF -- "$s" <<<"$text"; then
      echo "real-markup: $name: missing policy text: $s"; fail=1
    elif [ "$mode" = forbid ] && grep -qF -- "$s" <<<"$text"; then
      echo "real-markup: $name: page chrome leaked: $s"; fail=1
    fi
  done
}

raw=$policies/o2-uk/tosback2-data-raw/o2privacypolicy_raw_2012-10.html
want=("Privacy Policy of Telef" "Disclosure of Your Information" "How We Use Your Information")
chrome=("Your browser does not have JavaScript" "Store locator" "Sign In" "Pay Monthly tariffs" "© 2012 Telef" "Upgrade your phone")
for sel in "" "div.leftContainer"; do
  args=(extract --format jsonl "$raw")
  [ -n "$sel" ] && args+=(--select "$sel")
  text=$("$bin" "${args[@]}" | sed -E 's/.*"text":"(([^"\\]|\\.)*)".*/\1/')
  check "O2 2012 raw page${sel:+ (select $sel)}" "$text" "${want[@]}" -- "${chrome[@]}"
  echo "real-markup: O2 2012 raw page${sel:+ (select $sel)}: $(wc -l <<<"$text") clauses"
done

# Markdown snapshots: link targets and markup must not reach the text.
while IFS= read -r -d '' md; do
  text=$("$bin" extract --format jsonl "$md")
  if grep -qE '\]\(https?:|\*\*' <<<"$text"; then
    echo "real-markup: $md: Markdown markup leaked into the text"; fail=1
  fi
done < <(find "$policies" -name '*.md' -print0)
echo "real-markup: Markdown documents checked"
exit $fail
