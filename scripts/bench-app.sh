#!/usr/bin/env bash
# Whole-app start-up and memory, side by side with a bare Tauri 2 app (bench/bare-tauri: one
# window the same size whose page calls one command on load), in one run, release builds, under
# Xvfb. Afterword runs on the one-incident example and on the benchmark dataset (10,000 incidents,
# 200,000 people, 1,000,000 contributions).
#
# For each run: milliseconds from process start until the page reports itself shown (Afterword:
# the incident list painted, logged as `view=incidents elapsed_ms=N` through `mark_shown`; bare:
# `view=shown elapsed_ms=N`), and the proportional set size (PSS: sum of `Pss:` in
# /proc/PID/smaps_rollup) of the app and all its descendant processes (the WebKit web and network
# processes) once shown and settled. The three are interleaved run by run so drift hits all alike;
# medians of RUNS runs, ratios against bare. Afterword's start-up milestones (`startup=` and
# `view=` lines of its log) are printed as medians too: where the time goes.
#
# Usage: scripts/bench-app.sh [RUNS]   (default 5; builds the UI, both release apps and the CLI first)
#   BENCH_NO_BUILD=1   skip the builds (use what is in target/release)
#   BENCH_KEEP=1       keep the datasets and the apps' logs; BENCH_WORK=DIR reuses them
#   BENCH_BASELINE=APP also run another afterword-app binary (e.g. an earlier build kept aside)
#                      in the same rounds: rows example-base and large-base
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

