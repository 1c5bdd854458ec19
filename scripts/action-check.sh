#!/usr/bin/env bash
# The command line of the GitHub Action in ../action.yml: `orgcheck check` with the action's inputs,
# which arrive as environment variables (never spliced into the script, so an input cannot run code).
# It writes GitHub annotations on stdout, a Markdown report to the job summary when the runner gives one
# ($GITHUB_STEP_SUMMARY), and exits as `orgcheck check` does: 0 nothing to report, 1 a change the
# fail-on levels name, 2 an error.
#
# Environment: ORGCHECK_BIN (default: orgcheck on PATH), INPUT_PROVIDERS, INPUT_STORE, INPUT_BASELINE,
# INPUT_FAIL_ON (default: meaning), INPUT_LIVE (true/false), INPUT_UPDATE_BASELINE (true/false).
set -uo pipefail
bin=${ORGCHECK_BIN:-orgcheck}
args=(check --color never)
[ -n "${INPUT_PROVIDERS:-}" ] && args+=(--only-providers "$INPUT_PROVIDERS")
[ -n "${INPUT_STORE:-}" ] && args+=(--store "$INPUT_STORE")
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
args+=(--fail-on "${INPUT_FAIL_ON:-meaning}")
case "${INPUT_LIVE:-false}" in
  true) args+=(--live) ;;
  false | '') ;;
  *) echo "orgcheck action: live must be true or false, not '${INPUT_LIVE}'" >&2; exit 2 ;;
esac
case "${INPUT_UPDATE_BASELINE:-false}" in
  true | false | '') ;;
  *) echo "orgcheck action: update-baseline must be true or false, not '${INPUT_UPDATE_BASELINE}'" >&2; exit 2 ;;
esac

"$bin" "${args[@]}" --format github
status=$?
# A live check has just stored what it fetched: the report and the baseline read the store, with no
# second fetch.
offline=()
for a in "${args[@]}"; do [ "$a" != --live ] && offline+=("$a"); done
if [ "$status" -ne 2 ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  "$bin" "${offline[@]}" --fail-on none --format markdown >> "$GITHUB_STEP_SUMMARY" || true
fi
if [ "$status" -ne 2 ] && [ "${INPUT_UPDATE_BASELINE:-false}" = true ]; then
  "$bin" "${offline[@]}" --fail-on none --update-baseline --format json > /dev/null || exit 2
fi
exit "$status"
