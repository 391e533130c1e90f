#!/usr/bin/env bash
# Fleet load figures (docs/performance.md): the real controller on SQLite on
# loopback, N nodes enrolled through the real API (test/load/enrollnodes),
# then fleetsim streaming 8-channel meter frames at 10 frames/s per node plus
# 5 s heartbeats, with console subscribers each covering every node.
# Bounded: the simulation lasts WARMUP (default 10s: 1,000 streams connecting
# at once, left out of the latencies but not of the drop count) + DURATION
# (default 20s); enrollment is bounded by its own timeout.
# Usage: NODES=1000 SUBSCRIBERS=2 DURATION=20s test/load/fleet.sh   (needs Go, curl, python3)
# CONTROLLER=tree builds the controller from the working tree (with pprof
# support) instead of using bin/rakkr; PPROF=127.0.0.1:6060 also serves
# net/http/pprof there (test/load/rakkrpprof) and saves a CPU and a heap
# profile of the simulation into PROFILE_DIR (default /tmp/rakkr-fleet-prof),
# with the simulator's own CPU profile (fleetsim.pprof) next to them;
# TIMELINE=1 prints the heartbeats of each second and the slowest of them;
# TRACE=1 takes an execution trace (trace.out) instead of the CPU profile
# (go tool trace -pprof=sched|sync|syscall trace.out).
set -euo pipefail
cd "$(dirname "$0")/../.."
NODES="${NODES:-1000}"
SUBSCRIBERS="${SUBSCRIBERS:-2}"
DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-10s}"
CHANNELS="${CHANNELS:-8}"
CONCURRENCY="${CONCURRENCY:-16}"
EMAIL=load@example.org
PASSWORD=load-password-123
PPROF="${PPROF:-}"
CONTROLLER="${CONTROLLER:-bin/rakkr}"
PROFILE_DIR="${PROFILE_DIR:-/tmp/rakkr-fleet-prof}"
[[ -n "$PPROF" ]] && CONTROLLER=tree
[[ "$CONTROLLER" == tree || -x bin/rakkr ]] || make build-go >/dev/null
work=$(mktemp -d /tmp/rakkr-fleet.XXXXXX)
pid=
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
run() { echo "+ $*" >&2; "$@"; }

run go build -o "$work/enrollnodes" ./test/load/enrollnodes
run go build -o "$work/fleetsim" ./test/load/fleetsim
ctl=bin/rakkr
if [[ "$CONTROLLER" == tree ]]; then run go build -o "$work/rakkr" ./test/load/rakkrpprof; ctl="$work/rakkr"; fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
url="http://127.0.0.1:$port"
echo "+ RAKKR_LISTEN=127.0.0.1:$port RAKKR_DEV=true RAKKR_LOG_LEVEL=error RAKKR_DATA_DIR=$work/data RAKKR_ADMIN_EMAIL=$EMAIL RAKKR_ADMIN_PASSWORD=… bin/rakkr serve" >&2
RAKKR_LISTEN=127.0.0.1:$port RAKKR_DEV=true RAKKR_LOG_LEVEL=error RAKKR_DATA_DIR="$work/data" \
  RAKKR_ADMIN_EMAIL=$EMAIL RAKKR_ADMIN_PASSWORD=$PASSWORD RAKKR_LOGIN_MAX_FAILURES=1000000 RAKKR_PPROF="$PPROF" \
  "$ctl" serve >"$work/controller.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "$url/healthz" >/dev/null && break; sleep 0.1; done
curl -sf "$url/healthz" >/dev/null || { echo "controller did not start:"; cat "$work/controller.log"; exit 1; }

console=$(run "$work/enrollnodes" --url "$url" --email $EMAIL --password $PASSWORD --nodes "$NODES" \
  --channels "$CHANNELS" --concurrency "$CONCURRENCY" --out "$work/tokens.txt" --timeout 5m)
echo "### fleet: $NODES nodes × $CHANNELS channels at 10 frames/s, $SUBSCRIBERS subscribers, $WARMUP warm-up + $DURATION measured (${RAKKR_DATABASE_URL:+Postgres}${RAKKR_DATABASE_URL:-SQLite})"
echo "load before: $(uptime)"
cpu_ticks() { awk '{print $14+$15}' /proc/$1/stat; } # utime+stime in clock ticks
tck=$(getconf CLK_TCK)
ctl_cpu0=$(cpu_ticks $pid)
if [[ -n "$PPROF" ]]; then
  mkdir -p "$PROFILE_DIR"
  d=${DURATION%s}; w=${WARMUP%s}; prof_secs=$(( d > 6 ? d - 4 : d )); prof_at=$(( w + 2 ))
  if [[ -n "${TRACE:-}" ]]; then # an execution trace instead of the CPU profile
    ( sleep $prof_at; curl -sf -o "$PROFILE_DIR/trace.out" "http://$PPROF/debug/pprof/trace?seconds=$prof_secs" ) &
  else
  ( sleep $prof_at; curl -sf -o "$PROFILE_DIR/cpu.pprof" "http://$PPROF/debug/pprof/profile?seconds=$prof_secs"
    curl -sf -o "$PROFILE_DIR/heap.pprof" "http://$PPROF/debug/pprof/heap"
    curl -sf -o "$PROFILE_DIR/mutex.pprof" "http://$PPROF/debug/pprof/mutex" ) &
  fi
  prof_pid=$!
fi
echo "+ fleetsim --url $url --tokens $work/tokens.txt --heartbeat $url --console-token … --nodes $NODES --channels $CHANNELS --subscribers $SUBSCRIBERS --warmup $WARMUP --duration $DURATION" >&2
out=$(/usr/bin/time -o "$work/sim.time" -f "%U %S" "$work/fleetsim" --url "$url" --tokens "$work/tokens.txt" --heartbeat "$url" --console-token "$console" \
  --nodes "$NODES" --channels "$CHANNELS" --subscribers "$SUBSCRIBERS" --warmup "$WARMUP" --duration "$DURATION" ${PPROF:+--cpuprofile "$PROFILE_DIR/fleetsim.pprof"} ${TIMELINE:+--timeline})
[[ -n "${prof_pid:-}" ]] && { wait "$prof_pid" || true; echo "profiles: $PROFILE_DIR/{cpu,heap,mutex}.pprof (go tool pprof -top $work/rakkr …; the binary is removed on exit, use the profiles' symbols)"; }
echo "load after:  $(uptime)"
echo "$out"
ctl_cpu=$(( $(cpu_ticks $pid) - ctl_cpu0 ))
read -r sim_u sim_s < "$work/sim.time"
echo "CPU during the simulation: controller $(awk -v t=$ctl_cpu -v k=$tck 'BEGIN{printf "%.1f", t/k}') s, fleetsim $(awk -v u=$sim_u -v s=$sim_s 'BEGIN{printf "%.1f", u+s}') s (user+sys; wall ≈ ${WARMUP} + ${DURATION} + setup)"
ctl_rss=$(awk '/VmHWM/{print $2" "$3}' /proc/$pid/status 2>/dev/null || true)
echo "controller peak RSS (VmHWM): ${ctl_rss:-n/a}"
errs=$(grep -ciE 'level=error|panic' "$work/controller.log" || true)
echo "controller log error lines: $errs"
if [[ "$errs" != 0 ]]; then # the distinct messages, with their counts
  grep -iE 'level=error|panic' "$work/controller.log" | sed -E 's/^time=[^ ]+ //; s/requestId=[^ ]+ //' | sort | uniq -c | sort -rn | head -5
fi
