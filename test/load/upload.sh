#!/usr/bin/env bash
# Upload throughput to the controller's recording cache over loopback
# (docs/performance.md, "Upload to the controller cache"), compared with cp
# of the same file on the same filesystem. Starts bin/rakkr on SQLite on a
# free loopback port, then test/load/uploadbench enrolls a node with one
# 2-channel interface, starts a raw-wav recording, claims its job with the
# node credential and uploads one valid 24-bit stereo 48 kHz WAV of BYTES
# (default 1 GiB ≈ 62 min) through adapters/agentclient OpenUpload + PutUpload,
# timed from open to complete (the controller's SHA-256 check, full decode and
# store included), plus (SPLIT=1) a second upload timed as transfer + finish.
# uploadbench also times, in its own process, what the controller does after
# the last byte (SHA-256 and a decode of every frame). Then cp of the same
# file twice (page cache left as it is) and once more followed by sync of the
# copy (the controller fsyncs what it receives). Every timed phase starts
# after a sync(2), so earlier dirty pages are not written back during it.
# Bounded: uploadbench gives up after 15 min; about 1 min on an idle machine.
# Usage: [BYTES=…] [SPLIT=1] test/load/upload.sh   (after make build)
set -euo pipefail
cd "$(dirname "$0")/../.."
BYTES="${BYTES:-1073741824}"
SPLIT="${SPLIT:-1}"
EMAIL=load@example.org
PASSWORD=load-password-123
export PATH=/usr/local/go/bin:$PATH
[[ -x bin/rakkr ]] || make build-go >/dev/null
work=$(mktemp -d /tmp/rakkr-upload.XXXXXX)
pid=
cleanup() { [[ -n "$pid" ]] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

go build -o "$work/uploadbench" ./test/load/uploadbench
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
url="http://127.0.0.1:$port"
echo "+ RAKKR_LISTEN=127.0.0.1:$port RAKKR_DEV=true RAKKR_LOG_LEVEL=error RAKKR_DATA_DIR=$work/data RAKKR_ADMIN_EMAIL=$EMAIL RAKKR_ADMIN_PASSWORD=… bin/rakkr serve" >&2
RAKKR_LISTEN=127.0.0.1:$port RAKKR_DEV=true RAKKR_LOG_LEVEL=error RAKKR_DATA_DIR="$work/data" \
  RAKKR_ADMIN_EMAIL=$EMAIL RAKKR_ADMIN_PASSWORD=$PASSWORD bin/rakkr serve >"$work/controller.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "$url/healthz" >/dev/null && break; sleep 0.1; done
curl -sf "$url/healthz" >/dev/null || { echo "controller did not start:"; cat "$work/controller.log"; exit 1; }

wav="$work/chunk.wav"
split=; [[ "$SPLIT" == 1 ]] && split=--split
echo "load before upload: $(uptime)"
"$work/uploadbench" --url "$url" --email $EMAIL --password $PASSWORD --file "$wav" --make --bytes "$BYTES" --pid "$pid" $split ||
  { echo "controller log:"; tail -20 "$work/controller.log"; exit 1; }
echo "controller RSS after: $(awk '$1=="VmRSS:"||$1=="VmHWM:"{printf "%s %d MiB  ", $1, $2/1024}' /proc/$pid/status)"
echo "load after upload:  $(uptime)"

size=$(stat -c %s "$wav")
mkdir -p "$work/cp"
timed() { # label, command…: prints MB/s of $size over the command's wall time
  local label=$1; shift
  local t0 t1
  sync # first: no earlier dirty pages are written back during the copy
  t0=$(date +%s.%N); "$@"; t1=$(date +%s.%N)
  python3 -c "import sys; s,t0,t1=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); print(f'RESULT {sys.argv[4]}: {s} bytes in {t1-t0:.2f} s = {s/1e6/(t1-t0):.0f} MB/s')" "$size" "$t0" "$t1" "$label"
}
echo "load before cp: $(uptime)"
timed "cp #1 (to the same filesystem)" cp "$wav" "$work/cp/1.wav"
timed "cp #2" cp "$wav" "$work/cp/2.wav"
timed "cp #3 + sync of the copy" sh -c "cp '$wav' '$work/cp/3.wav' && sync '$work/cp/3.wav'"
echo "load after cp:  $(uptime)"
if grep -qiE 'level=error|panic' "$work/controller.log"; then echo "controller log errors:"; grep -iE 'level=error|panic' "$work/controller.log" | head -5; fi
