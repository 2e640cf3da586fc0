#!/usr/bin/env bash
# Runs every test: Rust (core, CLI, shell commands, lints), the UI (type check, Vitest), the system
# tests against real mail servers on loopback, then the real app end to end under Xvfb through
# tauri-driver. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n==== %s\n' "$*"; }

# A CI run builds once in a fresh clone: incremental caches would only take disk.
if [[ "${CI:-}" == "true" ]]; then export CARGO_INCREMENTAL=0; fi

step "rustfmt"
cargo fmt --all --check

step "UI: type check, unit tests, build"
(cd ui && npm run check && npm test && npm run build)

step "clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "Rust tests (core, CLI, shell commands, bindings)"
cargo test --workspace --quiet
if [[ "${CI:-}" == "true" ]]; then
  # The test executables have run; the steps after need only the CLI and the shell.
  find target/debug/deps -maxdepth 1 -type f -executable -name '*-*' ! -name '*.so' -delete
  df -h . | tail -n 1
fi

step "system: mail servers on loopback"
dbus-run-session --config-file=tests/e2e/session-bus.conf -- node --test --test-concurrency=1 tests/system/

step "desktop build with bundled UI (debug)"
ui/node_modules/.bin/tauri build --debug --no-bundle >/dev/null

step "end to end: the real app under Xvfb"
export WEBKIT_DISABLE_COMPOSITING_MODE=1 NO_AT_BRIDGE=1 GTK_USE_PORTAL=0
xvfb-run --auto-servernum --server-args='-screen 0 1440x900x24' \
  dbus-run-session --config-file=tests/e2e/session-bus.conf -- node --test --test-concurrency=1 tests/e2e/
