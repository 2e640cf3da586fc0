#!/usr/bin/env bash
# Installs what Afterword needs on Debian 12 and is missing: Debian packages, the UI's npm
# packages and (for tests) tauri-driver. Safe to run again: it skips what is there.
# Usage: scripts/setup.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false
[[ "${1:-}" == "--test" ]] && want_test=true

sudo_if_needed() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

packages=(build-essential pkg-config libwebkit2gtk-4.1-dev libssl-dev libxdo-dev
          libayatana-appindicator3-dev librsvg2-dev curl file)
$want_test && packages+=(webkit2gtk-driver xvfb xauth dbus dbus-x11 xdotool imagemagick python3)
command -v node >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  if [[ -x "$HOME/.cargo/bin/cargo" ]]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    echo "setup: installing the Rust toolchain with rustup"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy,rustfmt
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major < 20)); then
  echo "setup: Node.js 20 or newer is needed (found $(node --version)); install it and run again." >&2
  exit 1
fi

if [[ ! -d ui/node_modules ]] || [[ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]]; then
  echo "setup: installing the UI's npm packages"
  # `npm install`, not `npm ci`: the lock lists the Tauri CLI's binaries for every platform as
  # optional, and `npm ci` refuses a registry that lacks the ones for other platforms.
  (cd ui && npm install --no-audit --no-fund --loglevel=error)
fi

if $want_test && ! command -v tauri-driver >/dev/null; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --version '^2' --locked --quiet
fi