# The process and all its descendants (WebKit runs its web and network processes as children).
tree_pids() {
  local pids=("$1") i=0
  while ((i < ${#pids[@]})); do
    mapfile -t -O "${#pids[@]}" pids < <(pgrep -P "${pids[$i]}" || true)
    i=$((i + 1))
  done
  echo "${pids[*]}"
}

# PSS (KiB) of a process tree: shared pages are split between the processes that map them.
tree_pss() {
  local pid total=0 kib
  for pid in $(tree_pids "$1"); do
    kib=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true)
    total=$((total + ${kib:-0}))
  done
  echo "$total"
}

median() { sort -n | awk '{a[NR] = $1} END {if (NR) print a[int((NR + 1) / 2)]; else print "-"}'; }

one_run() { # bare|example|large[-base] -> "ms pss_kib"; the app's log stays in $work/NAME.RUN.log
  local name=$1 run=$2 log="$work/$1.$2.log" pattern app=target/release/afterword-app
  : >"$log"
  if [[ $name == *-base ]]; then
    app=$baseline name=${name%-base}
  fi
  if [[ $name == bare ]]; then
    pattern='view=shown elapsed_ms='
    XDG_CONFIG_HOME="$work/config-bare" XDG_CACHE_HOME="$work/cache-bare" XDG_DATA_HOME="$work/data-bare" \
      target/release/bare-tauri >"$log" 2>&1 &
  else
    pattern='view=incidents elapsed_ms='
    RUST_LOG=info XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache" \
      "$app" --data-dir "$work/$name" >"$log" 2>&1 &
  fi
  local pid=$! waited=0
  until grep -q "$pattern" "$log"; do
    sleep 0.05; waited=$((waited + 1))
    ((waited < 600)) || { echo "$name was not shown within 30 s" >&2; cat "$log" >&2; kill $pid; exit 1; }
  done
  local ms; ms=$(grep -o "${pattern}[0-9]*" "$log" | head -1 | grep -o '[0-9]*$')
  sleep 1.5 # let WebKit settle before reading memory
  echo "$ms $(tree_pss $pid)"
  kill $pid; wait $pid 2>/dev/null || true
}

bench() {
  local names=(bare example large) name r ms kib
  [[ -z "$baseline" ]] || names+=(example-base large-base)
  declare -A times pss
  for ((r = 0; r < runs; r++)); do
    for name in "${names[@]}"; do
      read -r ms kib < <(one_run $name $r)
      times[$name]+="$ms "; pss[$name]+="$kib "
    done
  done
  local bare_ms bare_kib
  bare_ms=$(printf '%s\n' ${times[bare]} | median)
  bare_kib=$(printf '%s\n' ${pss[bare]} | median)
  printf '\n%-8s %-28s %8s %6s %9s %6s\n' "" "shown after (ms), each run" "median" "ratio" "PSS MiB" "ratio"
  for name in "${names[@]}"; do
    local m k
    m=$(printf '%s\n' ${times[$name]} | median)
    k=$(printf '%s\n' ${pss[$name]} | median)
    printf '%-8s %-28s %8s %6s %9.1f %6s\n' "$name" "${times[$name]}" "$m" \
      "$(awk -v a="$m" -v b="$bare_ms" 'BEGIN {printf "%.2fx", a / b}')" "$(awk -v k="$k" 'BEGIN {print k / 1024}')" \
      "$(awk -v a="$k" -v b="$bare_kib" 'BEGIN {printf "%.2fx", a / b}')"
  done

  # Where Afterword's time goes: median ms of each milestone its log names, in order.
  for name in example large; do
    printf '\n%s: start-up milestones (median ms since process start)\n' "$name"
    cat "$work/$name".*.log | sed 's/\x1b\[[0-9;]*m//g' |
      grep -oE '(startup="?[^"=]*"?|view=[a-z-]+) elapsed_ms=[0-9]+' |
      sed -E 's/startup="?([^"]*)"? elapsed_ms=/\1|/; s/view=([a-z-]+) elapsed_ms=/view \1|/' |
      awk -F'|' '{v[$1] = v[$1] " " $2} END {for (k in v) print k "|" v[k]}' |
      while IFS='|' read -r what values; do
        printf '%s|%s\n' "$(printf '%s\n' $values | median)" "$what"
      done | sort -n | awk -F'|' '{printf "  %6s  %s\n", $1, $2}'
  done
}

# The measurements run inside Xvfb and a private session bus: this script calls itself there.
if [[ "${1:-}" == --inside ]]; then
  work=$2 runs=$3 baseline=${BENCH_BASELINE:-}
  bench
  exit
fi

runs=${1:-5}
if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
  (cd ui && npm run build >/dev/null)
  # One cargo invocation for both apps, so they share one build of tauri (same features).
  cargo build --release --quiet -p afterword-app -p bare-tauri \
    --features afterword-app/custom-protocol,bare-tauri/custom-protocol
  cargo build --release -p afterword-cli --quiet
fi
# What the first view loads (the entry and its preloads; other screens are chunks loaded later).
initial_js=$(grep -oE '(src|href)="\./assets/[^"]+\.js"' ui/dist/index.html | sed -E 's/.*"\.\/(.*)"/ui\/dist\/\1/')
printf 'JS at start-up: %s KiB (gzip %s KiB) of %s KiB in all; CSS: %s KiB\n' \
  "$(cat $initial_js | wc -c | awk '{printf "%.0f", $1 / 1024}')" \
  "$(cat $initial_js | gzip -c | wc -c | awk '{printf "%.0f", $1 / 1024}')" \
  "$(cat ui/dist/assets/*.js | wc -c | awk '{printf "%.0f", $1 / 1024}')" \
  "$(cat ui/dist/assets/*.css | wc -c | awk '{printf "%.0f", $1 / 1024}')"

if [[ -n "${BENCH_WORK:-}" ]]; then
  work=$BENCH_WORK # the datasets (and logs) of an earlier BENCH_KEEP=1 run
else
  work=$(mktemp -d /tmp/afterword-bench.XXXXXX)
  if [[ -n "${BENCH_KEEP:-}" ]]; then
    echo "datasets and logs kept in $work (BENCH_WORK=$work reuses them)"
  else
    trap 'rm -rf "$work"' EXIT
  fi
  for dataset in example large; do
    mkdir -p "$work/$dataset"
    if [[ $dataset == large ]]; then
      /usr/bin/time -f "generated the large dataset in %e s" target/release/afterword --data-dir "$work/large" generate >/dev/null
    else
      target/release/afterword --data-dir "$work/example" example >/dev/null
    fi
  done
fi

export WEBKIT_DISABLE_COMPOSITING_MODE=1 NO_AT_BRIDGE=1 GTK_USE_PORTAL=0
xvfb-run --auto-servernum --server-args='-screen 0 1440x900x24' \
  dbus-run-session --config-file=tests/e2e/session-bus.conf -- "$self" --inside "$work" "$runs"
