#!/usr/bin/env bash
# The big incident in the real window: the benchmark dataset's GEN-000001 (5,000 contributors,
# in a store of 10,000 incidents, 200,000 people and 1,000,000 contributions) opened in the
# release app under Xvfb through tauri-driver. Prints the ms from opening it to the first paint
# of its contributors, the key-to-paint latency of its filter, the ms to paint "Show more", and
# the memory (RSS, PSS) of the WebKit web process with it open; medians of RUNS app launches.
# Targets (issue 6): open ≤ 300 ms, the web process under 300 MB, typing without lag.
#
# Usage: scripts/bench-incident.sh [RUNS]   (default 5; builds the UI, the release app and CLI)
#   BENCH_NO_BUILD=1   skip the builds (use what is in target/release)
#   BENCH_WORK=DIR     use (or make, and keep) the dataset in DIR/large
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
runs=${1:-5}

command -v tauri-driver >/dev/null || scripts/setup.sh --test
if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
  (cd ui && npm run build >/dev/null)
  cargo build --release --quiet -p afterword-app --features afterword-app/custom-protocol
  cargo build --release --quiet -p afterword-cli
fi

if [[ -n "${BENCH_WORK:-}" ]]; then
  work=$BENCH_WORK
else
  work=$(mktemp -d /tmp/afterword-bench-incident.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
if [[ ! -e "$work/large/afterword.db" ]]; then
  mkdir -p "$work/large"
  target/release/afterword --data-dir "$work/large" generate >/dev/null
fi
incident=$(target/release/afterword --data-dir "$work/large" --json incident show GEN-000001 |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["incident"]["id"])')

export WEBKIT_DISABLE_COMPOSITING_MODE=1 NO_AT_BRIDGE=1 GTK_USE_PORTAL=0
export AFTERWORD_APP="$PWD/target/release/afterword-app" AFTERWORD_CLI="$PWD/target/release/afterword"
xvfb-run --auto-servernum --server-args='-screen 0 1440x900x24' \
  dbus-run-session --config-file=tests/e2e/session-bus.conf -- \
  node scripts/bench-incident.mjs "$work/large" "$incident" "$runs"
