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
SOURCE="${SOURCE:-file}"
EMAIL=load@example.org
PASSWORD=load-password-123
command -v sox >/dev/null || { echo "sox is required (apt-get install sox)"; exit 1; }
[[ -x bin/rakkr && -x bin/rakkr-agent ]] || make build-go >/dev/null
work=$(mktemp -d /tmp/rakkr-record-rss.XXXXXX)
pid= agent= jack=
cleanup() {
  for p in $agent $jack $pid; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
run() { echo "+ $*" >&2; "$@"; }
json() { python3 -c 'import json,sys; d=json.load(sys.stdin); d=d.get("data",d); print(eval(sys.argv[1]))' "$1"; }

# The same speech-like signal as agent_rss.sh: four tones and four pink
# noises, 4 Hz amplitude-modulated, about -20 dBFS.
wav="$work/8ch.wav"
run sox -n -r 48000 -b 24 -e signed-integer -c 8 "$wav" synth 60 sine 220 pinknoise sine 330 pinknoise \
  sine 440 pinknoise sine 550 pinknoise tremolo 4 90 gain -14

if [[ "$SOURCE" == jack ]]; then
  for c in jackd jack_lsp; do command -v $c >/dev/null || { echo "$c is required (apt-get install jackd2)"; exit 1; }; done
  export HOME="$work/home" JACK_DEFAULT_SERVER="rakkr-rec-rss-$$" JACK_NO_AUDIO_RESERVATION=1
  mkdir -p "$HOME"
  # The ALSA file plugin does not loop: repeat the signal past both windows.
  run sox "$wav" -t raw -e floating-point -b 32 "$work/8ch.f32" repeat $(((WARMUP + 2 * WINDOW + 90) / 60))
  ports=$(for i in $(seq 0 7); do printf '%d system:capture_%d ' "$i" $((i + 1)); done)
  cat > "$HOME/.asoundrc" <<ALSA
pcm.rssmic_jack { type jack  playback_ports { 0 system:playback_1 1 system:playback_2 }  capture_ports { $ports} }
pcm.rssmic { type file  slave.pcm "rssmic_jack"  file "/dev/null"  infile "$work/8ch.f32"  format "raw" }
ALSA
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
api() { # method path [json body]
  local args=(-sf -X "$1" "$url$2" -H "Authorization: Bearer $session")
  [[ $# -ge 3 ]] && args+=(-H 'Content-Type: application/json' -d "$3")
  curl "${args[@]}"
}
echo "+ POST /api/v1/nodes/enroll {\"alias\":\"rec-rss-1\"}" >&2
enrolled=$(api POST /api/v1/nodes/enroll '{"alias":"rec-rss-1","site":"load"}')
node=$(echo "$enrolled" | json 'd["node"]["id"]')
boot=$(echo "$enrolled" | json 'd["bootstrapToken"]')
export RAKKR_AGENT_DATA_DIR="$work/agent" RAKKR_AUDIO_SOURCE="$audio_source"
echo "+ RAKKR_AGENT_DATA_DIR=$work/agent bin/rakkr-agent enroll --controller $url --token …" >&2
bin/rakkr-agent enroll --controller "$url" --token "$boot" >"$work/enroll.log" 2>&1 ||
  { echo "agent enroll failed:"; cat "$work/enroll.log"; exit 1; }
echo "+ RAKKR_AGENT_DATA_DIR=$work/agent RAKKR_AUDIO_SOURCE=$audio_source bin/rakkr-agent run" >&2
bin/rakkr-agent run >"$work/agent.log" 2>&1 &
agent=$!

# Wait (bounded) for the node to come up and stream 8-channel frames.
online= view= m=
for _ in $(seq 60); do
  view=$(api GET "/api/v1/nodes/$node" || true)
  m=$(api GET "/api/v1/nodes/$node/meters" || true)
  # online, degraded or alerting (health events such as a high load on this shared machine): up
  if [[ -n "$view" && -n "$m" ]] && ! [[ $(echo "$view" | json 'd["status"]') =~ ^(offline|provisioning)$ ]] &&
    [[ $(echo "$m" | json 'max([len(f["levels"]) for f in d.get("frames") or []] or [0])') == 8 ]]; then
    online=1; break
  fi
  kill -0 "$agent" 2>/dev/null || { echo "agent exited:"; cat "$work/agent.log"; exit 1; }
  sleep 0.5
done
[[ -n "$online" ]] || { echo "node did not come online with 8-channel meters: $view $m"; cat "$work/agent.log"; exit 1; }
# Record the interface being metered (SOURCE=jack also lists the JACK and ALSA
# helper devices, some with 8 channels and nothing connected).
iface=$(echo "$m" | json '[f["interfaceId"] for f in d["frames"] if len(f["levels"]) == 8][0]')
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
