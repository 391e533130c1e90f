# Shared by agent_rss.sh and record_rss.sh (source it, do not run it): the
# real controller on SQLite on loopback and one real agent capturing an
# 8-channel 48 kHz speech-like signal, from the file source or (SOURCE=jack)
# through PortAudio from a private dummy JACK server.
#
# rig_start NAME SECONDS starts everything, with a signal lasting SECONDS
# (the JACK file device does not loop), and waits until the node is
# reachable and streams 8-channel meters. It sets: work, url, session,
# node, iface (the metered interface), view, m (its node view and meters),
# audio_source, agent (the agent's pid). api METHOD PATH [JSON] calls the
# API as the owner; json EXPR evaluates EXPR on stdin's JSON (d = data).

EMAIL=load@example.org
PASSWORD=load-password-123
SOURCE="${SOURCE:-file}"
pid= agent= jack= work=
cleanup() {
  for p in $agent $jack $pid; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  [[ -n "$work" ]] && rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
run() { echo "+ $*" >&2; "$@"; }
json() { python3 -c 'import json,sys; d=json.load(sys.stdin); d=d.get("data",d); print(eval(sys.argv[1]))' "$1"; }
api() { # method path [json body]
  local args=(-sf -X "$1" "$url$2" -H "Authorization: Bearer $session")
  [[ $# -ge 3 ]] && args+=(-H 'Content-Type: application/json' -d "$3")
  curl "${args[@]}"
}

# rig_signal SECONDS: the 8-channel WAV (four tones and four pink noises, all
# 4 Hz amplitude-modulated at the syllable rate, about -20 dBFS) and, for
# SOURCE=jack, the JACK server and ALSA device playing it.
rig_signal() {
  local seconds=$1 ports
  wav="$work/8ch.wav"
  run sox -n -r 48000 -b 24 -e signed-integer -c 8 "$wav" synth 60 sine 220 pinknoise sine 330 pinknoise \
    sine 440 pinknoise sine 550 pinknoise tremolo 4 90 gain -14
  if [[ "$SOURCE" != jack ]]; then
    audio_source="file:$wav"
    return
  fi
  for c in jackd jack_lsp; do command -v $c >/dev/null || { echo "$c is required (apt-get install jackd2)"; exit 1; }; done
  export HOME="$work/home" JACK_DEFAULT_SERVER="rakkr-$rig_name-$$" JACK_NO_AUDIO_RESERVATION=1
  mkdir -p "$HOME"
  run sox "$wav" -t raw -e floating-point -b 32 "$work/8ch.f32" repeat $(((seconds + 59) / 60))
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
}

rig_start() {
  rig_name=$1
  command -v sox >/dev/null || { echo "sox is required (apt-get install sox)"; exit 1; }
  [[ -x bin/rakkr && -x bin/rakkr-agent ]] || make build-go >/dev/null
  work=$(mktemp -d "/tmp/rakkr-$rig_name.XXXXXX")
  rig_signal "$2"

  local port
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
  echo "+ POST /api/v1/nodes/enroll {\"alias\":\"$rig_name-1\"}" >&2
  local enrolled boot
  enrolled=$(api POST /api/v1/nodes/enroll "{\"alias\":\"$rig_name-1\",\"site\":\"load\"}")
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
  # CPU-pressure warnings: degraded or alerting still count) and to stream
  # 8-channel frames.
  local online=
  view= m=
  for _ in $(seq 60); do
    view=$(api GET "/api/v1/nodes/$node" || true)
    m=$(api GET "/api/v1/nodes/$node/meters" || true)
    if [[ -n "$view" && -n "$m" ]] && ! [[ $(echo "$view" | json 'd["status"]') =~ ^(offline|provisioning)$ ]] &&
      [[ $(echo "$m" | json 'max([len(f["levels"]) for f in d.get("frames") or []] or [0])') == 8 ]]; then
      online=1; break
    fi
    kill -0 "$agent" 2>/dev/null || { echo "agent exited:"; cat "$work/agent.log"; exit 1; }
    sleep 0.5
  done
  [[ -n "$online" ]] || { echo "node did not come online with 8-channel meters: $view $m"; cat "$work/agent.log"; exit 1; }
  # The metered interface (SOURCE=jack also lists the JACK and ALSA helper
  # devices, some with 8 channels and nothing connected).
  iface=$(echo "$m" | json '[f["interfaceId"] for f in d["frames"] if len(f["levels"]) == 8][0]')
}
