#!/usr/bin/env bash
# make run: starts the controller on the embedded SQLite store in ./data,
# in development mode, and prints the console address and the admin login.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p data
chmod 700 data
pwfile=data/.dev-admin-password
if [[ -z "${RAKKR_ADMIN_PASSWORD:-}" ]]; then
  if [[ ! -s "$pwfile" ]]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$pwfile")
  fi
  export RAKKR_ADMIN_PASSWORD=$(cat "$pwfile")
fi
export RAKKR_ADMIN_EMAIL="${RAKKR_ADMIN_EMAIL:-admin@rakkr.local}"
export RAKKR_DEV="${RAKKR_DEV:-true}"
export RAKKR_DATA_DIR="${RAKKR_DATA_DIR:-./data}"
listen="${RAKKR_LISTEN:-127.0.0.1:8787}"
echo "Rakkr console: http://$listen/"
echo "Admin login:   $RAKKR_ADMIN_EMAIL / $RAKKR_ADMIN_PASSWORD"
echo "(stop with Ctrl-C)"
exec bin/rakkr serve
