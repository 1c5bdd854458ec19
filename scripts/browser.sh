#!/usr/bin/env bash
# Renders the HTML reports (compare, diff, check, history, lint) in headless Chromium and checks what a reader's
# browser would do with them:
#   1. the DOM Chromium parsed (--dump-dom) has every provider, the verdict badges and the highlights,
#      and for diff and check the meaning summary and the word-level insertions;
#   2. a report of hostile text (script tags, an onerror attribute, a javascript: link, a bidi override)
#      runs no script and shows the text as text;
#   3. at 1280 px and at 390 px (a phone) the page has no horizontal overflow.
# Installs Debian's chromium with apt when neither $ORGCHECK_CHROMIUM nor chromium is found. Writes
# screenshots of the compare report at both widths into $BROWSER_SHOTS (default: a temporary
# directory), e.g. BROWSER_SHOTS=docs/img to refresh the README's.
# Usage: scripts/browser.sh [ORGCHECK_BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/release/orgcheck}")
say() { echo "browser: $*"; }
fail() { say "FAIL: $*"; exit 1; }

chromium=${ORGCHECK_CHROMIUM:-$(command -v chromium || true)}
if [ -z "$chromium" ]; then
  say "installing Debian's chromium"
  { sudo -n apt-get install -y chromium || apt-get install -y chromium ||
    { (sudo -n apt-get update || apt-get update) && (sudo -n apt-get install -y chromium || apt-get install -y chromium); }
  } >/dev/null 2>&1 || fail "apt could not install chromium"
  chromium=$(command -v chromium)
fi
work=$(mktemp -d)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"; }
trap cleanup EXIT
headless() { timeout 60 "$chromium" --headless=new --no-sandbox --disable-gpu --no-first-run \
  --user-data-dir="$work/profile" --hide-scrollbars "$@" 2>/dev/null; }

# The reports.
"$bin" compare --format html >"$work/compare.html"
mkdir -p "$work/evil/evil"
cat >"$work/evil/evil.toml" <<'TOML'
name = "Evil <b>Corp</b>"
[[documents]]
id = "privacy-policy"
url = "https://evil.example/privacy"
snapshot = "evil/p.txt"
[[statements]]
text = "We never share your data. <script>window.pwned = 1; document.title = 'pwned'</script> </textarea><img src=x onerror=\"document.title='pwned'\">"
source = "letter"
date = "2026"
TOML
printf 'We may share your data with advertisers <script>document.title="pwned"</script> (see <a href="javascript:document.title=1">this</a>) and \xe2\x80\xaepartners.\n' \
  >"$work/evil/evil/p.txt"
"$bin" compare --format html --only-providers "$work/evil" >"$work/hostile.html"
# diff, check and history: O2's real 2014 and 2017 policies when ../shared is there, else two versions
# of our own, the second sharing location with advertisers.
real=../shared/data/policies/o2-uk/citp-historical
if [ -f "$real/o2.co.uk_privacy-policy_2014-06-30.md" ]; then
  cp "$real/o2.co.uk_privacy-policy_2014-06-30.md" "$work/v1.txt"
  cp "$real/o2.co.uk_privacy-policy_2017-06-30.md" "$work/v2.txt"
  say "diff, check and history on O2's 2014 and 2017 policies"
else
  cp providers/o2/privacy-policy-2014.txt "$work/v1.txt"
  { cat providers/o2/privacy-policy-2014.txt; echo; echo "We may share your precise location with advertisers."; } >"$work/v2.txt"
  sed -i 's/We may pass Aggregated Data/We may pass aggregated data/' "$work/v2.txt"
fi
"$bin" lint "$work/v1.txt" --format html >"$work/lint.html"
set +e
"$bin" diff "$work/v1.txt" "$work/v2.txt" --format html >"$work/diff.html"
set -e

# 1. The parsed DOM.
headless --dump-dom "file://$work/compare.html" >"$work/compare.dom"
for id in $("$bin" providers --format json | python3 -c 'import json,sys; print(" ".join(p["id"] for p in json.load(sys.stdin)["providers"]))'); do
  grep -q "<section id=\"p-$id\">" "$work/compare.dom" || fail "no section for $id in the parsed DOM"
done
for needle in 'class="badge v-contradiction">contradiction<' 'class="badge v-narrow-denial">narrow-denial<' \
  '<mark>sell customer data</mark>' 'denies: sell · customer data │ policy permits: provide'; do
  grep -qF "$needle" "$work/compare.dom" || fail "the parsed DOM lacks $needle"
done
say "compare: the parsed DOM has every provider, the badges, the highlights and the scope lines"

# A control page the checks must catch: too wide, with a script that runs.
printf '<!DOCTYPE html><html><head><title>t</title></head><body><div style="width:2000px">wide</div><script>window.pwned = 1</script></body></html>' \
  >"$work/control.html"

