#!/usr/bin/env bash
# Agent footprint while metering 8 channels (docs/performance.md): the real
# controller on SQLite on loopback, one node enrolled through the real API
# and `rakkr-agent enroll`, then `rakkr-agent run` with the file source
# (an 8-channel 48 kHz WAV made with sox, played at real time and looped;
# all 8 channels metered at 10 frames/s and streamed to the controller).
# Samples VmRSS/VmHWM every INTERVAL seconds for WINDOW seconds (after a
# WARMUP) and the CPU share from utime+stime over the window.
# SOURCE=jack captures the same signal through PortAudio instead: a private
# `jackd --no-realtime -d dummy -r 48000 -p 480 -C 8 -P 2` clocks an ALSA
# `type file` PCM over a `type jack` PCM (docs: /work/shared/spec/TESTING.md,
# test/alsa AddJACKFileDevice) that plays the signal as raw float32.
# Bounded: about WARMUP + WINDOW + 15 s.
# Usage: [SOURCE=file|jack] test/load/agent_rss.sh   (needs sox, curl, python3;
# SOURCE=jack also jackd, jack_lsp and libasound2-plugins; builds bin/ if missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
WINDOW="${WINDOW:-60}"
INTERVAL="${INTERVAL:-5}"
WARMUP="${WARMUP:-5}"
SOURCE="${SOURCE:-file}"
EMAIL=load@example.org
PASSWORD=load-password-123
command -v sox >/dev/null || { echo "sox is required (apt-get install sox)"; exit 1; }
[[ -x bin/rakkr && -x bin/rakkr-agent ]] || make build-go >/dev/null
work=$(mktemp -d /tmp/rakkr-agent-rss.XXXXXX)
pid= agent= jack=
cleanup() {
  for p in $agent $jack $pid; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
run() { echo "+ $*" >&2; "$@"; }
json() { python3 -c 'import json,sys; d=json.load(sys.stdin); d=d.get("data",d); print(eval(sys.argv[1]))' "$1"; }

# Speech-like test signal: four tones and four pink noises, all 4 Hz
# amplitude-modulated (syllable rate), about -20 dBFS.
wav="$work/8ch.wav"
run sox -n -r 48000 -b 24 -e signed-integer -c 8 "$wav" synth 60 sine 220 pinknoise sine 330 pinknoise \
  sine 440 pinknoise sine 550 pinknoise tremolo 4 90 gain -14

if [[ "$SOURCE" == jack ]]; then
  for c in jackd jack_lsp; do command -v $c >/dev/null || { echo "$c is required (apt-get install jackd2)"; exit 1; }; done
  export HOME="$work/home" JACK_DEFAULT_SERVER="rakkr-rss-$$" JACK_NO_AUDIO_RESERVATION=1
  mkdir -p "$HOME"
  # The ALSA file plugin does not loop: repeat the signal so that it outlasts
  # the start, the warm-up and the window (silence would be metered after).
  run sox "$wav" -t raw -e floating-point -b 32 "$work/8ch.f32" repeat $(((WARMUP + WINDOW + 30) / 60))
  ports=$(for i in $(seq 0 7); do printf '%d system:capture_%d ' "$i" $((i + 1)); done)
  cat > "$HOME/.asoundrc" <<ALSA
pcm.rssmic_jack { type jack  playback_ports { 0 system:playback_1 1 system:playback_2 }  capture_ports { $ports} }
pcm.rssmic { type file  slave.pcm "rssmic_jack"  file "/dev/null"  infile "$work/8ch.f32"  format "raw" }
ALSA
  echo "+ HOME=$HOME (.asoundrc:)" >&2; sed 's/^/    /' "$HOME/.asoundrc" >&2
  # Not through run(): a backgrounded function is a subshell, and $! must be jackd's own pid.
  echo "+ JACK_DEFAULT_SERVER=$JACK_DEFAULT_SERVER jackd --no-realtime -d dummy -r 48000 -p 480 -C 8 -P 2" >&2
  jackd --no-realtime -d dummy -r 48000 -p 480 -C 8 -P 2 >"$work/jackd.log" 2>&1 &
  jack=$!
  for _ in $(seq 50); do JACK_NO_START_SERVER=1 jack_lsp >/dev/null 2>&1 && break; sleep 0.2; done
  JACK_NO_START_SERVER=1 jack_lsp >/dev/null 2>&1 || { echo "jackd did not come up:"; cat "$work/jackd.log"; exit 1; }
  audio_source=portaudio:rssmic
else
  audio_source="file:$wav"
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
url="http://127.0.0.1:$port"
echo "+ RAKKR_LISTEN=127.0.0.1:$port RAKKR_DEV=true RAKKR_LOG_LEVEL=error RAKKR_DATA_DIR=$work/data RAKKR_ADMIN_EMAIL=$EMAIL RAKKR_ADMIN_PASSWORD=… bin/rakkr serve" >&2
RAKKR_LISTEN=127.0.0.1:$port RAKKR_DEV=true RAKKR_LOG_LEVEL=error RAKKR_DATA_DIR="$work/data" \
  RAKKR_ADMIN_EMAIL=$EMAIL RAKKR_ADMIN_PASSWORD=$PASSWORD bin/rakkr serve >"$work/controller.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "$url/healthz" >/dev/null && break; sleep 0.1; done
curl -sf "$url/healthz" >/dev/null || { echo "controller did not start:"; cat "$work/controller.log"; exit 1; }

session=$(curl -sf "$url/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" | json 'd["token"]')
echo "+ curl -X POST $url/api/v1/nodes/enroll -d '{\"alias\":\"rss-1\"}'" >&2
enrolled=$(curl -sf "$url/api/v1/nodes/enroll" -H "Authorization: Bearer $session" -H 'Content-Type: application/json' \
  -d '{"alias":"rss-1","site":"load"}')
node=$(echo "$enrolled" | json 'd["node"]["id"]')
boot=$(echo "$enrolled" | json 'd["bootstrapToken"]')
export RAKKR_AGENT_DATA_DIR="$work/agent" RAKKR_AUDIO_SOURCE="$audio_source"
echo "+ RAKKR_AGENT_DATA_DIR=$work/agent bin/rakkr-agent enroll --controller $url --token …" >&2
bin/rakkr-agent enroll --controller "$url" --token "$boot" >"$work/enroll.log" 2>&1 ||
  { echo "agent enroll failed:"; cat "$work/enroll.log"; exit 1; }
echo "+ RAKKR_AGENT_DATA_DIR=$work/agent RAKKR_AUDIO_SOURCE=$audio_source bin/rakkr-agent run" >&2
bin/rakkr-agent run >"$work/agent.log" 2>&1 &
agent=$!

# Wait (bounded) for the node to be reachable (a busy machine may raise
# CPU-pressure warnings: degraded still counts) and stream 8-channel frames.
online=
for _ in $(seq 60); do
  view=$(curl -sf "$url/api/v1/nodes/$node" -H "Authorization: Bearer $session" || true)
  m=$(curl -sf "$url/api/v1/nodes/$node/meters" -H "Authorization: Bearer $session" || true)
  if [[ -n "$view" && -n "$m" ]] && [[ $(echo "$view" | json 'd["status"]') =~ ^(online|recording|degraded|alerting)$ ]] &&
    [[ $(echo "$m" | json 'max([len(f["levels"]) for f in d.get("frames") or []] or [0])') == 8 ]]; then
    online=1; break
  fi
  kill -0 "$agent" 2>/dev/null || { echo "agent exited:"; cat "$work/agent.log"; exit 1; }
  sleep 0.5
done
[[ -n "$online" ]] || { echo "node did not come online with 8-channel meters: $view $m"; cat "$work/agent.log"; exit 1; }
sleep "$WARMUP"

tck=$(getconf CLK_TCK)
cpu() { local s; s=$(cat /proc/"$agent"/stat); s=${s##*) }; set -- $s; echo $(( ${12} + ${13} )); } # utime+stime (fields 14, 15)
kb() { awk -v k="$1:" '$1==k{print $2}' /proc/"$agent"/status; }
echo "### agent: 8 channels × 48 kHz, source $audio_source, metering at 10 frames/s, ${WINDOW}s window (sampled every ${INTERVAL}s)"
echo "load at start: $(uptime)"
c0=$(cpu); t0=$(date +%s.%N)
min= max= rss=
for ((i = 0; i < WINDOW / INTERVAL; i++)); do
  sleep "$INTERVAL"
  kill -0 "$agent" 2>/dev/null || { echo "agent exited:"; cat "$work/agent.log"; exit 1; }
  rss=$(kb VmRSS); hwm=$(kb VmHWM)
  printf 't=%3ds VmRSS=%6d kB VmHWM=%6d kB (RssAnon=%d RssFile=%d RssShmem=%d kB) threads=%s\n' $(((i + 1) * INTERVAL)) \
    "$rss" "$hwm" "$(kb RssAnon)" "$(kb RssFile)" "$(kb RssShmem)" "$(kb Threads)"
  [[ -z "$min" || $rss -lt $min ]] && min=$rss
  [[ -z "$max" || $rss -gt $max ]] && max=$rss
done
c1=$(cpu); t1=$(date +%s.%N)
echo "load at end:   $(uptime)"
python3 - "$c0" "$c1" "$t0" "$t1" "$tck" "$min" "$max" "$rss" "$(kb VmHWM)" <<'PY'
import sys
c0, c1, t0, t1, tck = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
mn, mx, fin, hwm = (int(x) for x in sys.argv[6:10])
cpu = (c1 - c0) / tck / (t1 - t0) * 100
print(f"RSS min={mn/1024:.1f} MiB max={mx/1024:.1f} MiB final={fin/1024:.1f} MiB peak(VmHWM)={hwm/1024:.1f} MiB; "
      f"CPU {cpu:.1f}% of one core over {t1-t0:.1f}s ({(c1-c0)/tck:.2f}s utime+stime)")
PY
# The agent was really metering: the controller holds a fresh 8-level frame.
meters=$(curl -sf "$url/api/v1/nodes/$node/meters" -H "Authorization: Bearer $session" || true)
echo "controller's latest meter frame: $(echo "$meters" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["data"]["frames"]:
    print("levels=%d stale=%s age=%ss rmsDbfs=%s" % (len(f["levels"]), f["stale"], f["ageSeconds"], [l["rmsDbfs"] for l in f["levels"]]))
' 2>/dev/null || echo "$meters")"
if grep -qiE 'level=error|panic' "$work/agent.log"; then echo "agent log errors:"; grep -iE 'level=error|panic' "$work/agent.log" | head -5; fi
