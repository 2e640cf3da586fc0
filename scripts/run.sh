#!/usr/bin/env bash
# Builds Afterword (release) and opens it. Extra arguments go to the app, e.g. --data-dir DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
(cd ui && npm run build)
ui/node_modules/.bin/tauri build --no-bundle
exec target/release/afterword-app "$@"
