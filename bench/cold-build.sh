#!/usr/bin/env bash
# How long a newcomer's first `cargo build --release` takes: a fresh target directory and, with
# --download, a fresh CARGO_HOME too (so the crates are downloaded as on a new machine). Each VARIANT
# is a set of environment assignments for the build (e.g. "CARGO_PROFILE_RELEASE_LTO=false"); the empty
# variant is the build as configured. Variants run one after the other, in one run, on the same tree.
# For each it prints the wall time and the five slowest compilation units (from `cargo --timings`).
# Usage: bench/cold-build.sh [--download] [VARIANT...]
set -euo pipefail
cd "$(dirname "$0")/.."
download=0
if [ "${1:-}" = "--download" ]; then
  download=1
  shift
fi
[ "$#" -gt 0 ] || set -- ""
ms() { echo $(($(date +%s%N) / 1000000)); }
secs() { printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100)); }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for variant in "$@"; do
  target=$work/target
  rm -rf "$target"
  home=${CARGO_HOME:-$HOME/.cargo}
  if [ "$download" = 1 ]; then
    home=$work/cargo-home
    rm -rf "$home"
    start=$(ms)
    CARGO_HOME=$home cargo fetch --quiet
    fetched=$(($(ms) - start))
  else
    cargo fetch --quiet
    fetched=
  fi
  start=$(ms)
  # shellcheck disable=SC2086 # the variant is a list of assignments
  env $variant CARGO_HOME="$home" CARGO_TARGET_DIR="$target" cargo build --release --quiet --timings 2>/dev/null
  built=$(($(ms) - start))
  printf 'cold-build: %-36s build %s s%s\n' "${variant:-as configured}" "$(secs "$built")" \
    "${fetched:+, download $(secs "$fetched") s}"
  python3 - "$target/cargo-timings/cargo-timing.html" <<'EOF'
import json, re, sys
page = open(sys.argv[1]).read()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", page, re.S).group(1))
for u in sorted(units, key=lambda u: -u["duration"])[:5]:
    print(f"cold-build:     {u['name']} {u['version']} {u.get('target', '').strip()}: {u['duration']:.1f} s")
EOF
done
