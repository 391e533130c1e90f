#!/usr/bin/env bash
# Load figures for the controller core (docs/performance.md): login and an
# authorized GET under wrk, 32 connections on loopback, for SQLite and for a
# throwaway Postgres. Bounded: each run lasts DURATION (default 20s).
# Usage: test/load/core.sh   (after make build; needs wrk and Postgres binaries)
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION="${DURATION:-20s}"
CONNS="${CONNS:-32}"
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)"; exit 1; }
[[ -x bin/rakkr ]] || make build-go >/dev/null
work=$(mktemp -d /tmp/rakkr-load.XXXXXX)
pgdir=$(mktemp -d /tmp/rakkr-load-pg.XXXXXX) # its own dir: the postgres user must reach it
cleanup() { [[ -n "${pid:-}" ]] && kill "$pid" 2>/dev/null || true; scripts/pg.sh stop "$pgdir"; rm -rf "$work"; }
trap cleanup EXIT

cat > "$work/login.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"load@example.org","password":"load-password-123"}'
LUA
cat > "$work/bearer.lua" <<LUA
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
LUA

run_store() {
  local name="$1"; shift
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  env "$@" RAKKR_LISTEN=127.0.0.1:$port RAKKR_DEV=true RAKKR_LOG_LEVEL=error \
    RAKKR_ADMIN_EMAIL=load@example.org RAKKR_ADMIN_PASSWORD=load-password-123 \
    RAKKR_LOGIN_MAX_FAILURES=1000000 bin/rakkr serve >"$work/$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  local url="http://127.0.0.1:$port"
  TOKEN=$(curl -s "$url/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"email":"load@example.org","password":"load-password-123"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
  export TOKEN
  echo "### $name"
  echo "#### POST /api/v1/auth/login (argon2id verify + session + audit row)"
  wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s "$work/login.lua" "$url/api/v1/auth/login" | grep -E 'Requests/sec|^ +(50|99)%|Non-2xx'
  echo "#### GET /api/v1/auth/me (authenticated, no audit row)"
  wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s "$work/bearer.lua" "$url/api/v1/auth/me" | grep -E 'Requests/sec|^ +(50|99)%|Non-2xx'
  echo "#### GET /api/v1/auth/users?limit=10 (authenticated + Casbin decision + audit row + query)"
  wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s "$work/bearer.lua" "$url/api/v1/auth/users?limit=10" | grep -E 'Requests/sec|^ +(50|99)%|Non-2xx'
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
}

run_store sqlite RAKKR_DATA_DIR="$work/sqlite"
dsn=$(scripts/pg.sh start "$pgdir")
run_store postgres RAKKR_DATABASE_URL="$dsn" RAKKR_DATA_DIR="$work/pgdata"
