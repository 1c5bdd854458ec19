#!/usr/bin/env bash
# Runs `orgcheck diff` and `orgcheck check` over the real policy histories in ../shared/data/policies
# (when present) and checks that the reports say what a reader of the two versions would:
#   - giffgaff 2013 → 2016 differs by one typo fix: a change, but not in meaning;
#   - Tesco Mobile 2014 → 2015 differs by a breadcrumb line above the policy;
#   - O2's seven ToSBack versions (2012-10 → 2013-06): page markup, navigation and an address change,
#     never a change in meaning, each report short enough to read in a minute;
#   - O2 2014 → 2017: real meaning changes (location, opt-out), listed first;
#   - the same O2 history served one version at a time by a local HTTP server, through
#     `orgcheck check --live` as a nightly CI job would see it, then O2's 2014 and 2017 policies, and
#     `orgcheck history` over all nine texts (HISTORY_HTML=FILE keeps its HTML page).
# Usage: scripts/real-histories.sh [ORGCHECK_BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/release/orgcheck}")
policies=$(realpath ../shared/data/policies 2>/dev/null || true)
if [ -z "$policies" ] || [ ! -d "$policies" ]; then
  echo "real-histories: no ../shared/data/policies; skipped"
  exit 0
fi
fail=0
say() { echo "real-histories: $*"; }
bad() { echo "real-histories: FAIL: $*"; fail=1; }
# expect_exit CODE NAME CMD...: runs CMD (output discarded) and checks its exit status.
expect_exit() {
  local want=$1 name=$2 got=0
  shift 2
  "$@" >/dev/null 2>&1 || got=$?
  [ "$got" = "$want" ] || bad "$name: exit $got, expected $want"
}
# count KEY JSON: the first number after "KEY": in pretty-printed JSON.
count() { grep -m1 -oE "\"$1\": [0-9]+" <<<"$2" | grep -oE '[0-9]+$'; }

