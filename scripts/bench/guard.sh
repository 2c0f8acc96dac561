#!/usr/bin/env bash
# Measures what `usher guard --policy accept` adds in front of a server, side by side with direct
# connections to the same nginx and with the gate (`usher serve --policy accept`), in one run, on
# loopback:
#   connect latency     p50 and p99 of connect() alone, 2,000 sequential connects (Python)
#   new connections/s   HTTP with "Connection: close": one TCP connection per request (wrk)
# Every round measures every target in turn; each cell is the median of the rounds, ± half the
# spread (max-min) in percent. nginx and usher share core 0 and the load generators get the
# others (when there are two cores or more).
#
# usage: sudo scripts/bench/guard.sh [--duration SECONDS] [--rounds N] [--connections N]
# Needs root (the guard's netfilter queue). Installs nginx-light and wrk when missing; builds
# usher in release mode; everything it starts listens on 127.0.0.1 and is stopped (by PID) on
# every exit path, and the guard removes its firewall chain as it stops.
set -euo pipefail
cd "$(dirname "$0")/../.."

duration=5 connections=50 rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "guard.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "guard.sh: needs root (usher guard binds a netfilter queue)" >&2; exit 77; }

missing=()
for tool in nginx:nginx-light wrk:wrk iptables-legacy:iptables python3:python3; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${tool%%:*}" ] || missing+=("${tool#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
PATH="$PATH:/usr/sbin"

swift build -c release --product usher >&2
usher="$(swift build -c release --show-bin-path)/usher"

servers="" clients=""
if [ "$(nproc)" -ge 2 ]; then servers="taskset -c 0" clients="taskset -c 1-$(( $(nproc) - 1 ))"; fi

source scripts/bench/common.sh
bench_start usher-guard-bench

# nginx answers on two ports: one reached directly, one behind the guard; the gate proxies to the first.
direct_port=$(free_port) guarded_port=$(free_port) gate_port=$(free_port)
mkdir -p "$work/nginx"
cat > "$work/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  client_body_temp_path $work/nginx;
  proxy_temp_path $work/nginx;
  fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx;
  scgi_temp_path $work/nginx;
  server {
    listen 127.0.0.1:$direct_port backlog=4096;
    listen 127.0.0.1:$guarded_port backlog=4096;
    location = / { return 200 "ok\n"; }
  }
}
CONF
$servers nginx -c "$work/nginx.conf" -p "$work" & pids+=($!)
USHER_CONTROL="$work/guard.sock" $servers "$usher" guard --port "$guarded_port" --address 127.0.0.1 --policy accept \
  --log-level warning 2>"$work/guard.log" & pids+=($!)
USHER_CONTROL="$work/gate.sock" $servers "$usher" serve --listen "127.0.0.1:$gate_port" --upstream "127.0.0.1:$direct_port" \
  --policy accept --threads 1 --journal none --log-level warning 2>"$work/gate.log" & pids+=($!)
wait_for_port "$direct_port" nginx
wait_for_port "$guarded_port" guard
wait_for_port "$gate_port" gate

declare -A port_of=([direct]=$direct_port [guard]=$guarded_port [gate]=$gate_port)
targets="direct guard gate"
record() { echo "$3" >> "$work/$1-$2"; }

cat > "$work/connect.py" <<'PY'
import socket, sys, time
port, count = int(sys.argv[1]), int(sys.argv[2])
times = []
for _ in range(count):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    start = time.perf_counter()
    s.connect(("127.0.0.1", port))
    times.append(time.perf_counter() - start)
    s.close()
times.sort()
print(f"{times[len(times) // 2] * 1e6:.1f} {times[int(len(times) * 0.99)] * 1e6:.1f}")
PY

for round in $(seq 1 "$rounds"); do
  echo "guard.sh: round $round of $rounds" >&2
  for target in $targets; do
    read -r p50 p99 < <($clients python3 "$work/connect.py" "${port_of[$target]}" 2000)
    record connect-p50 "$target" "$p50"
    record connect-p99 "$target" "$p99"
    out=$($clients wrk -t1 -c"$connections" -d"${duration}s" -H 'Connection: close' "http://127.0.0.1:${port_of[$target]}/")
    if echo "$out" | grep -qE 'Non-2xx|Socket errors'; then
      echo "guard.sh: wrk saw errors against $target:" >&2; echo "$out" >&2; exit 1
    fi
    record close "$target" "$(echo "$out" | awk '/Requests\/sec/ { printf "%.0f\n", $2 }')"
  done
done

cell() { echo "$(median < "$work/$1-$2") ±$(spread < "$work/$1-$2")%"; }
ratio() { awk -v a="$(median < "$work/$1-$2")" -v b="$(median < "$work/$1-$3")" 'BEGIN { printf "%.2f×", a / b }'; }

printf '\nusher guard benchmark: %s rounds; wrk %ss with %s connections; servers %s; %s cores\n\n' \
  "$rounds" "$duration" "$connections" "${servers:-unpinned}" "$(nproc)"
echo "| measure | direct | guard | gate | guard/direct | gate/direct |"
echo "|---|--:|--:|--:|--:|--:|"
for measure in connect-p50 connect-p99 close; do
  case "$measure" in
    connect-p50) label="connect() p50 (µs, lower is better)" ;;
    connect-p99) label="connect() p99 (µs, lower is better)" ;;
    close) label="new connections (req/s)" ;;
  esac
  echo "| $label | $(cell "$measure" direct) | $(cell "$measure" guard) | $(cell "$measure" gate) | $(ratio "$measure" guard direct) | $(ratio "$measure" gate direct) |"
done
if grep -qiE 'error|warning' "$work/guard.log"; then echo; echo "guard log:"; cat "$work/guard.log"; fi
