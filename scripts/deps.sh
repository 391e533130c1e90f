#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh Debian machine:
# Debian packages (only those missing) and the console's npm packages.
# Usage: scripts/deps.sh [build|test]
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-test}"

need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
# gcc + portaudio19-dev: the agent's cgo PortAudio capture; python3: port picking;
# lame: the agent's MP3 encoder.
pkgs=(ca-certificates gcc pkg-config portaudio19-dev python3 lame)
if [[ "$mode" == "test" ]]; then
  # postgresql: throwaway test cluster; sox/espeak-ng: audio fixtures;
  # jackd2 + libasound2-plugins: the real-time ALSA test device through JACK;
  # prometheus: promtool for metrics checks; wrk: load scripts;
  # chromium: the console's browser test (playwright-core drives /usr/bin/chromium).
  pkgs+=(postgresql sox libsox-fmt-all espeak-ng jackd2 libasound2-plugins prometheus wrk chromium)
fi
for p in "${pkgs[@]}"; do have "$p" || need+=("$p"); done
if ((${#need[@]})); then
  echo "deps: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
go version >/dev/null

# Console packages: npm ci only when the lock file changed since the last install.
if [[ -f frontend/package-lock.json ]]; then
  stamp=frontend/node_modules/.rakkr-lock.sha
  sum=$(sha256sum frontend/package-lock.json | cut -d' ' -f1)
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$sum" ]]; then
    (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
    echo "$sum" > "$stamp"
  fi
fi