# giffgaff: one typo fix ("SeeDisclosure" → "See Disclosure").
g=$policies/giffgaff/citp-historical
json=$("$bin" diff "$g"/*2013-06-23.md "$g"/*2016-11-23.md --format json)
[ "$(count changed "$json")" = 1 ] && [ "$(count added "$json")" = 0 ] && [ "$(count removed "$json")" = 0 ] ||
  bad "giffgaff: expected exactly one changed clause"
grep -q '"meaning_changed": false' <<<"$json" || bad "giffgaff: the typo fix must not change the meaning"
grep -q '"text": "SeeDisclosure"' <<<"$json" || bad "giffgaff: the word diff should show the typo"
expect_exit 0 "giffgaff --fail-on meaning" "$bin" diff "$g"/*2013-06-23.md "$g"/*2016-11-23.md --fail-on meaning
expect_exit 1 "giffgaff --fail-on any" "$bin" diff "$g"/*2013-06-23.md "$g"/*2016-11-23.md --fail-on any
say "giffgaff 2013 → 2016: one typo fix, no change in meaning"

# Tesco Mobile: a breadcrumb line.
t=$policies/tesco-mobile/citp-historical
json=$("$bin" diff "$t"/*2014-06-17.md "$t"/*2015-06-07.md --format json)
[ "$(count removed "$json")" = 1 ] && [ "$(count added "$json")" = 0 ] && [ "$(count changed "$json")" = 0 ] ||
  bad "tesco-mobile: expected one removed clause and nothing else"
grep -q '"text": "You are here: About us' <<<"$json" || bad "tesco-mobile: the removed clause should be the breadcrumb"
expect_exit 0 "tesco-mobile --fail-on meaning" "$bin" diff "$t"/*2014-06-17.md "$t"/*2015-06-07.md --fail-on meaning
say "tesco-mobile 2014 → 2015: the breadcrumb line, no change in meaning"

# O2's ToSBack history, pair by pair.
o=$policies/o2-uk/tosback2
mapfile -t versions < <(ls "$o"/privacy-policy_*.txt | sort)
[ "${#versions[@]}" = 7 ] || bad "o2: expected 7 versions, found ${#versions[@]}"
for ((i = 1; i < ${#versions[@]}; i++)); do
  a=${versions[i - 1]} b=${versions[i]}
  name="o2 $(basename "$a" .txt | sed 's/privacy-policy_//') → $(basename "$b" .txt | sed 's/privacy-policy_//')"
  report=$(COLUMNS=100 "$bin" diff "$a" "$b" --color never)
  lines=$(wc -l <<<"$report")
  [ "$lines" -le 60 ] || bad "$name: a $lines-line report is too long to take in"
  sed -n 2p <<<"$report" | grep -qE '^(Meaning changes:|No change in meaning)' || bad "$name: the meaning summary must come first"
  expect_exit 0 "$name --fail-on meaning" "$bin" diff "$a" "$b" --fail-on meaning
  say "$name: $(sed -n 3p <<<"$report") ($lines lines)"
done
# The first pair differs only by HTML tags the crawler started keeping.
expect_exit 0 "o2 2012-10-04 → 2012-10-10 (markup only) --fail-on any" "$bin" diff "${versions[0]}" "${versions[1]}" --fail-on any

# O2 2014 → 2017: meaning changes, on top.
c=$policies/o2-uk/citp-historical
report=$(COLUMNS=100 "$bin" diff "$c"/*2014-06-30.md "$c"/*2017-06-30.md --color never)
sed -n 2p <<<"$report" | grep -q '^Meaning changes:' || bad "o2 2014 → 2017: meaning changes must be listed first"
grep -q 'location: ' <<<"$report" || bad "o2 2014 → 2017: the location change is missing"
expect_exit 1 "o2 2014 → 2017 --fail-on meaning" "$bin" diff "$c"/*2014-06-30.md "$c"/*2017-06-30.md --fail-on meaning
say "o2 2014 → 2017: $(sed -n 2,6p <<<"$report" | tr '\n' ' ')"

# The O2 history through `orgcheck check --live`, one version a night, from a local server.
if command -v python3 >/dev/null; then
  work=$(mktemp -d)
  trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
  mkdir -p "$work/site" "$work/providers"
  cp "${versions[0]}" "$work/site/privacy-policy.txt"
  (cd "$work/site" && exec python3 -u -m http.server 0 --bind 127.0.0.1 >"$work/server.log" 2>&1) &
  server=$!
  port=
  for _ in $(seq 50); do
    port=$(grep -oE 'port [0-9]+' "$work/server.log" 2>/dev/null | grep -oE '[0-9]+' || true)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { bad "check --live: the local server did not start"; exit 1; }
  printf 'name = "O2 (history)"\n[[documents]]\nid = "privacy-policy"\nurl = "http://127.0.0.1:%s/privacy-policy.txt"\n' \
    "$port" >"$work/providers/o2.toml"
  statuses=()
  for ((i = 0; i < ${#versions[@]}; i++)); do
    cp "${versions[i]}" "$work/site/privacy-policy.txt"
    # One version a night: the server's Last-Modified (whole seconds) must move on.
    touch -d "@$((1350000000 + i * 86400))" "$work/site/privacy-policy.txt"
    code=0
    json=$("$bin" check --live --format json --fail-on meaning --only-providers "$work/providers" --store "$work/store" -q) || code=$?
    [ "$code" = 0 ] || bad "check --live night $((i + 1)): exit $code (no night changes O2's meaning)"
    statuses+=("$(grep -m1 -oE '"status": "[a-z]+"' <<<"$json" | cut -d'"' -f4)")
  done
  want="new unchanged changed changed changed changed changed"
  [ "${statuses[*]}" = "$want" ] || bad "check --live over the O2 history: got '${statuses[*]}', expected '$want'"
  say "check --live over the O2 history: ${statuses[*]}"
  "$bin" diff o2 --store "$work/store" --color never | grep -q 'Reynoldston Close' ||
    bad "diff o2 --store: the latest two versions should show the new address"
  # Then O2's 2014 and 2017 policies, two more nights: the history shows when practices came and went.
  for ((j = 0; j < 2; j++)); do
    f=$([ "$j" = 0 ] && echo "$c"/*2014-06-30.md || echo "$c"/*2017-06-30.md)
    cp $f "$work/site/privacy-policy.txt"
    touch -d "@$((1350000000 + (${#versions[@]} + j) * 86400))" "$work/site/privacy-policy.txt"
    "$bin" check --live --only-providers "$work/providers" --store "$work/store" -q >/dev/null || true
  done
  hjson=$("$bin" history o2 --store "$work/store" --format json)
  [ -n "${HISTORY_JSON:-}" ] && printf "%s" "$hjson" >"$HISTORY_JSON"
  read -r nversions nsteps last_to location_turns < <(python3 -c '
import json, sys
h = json.load(sys.stdin)
turns = [t for p in h["practices"] if p["tag"] == "location" for t in p["turns"]]
print(len(h["versions"]), len(h["steps"]), h["steps"][-1]["to"] if h["steps"] else -1, len(turns))' <<<"$hjson")
  # Every differing text is a version, noise-only ones too: the seven ToSBack texts, 2014, 2017.
  [ "$nversions" = 9 ] || bad "history o2: $nversions versions, expected 9 (seven ToSBack texts, 2014, 2017)"
  [ "$last_to" = 8 ] || bad "history o2: the 2014 → 2017 step should change the findings"
  [ "$location_turns" -ge 2 ] || bad "history o2: location should appear or disappear at least twice (got $location_turns)"
  "$bin" history o2 --store "$work/store" --format html >"$work/history.html"
  grep -q '<svg' "$work/history.html" && grep -q 'href="#step-' "$work/history.html" ||
    bad "history o2 --format html: the timeline and its links are missing"
  [ -n "${HISTORY_HTML:-}" ] && cp "$work/history.html" "$HISTORY_HTML"
  say "history o2: $nversions versions, $nsteps steps changed the findings, location turned $location_turns times"
  expect_exit 0 "check --update-baseline" "$bin" check --only-providers "$work/providers" --store "$work/store" --update-baseline -q
  expect_exit 0 "check against the new baseline" "$bin" check --only-providers "$work/providers" --store "$work/store" -q

  # The same nine texts imported from the archive files, newest first: the store puts them in date order,
  # dates them by the archive's days, and the history's events fall where the policy changed.
  files=("${versions[@]}" "$c"/*2014-06-30.md "$c"/*2017-06-30.md)
  for ((k = ${#files[@]} - 1; k >= 0; k--)); do
    f=${files[k]}
    d=$(basename "$f" | grep -oE '[0-9]{4}-[0-9]{2}-[0-9]{2}')
    # ToSBack's two captures of 2012-11-20 are one day apart in its own index; the second is filed a day later.
    [[ "$f" == *_2.txt ]] && d=2012-11-21
    expect_exit 0 "import $(basename "$f")" "$bin" import o2/privacy-policy "$f" --date "$d" --store "$work/imported" -q
  done
  ijson=$("$bin" history o2 --store "$work/imported" --format json)
  read -r iversions first_day event_versions < <(python3 -c '
import json, sys
h = json.load(sys.stdin)
print(len(h["versions"]), h["versions"][0]["date"][:10], ",".join(sorted({str(e["version"]) for e in h["events"]})) or "-")' <<<"$ijson")
  [ "$first_day" = 2012-10-04 ] || bad "history of the imported O2: the first version should be dated 2012-10-04, not $first_day"
  last=$((iversions - 1))
  for v in ${event_versions//,/ }; do
    [ "$v" = - ] && break
    [ "$v" -ge $((last - 1)) ] || bad "history of the imported O2: an event at version $v, inside the ToSBack crawls, where no practice changed"
  done
  [[ ",$event_versions," == *",$last,"* ]] || bad "history of the imported O2: no event at the 2017 version"
  say "history of the imported O2: $iversions versions from $first_day, events at versions $event_versions"
else
  say "no python3 for a local server: check --live part skipped"
fi

[ "$fail" = 0 ] && say "all good"
exit "$fail"
