#!/usr/bin/env bash
# Library figures (docs/performance.md): 100,000 recordings seeded into a
# throwaway Postgres, then list, search, filter and facet requests under wrk
# (8 connections, loopback). Bounded: each run lasts DURATION (default 15s).
# Usage: test/load/library.sh   (after make build; needs wrk and Postgres)
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION="${DURATION:-15s}"
CONNS="${CONNS:-8}"
ROWS="${ROWS:-100000}"
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)"; exit 1; }
[[ -x bin/rakkr ]] || make build-go >/dev/null
work=$(mktemp -d /tmp/rakkr-library.XXXXXX)
pgdir=$(mktemp -d /tmp/rakkr-library-pg.XXXXXX)
cleanup() { [[ -n "${pid:-}" ]] && kill "$pid" 2>/dev/null || true; scripts/pg.sh stop "$pgdir"; rm -rf "$work"; }
trap cleanup EXIT
dsn=$(scripts/pg.sh start "$pgdir")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
url="http://127.0.0.1:$port"
RAKKR_DATABASE_URL="$dsn" RAKKR_DATA_DIR="$work/data" RAKKR_LISTEN=127.0.0.1:$port RAKKR_DEV=true RAKKR_LOG_LEVEL=error \
  RAKKR_ADMIN_EMAIL=load@example.org RAKKR_ADMIN_PASSWORD=load-password-123 bin/rakkr serve >"$work/rakkr.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "$url/healthz" >/dev/null && break; sleep 0.1; done

echo "seeding $ROWS recordings"
psql -q "$dsn" <<SQL
INSERT INTO recordings (id, name, name_key, search_text, folder, tags, notes, source, status, health, node_id, room_id, profile_id,
  channels, channel_mode, codec, sample_rate, output_channels, chunk_seconds, chunk_total, frames, duration_seconds,
  size_bytes, checksum, created_at, updated_at, started_at, ended_at)
SELECT 'rec_' || i, 'Council meeting ' || i, lower('Council meeting ' || i),
  lower('Council meeting ' || i || chr(10) || 'council/' || (i % 40) || chr(10) || CASE WHEN i % 100 = 0 THEN 'vote on the harbour' ELSE '' END || chr(10) || 'budget' || chr(10) || 'y' || (i % 7)),
  'council/' || (i % 40), '["budget","y' || (i % 7) || '"]',
  CASE WHEN i % 100 = 0 THEN 'vote on the harbour' ELSE '' END, 'ad_hoc',
  (ARRAY['cached','partial','failed','cached'])[1 + i % 4], 'healthy', 'node_' || (i % 25), 'room_' || (i % 12), 'raw-wav',
  '[1,2]', 'multichannel', 'wav', 48000, 2, 300, 12, 172800000, 3600, 1036800000, 'sha256:' || md5(i::text),
  now() - i * interval '1 minute', now(), now() - i * interval '1 minute', now() - i * interval '1 minute' + interval '1 hour'
FROM generate_series(1, $ROWS) AS i;
INSERT INTO recording_tags (recording_id, tag_key, tag) SELECT 'rec_' || i, 'budget', 'budget' FROM generate_series(1, $ROWS) AS i;
INSERT INTO recording_tags (recording_id, tag_key, tag) SELECT 'rec_' || i, 'y' || (i % 7), 'y' || (i % 7) FROM generate_series(1, $ROWS) AS i;
ANALYZE;
SQL
TOKEN=$(curl -s "$url/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"email":"load@example.org","password":"load-password-123"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
export TOKEN
cat > "$work/bearer.lua" <<'LUA'
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
LUA
for path in "/api/v1/recordings?limit=50" \
            "/api/v1/recordings?limit=50&offset=50000" \
            "/api/v1/recordings?q=harbour&limit=50" \
            "/api/v1/recordings?q=meeting%2042&limit=50" \
            "/api/v1/recordings?status=partial&folder=council/7&tag=y3&limit=50&sort=-duration" \
            "/api/v1/recordings/facets?status=cached"; do
  echo "#### GET $path"
  curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "$url$path" || { echo "request failed"; tail -5 "$work/rakkr.log"; exit 1; }
  wrk -t"$(( CONNS < 2 ? 1 : 2 ))" -c"$CONNS" -d"$DURATION" --latency -s "$work/bearer.lua" "$url$path" | grep -E 'Requests/sec|^ +(50|99)%|Non-2xx'
done
