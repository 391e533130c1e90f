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
. test/load/agentrig.sh
rig_start agent-rss $((WARMUP + WINDOW + 30))
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
