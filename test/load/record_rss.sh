#!/usr/bin/env bash
# Agent footprint while recording 8 channels (docs/performance.md, "Agent
# while recording"): the real controller on SQLite on loopback, one node
# enrolled through the real API and `rakkr-agent enroll`, then `rakkr-agent
# run` capturing an 8-channel 48 kHz source (as test/load/agent_rss.sh: the
# file source by default, SOURCE=jack for PortAudio through a private dummy
# JACK server). Two windows of WINDOW seconds, sampled every second
# (VmRSS from /proc/<pid>/status, CPU from the utime+stime delta):
#   1. idle: metering only;
#   2. recording all 8 channels with a custom profile made through
#      POST /api/v1/settings/recording-profiles (FLAC 24-bit, multichannel,
#      as archive-flac, but chunkSeconds 5), so that a chunk is rendered and
#      uploaded every 5 s during the window.
# Then it checks that the recording ran (status, chunks arriving), stops it
# and waits for it to settle. Bounded: about WARMUP + 2 × WINDOW + 60 s.
# Usage: [SOURCE=file|jack] [WINDOW=60] test/load/record_rss.sh
# (needs sox, curl, python3; SOURCE=jack also jackd, jack_lsp and
# libasound2-plugins; builds bin/ if missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
WINDOW="${WINDOW:-60}"
WARMUP="${WARMUP:-5}"
. test/load/agentrig.sh
rig_start rec-rss $((WARMUP + 2 * WINDOW + 90))
echo "recording interface: $(echo "$view" | json '[(i["systemRef"], i["channelCount"]) for i in d["interfaces"] if i["id"] == "'"$iface"'"]')"
sleep "$WARMUP"

# sample LABEL: WINDOW one-second samples of the agent's RSS and CPU into
# $work/LABEL.tsv, then a summary line.
sample() {
  local label=$1 i c t c0 t0 hwm
  : >"$work/$label.tsv"
  echo "load at start of $label window: $(uptime)"
  c0=$(awk '{sub(/.*\) /,""); print $12 + $13}' /proc/"$agent"/stat); t0=$(date +%s.%N)
  for ((i = 0; i < WINDOW; i++)); do
    sleep 1
    kill -0 "$agent" 2>/dev/null || { echo "agent exited:"; tail -20 "$work/agent.log"; exit 1; }
    c=$(awk '{sub(/.*\) /,""); print $12 + $13}' /proc/"$agent"/stat); t=$(date +%s.%N)
    printf '%s\t%s\t%s\t%s\t%s\n' "$t" "$c" "$(awk '$1=="VmRSS:"{print $2}' /proc/"$agent"/status)" \
      "$(awk '$1=="RssAnon:"{print $2}' /proc/"$agent"/status)" "$(awk '$1=="Threads:"{print $2}' /proc/"$agent"/status)" >>"$work/$label.tsv"
  done
  echo "load at end of $label window:   $(uptime)"
  hwm=$(awk '$1=="VmHWM:"{print $2}' /proc/"$agent"/status)
  python3 - "$work/$label.tsv" "$t0" "$c0" "$(getconf CLK_TCK)" "$label" "$hwm" <<'PY'
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().split("\n") if l]
t, c = [float(sys.argv[2])], [int(sys.argv[3])]
rss, anon, thr = [], [], []
for r in rows:
    t.append(float(r[0])); c.append(int(r[1])); rss.append(int(r[2]) / 1024); anon.append(int(r[3]) / 1024); thr.append(int(r[4]))
tck = int(sys.argv[4])
cpu = [(c[i + 1] - c[i]) / tck / (t[i + 1] - t[i]) * 100 for i in range(len(rows))]
mean = (c[-1] - c[0]) / tck / (t[-1] - t[0]) * 100
print(f"RESULT {sys.argv[5]}: {len(rows)} samples; RSS median {statistics.median(rss):.1f} MiB, peak {max(rss):.1f} MiB "
      f"(min {min(rss):.1f}; VmHWM {int(sys.argv[6])/1024:.1f} MiB; anon median {statistics.median(anon):.1f} MiB; threads {min(thr)}-{max(thr)}); "
      f"CPU median {statistics.median(cpu):.1f} %, p90 {sorted(cpu)[int(0.9 * (len(cpu) - 1))]:.1f} %, peak {max(cpu):.1f} %, "
      f"mean {mean:.1f} % of one core ({(c[-1] - c[0]) / tck:.2f} s CPU in {t[-1] - t[0]:.1f} s)")