# 2 and 3. A harness served from 127.0.0.1 loads each report in a frame of each width and reports what
# it finds; Chromium's dump of the harness carries the results.
cat >"$work/harness.html" <<'HTML'
<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><pre id="out"></pre><script>
const cases = [["compare.html", 1280], ["compare.html", 390], ["hostile.html", 1280], ["hostile.html", 390],
  ["diff.html", 1280], ["diff.html", 390], ["check.html", 1280], ["check.html", 390],
  ["history.html", 1280], ["history.html", 390], ["lint.html", 1280], ["lint.html", 390], ["control.html", 390]];
const out = document.getElementById("out");
let pending = cases.length;
for (const [page, width] of cases) {
  const f = document.createElement("iframe");
  f.style.width = width + "px"; f.style.height = "800px"; f.style.border = "0";
  f.onload = () => {
    const d = f.contentDocument, e = d.documentElement;
    const overflow = e.scrollWidth - e.clientWidth;
    const scripts = d.querySelectorAll("script, img, iframe").length;
    const ran = f.contentWindow.pwned === 1 || d.title === "pwned" || d.title === "1";
    const text = d.body.textContent;
    out.textContent += `${page} ${width} overflow=${overflow} elements=${scripts} ran=${ran} ` +
      `text=${text.includes("<script>") && text.includes("onerror=")}\n`;
    if (--pending === 0) out.textContent += "done\n";
  };
  f.src = page;
  document.body.appendChild(f);
}
</script></body></html>
HTML
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$work" "$port" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $port))" 2>/dev/null && break; sleep 0.1; done
# check: a provider whose policy is served here, fetched once, then changed and checked live.
mkdir -p "$work/decl" "$work/site"
cp "$work/v1.txt" "$work/site/policy.txt"
printf 'name = "Local"\n[[documents]]\nid = "privacy-policy"\nurl = "http://127.0.0.1:%s/site/policy.txt"\n' "$port" >"$work/decl/local.toml"
"$bin" fetch --only-providers "$work/decl" --store "$work/store" -q >/dev/null
cp "$work/v2.txt" "$work/site/policy.txt"
# Later than the first fetch, or the server answers "304 Not Modified" to the conditional request.
touch -d "@$(($(date +%s) + 120))" "$work/site/policy.txt"
set +e
"$bin" check --live --only-providers "$work/decl" --store "$work/store" --format html -q >"$work/check.html" 2>"$work/check.err"
set -e
grep -q 'class="badge s-changed">changed<' "$work/check.html" || fail "check: the changed policy is not reported: $(cat "$work/check.err")"
"$bin" history local --store "$work/store" --format html >"$work/history.html"
grep -q '<svg' "$work/history.html" || fail "history: no timeline"
for page in diff check; do
  headless --dump-dom "file://$work/$page.html" >"$work/$page.dom"
  # O2 2014 → 2017 changes who collects GPS location ("we, or partners"): a change of scope.
  for needle in 'What changed in meaning' '<ins>' 'location: \+|scope of location'; do
    grep -qE "$needle" "$work/$page.dom" || fail "$page: the parsed DOM lacks $needle"
  done
  say "$page: the parsed DOM has the meaning summary and the word-level changes"
done

headless --virtual-time-budget=10000 --dump-dom "http://127.0.0.1:$port/harness.html" >"$work/harness.dom"
python3 - "$work/harness.dom" >"$work/results" <<'PY'
import html, re, sys
m = re.search(r'<pre id="out">(.*?)</pre>', open(sys.argv[1], encoding="utf-8").read(), re.S)
print(html.unescape(m.group(1)) if m else "")
PY
grep -q '^done$' "$work/results" || fail "the harness did not finish: $(head -c 400 "$work/harness.dom")"
control=$(grep '^control.html ' "$work/results" || true)
case $control in
  *"overflow=0"* | *"elements=0"* | *"ran=false"*) fail "the checks cannot see a wide page or a script: $control" ;;
esac
while read -r page width overflow elements ran text; do
  [ "$page" = control.html ] && continue
  [ "$overflow" = "overflow=0" ] || fail "$page at $width px overflows horizontally ($overflow px)"
  [ "$elements" = "elements=0" ] || fail "$page at $width px has script, img or iframe elements ($elements)"
  [ "$ran" = "ran=false" ] || fail "$page at $width px ran a script"
  case $page in hostile.html) [ "$text" = "text=true" ] || fail "the hostile text is not shown as text" ;; esac
  say "$page at $width px: no overflow, nothing ran"
done < <(grep '\.html ' "$work/results")

# Screenshots.
shots=${BROWSER_SHOTS:-$work/shots}
mkdir -p "$shots"
headless --window-size=1280,1400 --screenshot="$shots/compare-1280.png" "file://$work/compare.html" >/dev/null
headless --window-size=390,1400 --screenshot="$shots/compare-390.png" "file://$work/compare.html" >/dev/null
[ -s "$shots/compare-1280.png" ] && [ -s "$shots/compare-390.png" ] || fail "no screenshots"
say "screenshots in $shots; all good"
