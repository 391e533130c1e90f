#!/usr/bin/env bash
# make run: starts the controller on the embedded SQLite store in ./data in
# development mode, enrolls one local agent (default PortAudio input, or the
# clearly labelled demo signal when this machine has no input device), and
# prints the console address and the admin login. Ctrl-C stops both.
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
export RAKKR_LISTEN="${RAKKR_LISTEN:-127.0.0.1:8787}"
url="http://$RAKKR_LISTEN"
agent_dir="$RAKKR_DATA_DIR/agent"

bin/rakkr serve &
ctl=$!
agent=
trap 'kill $agent $ctl 2>/dev/null || true; wait 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 150); do curl -sf "$url/healthz" >/dev/null && break; sleep 0.1; done
curl -sf "$url/healthz" >/dev/null || { echo "the controller did not start"; exit 1; }

if [[ ! -s "$agent_dir/credential.json" ]]; then
  token=$(curl -sf "$url/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$RAKKR_ADMIN_EMAIL\",\"password\":\"$RAKKR_ADMIN_PASSWORD\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/')
  bootstrap=$(curl -sf "$url/api/v1/nodes/enroll" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"alias\":\"$(hostname)-local\",\"site\":\"local\"}" | sed -E 's/.*"bootstrapToken":"([^"]+)".*/\1/')
  bin/rakkr-agent enroll --controller "$url" --token "$bootstrap" --data-dir "$agent_dir"
fi
bin/rakkr-agent run --data-dir "$agent_dir" &
agent=$!

echo
echo "Rakkr console: $url/"
echo "Admin login:   $RAKKR_ADMIN_EMAIL / $RAKKR_ADMIN_PASSWORD"
echo "Local agent:   enrolled from $agent_dir (see its inventory on the Nodes page)"
echo "(stop with Ctrl-C)"
wait "$ctl"
