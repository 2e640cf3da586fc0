#!/usr/bin/env bash
# Installs what Afterword needs on Debian 12 and is missing: Debian packages, the UI's npm
# packages and (for tests) the tests' npm packages and tauri-driver. Safe to run again: it skips
# what is there.
# Usage: scripts/setup.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false
[[ "${1:-}" == "--test" ]] && want_test=true

sudo_if_needed() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

packages=(build-essential pkg-config libwebkit2gtk-4.1-dev libssl-dev libxdo-dev
          libayatana-appindicator3-dev librsvg2-dev curl file
          fonts-inter fonts-dejavu-core)
$want_test && packages+=(webkit2gtk-driver xvfb xauth dbus dbus-x11 xdotool imagemagick python3
                         postfix dovecot-core dovecot-submissiond gnome-keyring libsecret-tools
                         openssl procps poppler-utils)
command -v node >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # Postfix asks how it should deliver mail: a local-only system, so it never relays anything.
  printf '%s\n' 'postfix postfix/main_mailer_type select Local only' \
    'postfix postfix/mailname string afterword.test' | sudo_if_needed debconf-set-selections
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if $want_test; then
  # The system tests run private Postfix and Dovecot instances (tests/system/mailserver.mjs) on
  # ports chosen at run time. The Debian system services are not needed: stop them if the
  # package scripts started them (there is often no systemd here, so they run as plain daemons)
  # and keep them from starting at boot, so they neither hold ports 25/587 nor share state.
  for service in postfix dovecot; do
    if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
      sudo_if_needed systemctl disable --now --quiet "$service" 2>/dev/null || true
    else
      [[ -x /etc/init.d/$service ]] && sudo_if_needed update-rc.d "$service" disable >/dev/null 2>&1 || true
    fi
  done
  if sudo_if_needed postfix -c /etc/postfix status >/dev/null 2>&1; then
    sudo_if_needed postfix -c /etc/postfix stop >/dev/null 2>&1 || true
  fi
  if [[ -f /run/dovecot/master.pid ]] && sudo_if_needed kill -0 "$(cat /run/dovecot/master.pid)" 2>/dev/null; then
    sudo_if_needed doveadm -c /etc/dovecot/dovecot.conf stop >/dev/null 2>&1 || true
  fi
  # The private Postfix delivers into the test's Maildir as this unprivileged user.
  getent passwd afterwordmail >/dev/null ||
    sudo_if_needed useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin afterwordmail
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

if $want_test && { [[ ! -d tests/node_modules ]] || [[ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]]; }; then
  echo "setup: installing the tests' npm packages"
  # The OAuth 2.0 authorization server of tests/system/oauth.mjs (oauth2-mock-server), exactly as locked.
  (cd tests && npm ci --no-audit --no-fund --loglevel=error)
fi

if $want_test && ! command -v tauri-driver >/dev/null; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --version '^2' --locked --quiet
fi