PY
}

echo "### agent: 8 channels × 48 kHz, source $audio_source, ${WINDOW}s windows sampled every 1 s"
sample idle

# A custom profile: archive-flac (FLAC 24-bit, every channel) in 5 s chunks.
prof=$(api POST /api/v1/settings/recording-profiles \
  '{"name":"Archive FLAC, 5 s chunks","codec":"flac","bitDepth":24,"channelMode":"multichannel","chunkSeconds":5}' | json 'd["id"]')
echo "+ POST /api/v1/recordings {profileId: $prof (flac 24-bit multichannel, chunkSeconds 5), channels 1-8}" >&2
rec=$(api POST /api/v1/recordings "{\"nodeId\":\"$node\",\"interfaceId\":\"$iface\",\"channels\":[1,2,3,4,5,6,7,8],
  \"channelMode\":\"multichannel\",\"profileId\":\"$prof\",\"name\":\"RSS while recording\"}" | json 'd["recording"]["id"]')
status=
for _ in $(seq 60); do
  status=$(api GET "/api/v1/recordings/$rec" | json 'd["status"]')
  [[ "$status" == recording ]] && break
  sleep 0.5
done
[[ "$status" == recording ]] || { echo "recording $rec did not start: $status"; tail -20 "$work/agent.log"; exit 1; }
rec_chunks() { api GET "/api/v1/recordings/$rec" | json '"status=%s chunks=%d chunkTotal=%s sizeBytes=%s" % (d["status"], len(d.get("chunks") or []), d.get("chunkTotal"), d.get("sizeBytes"))'; }
echo "recording $rec: $(rec_chunks)"
sample recording
echo "recording after the window: $(rec_chunks)"
n=$(api GET "/api/v1/recordings/$rec" | json 'len(d.get("chunks") or [])')
(( n >= WINDOW / 5 - 2 )) || { echo "too few chunks arrived during the window ($n)"; tail -20 "$work/agent.log"; exit 1; }

api POST "/api/v1/recordings/$rec/stop" '{}' >/dev/null
for _ in $(seq 60); do
  status=$(api GET "/api/v1/recordings/$rec" | json 'd["status"]')
  [[ "$status" == cached || "$status" == partial || "$status" == failed || "$status" == uploaded ]] && break
  sleep 0.5
done
echo "after stop: $(rec_chunks) $(api GET "/api/v1/recordings/$rec" | json '"health=%s failureReason=%s durationSeconds=%s" % (d.get("healthStatus"), d.get("failureReason"), d.get("durationSeconds"))')"
echo "node status at the end: $(api GET "/api/v1/nodes/$node" | json '"%s, open health events %s" % (d["status"], d.get("openHealthEvents"))')"
echo "node's health events: $(api GET "/api/v1/health-events?nodeId=$node" | python3 -c '
import json, sys
d = json.load(sys.stdin)["data"]
d = d.get("items", d) if isinstance(d, dict) else d
seen = {}
for e in d:
    k = "%s %s %s" % (e.get("severity"), e.get("type") or e.get("kind") or e.get("code"), e.get("status"))
    v = (e.get("details") or {}).get("verification")
    if v:
        k += " " + json.dumps(v)
    seen[k] = seen.get(k, 0) + 1
print("; ".join("%s ×%d" % kv for kv in seen.items()) or "none")
' 2>/dev/null || echo "?")"
if grep -qiE 'level=error|panic' "$work/agent.log"; then echo "agent log errors:"; grep -iE 'level=error|panic' "$work/agent.log" | head -5; fi
