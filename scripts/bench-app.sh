#!/usr/bin/env bash
# Whole-app start-up and memory on the benchmark dataset (10,000 incidents, 200,000 people,
# 1,000,000 contributions) beside the one-incident example, release build, under Xvfb. For each run: milliseconds from process
# start until the UI reports the incident list on screen (the app logs it), and the resident
# memory of the app with its WebKit processes once the list is shown.
# Usage: scripts/bench-app.sh [RUNS]   (builds the release app and CLI first)
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

# Resident memory (KiB) of a process and all its descendants.
tree_rss() {
  local pids=("$1") i=0
  while ((i < ${#pids[@]})); do
    mapfile -t -O "${#pids[@]}" pids < <(pgrep -P "${pids[$i]}" || true)
    i=$((i + 1))
  done
  ps -o rss= -p "$(IFS=,; echo "${pids[*]}")" | awk '{s += $1} END {print s}'
}

one_run() { # dataset -> "ms rss_kib"
  local dir="$work/$1" log="$work/$1.log"
  RUST_LOG=info XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache" \
    target/release/afterword-app --data-dir "$dir" >"$log" 2>&1 &
  local pid=$! waited=0
  until grep -q 'view=incidents elapsed_ms=' "$log"; do
    sleep 0.05; waited=$((waited + 1))
    ((waited < 600)) || { echo "the incident list was not shown within 30 s" >&2; cat "$log" >&2; kill $pid; exit 1; }
  done
  local ms; ms=$(grep -o 'view=incidents elapsed_ms=[0-9]*' "$log" | head -1 | grep -o '[0-9]*$')
  sleep 1 # let WebKit settle before reading memory
  echo "$ms $(tree_rss $pid)"
  kill $pid; wait $pid 2>/dev/null || true
}

bench() {
  for dataset in example large; do
    local times=() rss=()
    for ((r = 0; r < runs; r++)); do
      read -r ms kib < <(one_run $dataset)
      times+=("$ms"); rss+=("$kib")
    done
    printf '%-6s incident list shown after (ms): %s | median %s | RSS app+WebKit (MiB): %s\n' "$dataset" "${times[*]}" \
      "$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" \
      "$(printf '%s\n' "${rss[@]}" | awk '{printf "%.0f ", $1/1024}')"
  done
}

# The measurements run inside Xvfb and a private session bus: this script calls itself there.
if [[ "${1:-}" == --inside ]]; then
  work=$2 runs=$3
  bench
  exit
fi

runs=${1:-5}
(cd ui && npm run build >/dev/null)
ui/node_modules/.bin/tauri build --no-bundle >/dev/null
cargo build --release -p afterword-cli --quiet

work=$(mktemp -d /tmp/afterword-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
for dataset in example large; do
  mkdir -p "$work/$dataset"
  if [[ $dataset == large ]]; then
    /usr/bin/time -f "generated the large dataset in %e s" target/release/afterword --data-dir "$work/large" generate >/dev/null
  else
    target/release/afterword --data-dir "$work/example" example >/dev/null
  fi
done


export WEBKIT_DISABLE_COMPOSITING_MODE=1 NO_AT_BRIDGE=1 GTK_USE_PORTAL=0
xvfb-run --auto-servernum --server-args='-screen 0 1440x900x24' \
  dbus-run-session --config-file=tests/e2e/session-bus.conf -- "$self" --inside "$work" "$runs"
