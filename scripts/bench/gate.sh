#!/usr/bin/env bash
# Measures usher's gate side by side with HAProxy (mode tcp, nbthread 1) and with direct
# connections to the same nginx upstream, in one run, with wrk on loopback:
#   new connections/s  (HTTP with "Connection: close": one TCP connection per request)
#   keep-alive req/s   (many requests per connection)
#   1 MiB throughput   (MB/s of response bodies)
# It prints each figure and usher's ratio to HAProxy and to direct. With --baseline, a second
# usher binary (an earlier build) is measured in the same run, and usher's ratio to it printed.
#
# usage: scripts/bench/gate.sh [--duration SECONDS] [--connections N] [--rounds N] [--usher-threads N]
#                              [--log-level LEVEL] [--baseline PATH] [--data-path nio|epoll]
#                              [--compare-data-paths]
#   --log-level   usher's --log-level (default warning; info writes one line per event)
#   --baseline    another usher executable to measure beside this one
#   --data-path   usher's USHER_DATA_PATH (default nio)
#   --compare-data-paths  usher on epoll, and the same binary on nio as the baseline
# Installs nginx-light, haproxy and wrk when missing; builds usher in release mode; everything
# it starts listens on 127.0.0.1 and is stopped (by PID) on every exit path.
set -euo pipefail
cd "$(dirname "$0")/../.."

duration=10 connections=50 rounds=3 usher_threads=1 log_level=warning baseline="" data_path=nio baseline_data_path=nio
compare_paths=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --usher-threads) usher_threads="$2"; shift 2 ;;
    --log-level) log_level="$2"; shift 2 ;;
    --baseline) baseline="$2"; shift 2 ;;
    --data-path) data_path="$2"; shift 2 ;;
    --compare-data-paths) compare_paths=1; data_path=epoll; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gate.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
done

missing=()
for tool in nginx:nginx-light haproxy:haproxy wrk:wrk; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${tool%%:*}" ] || missing+=("${tool#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
PATH="$PATH:/usr/sbin"
if [ -n "$baseline" ] && [ ! -x "$baseline" ]; then
  echo "gate.sh: --baseline $baseline is not an executable" >&2; exit 64
fi

swift build -c release --product usher >&2
usher="$(swift build -c release --show-bin-path)/usher"
if [ -n "$compare_paths" ]; then baseline="$usher"; fi

work=$(mktemp -d /tmp/usher-bench-XXXXXX)
chmod 0755 "$work"  # nginx workers (www-data when started as root) read the 1 MiB file here
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_for_port() {
  for _ in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "gate.sh: nothing listens on 127.0.0.1:$1 ($2); its log:" >&2
  cat "$work/$2.log" >&2 2>/dev/null || true
  exit 1
}

nginx_port=$(free_port) haproxy_port=$(free_port) usher_port=$(free_port) baseline_port=$(free_port)

head -c 1048576 /dev/urandom > "$work/1m.bin"
chmod 0644 "$work/1m.bin"
mkdir -p "$work/nginx"
cat > "$work/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx;
  proxy_temp_path $work/nginx;
  fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx;
  scgi_temp_path $work/nginx;
  server {
    listen 127.0.0.1:$nginx_port backlog=4096;
    location = / { return 200 "ok\n"; }
    location = /1m { alias $work/1m.bin; }
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" & pids+=($!)

cat > "$work/haproxy.cfg" <<CONF
global
  nbthread 1
  maxconn 8000
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend gate
  bind 127.0.0.1:$haproxy_port
  default_backend upstream
backend upstream
  server nginx 127.0.0.1:$nginx_port
CONF
haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 & pids+=($!)

start_usher() {  # start_usher BINARY PORT NAME DATA_PATH
  USHER_DATA_PATH="$4" USHER_CONTROL="$work/$3.sock" "$1" serve --listen "127.0.0.1:$2" --upstream "127.0.0.1:$nginx_port" \
    --policy accept --threads "$usher_threads" --log-level "$log_level" 2>"$work/$3.log" & pids+=($!)
}
start_usher "$usher" "$usher_port" usher "$data_path"
targets="direct:$nginx_port haproxy:$haproxy_port usher:$usher_port"
if [ -n "$baseline" ]; then
  start_usher "$baseline" "$baseline_port" baseline "$baseline_data_path"
  targets="$targets baseline:$baseline_port"
fi

wait_for_port "$nginx_port" nginx-error; wait_for_port "$haproxy_port" haproxy; wait_for_port "$usher_port" usher
if [ -n "$baseline" ]; then wait_for_port "$baseline_port" baseline; fi

# wrk prints "Requests/sec: N" and "Transfer/sec: N(KB|MB|GB)"; print requests/s or MB/s.
measure() {  # measure KIND PORT
  local kind=$1 port=$2 out
  case "$kind" in
    close) out=$(wrk -t1 -c"$connections" -d"${duration}s" -H 'Connection: close' "http://127.0.0.1:$port/") ;;
    keepalive) out=$(wrk -t1 -c"$connections" -d"${duration}s" "http://127.0.0.1:$port/") ;;
    throughput) out=$(wrk -t1 -c8 -d"${duration}s" "http://127.0.0.1:$port/1m") ;;
  esac
  if [ -n "${USHER_BENCH_VERBOSE:-}" ]; then echo "$out" >&2; fi
  if echo "$out" | grep -qE 'Non-2xx|Socket errors'; then
    echo "gate.sh: wrk saw errors against port $port ($kind):" >&2
    echo "$out" >&2
    exit 1
  fi
  if [ "$kind" = throughput ]; then
    echo "$out" | awk '/Transfer\/sec/ { v=$2; u=substr(v, length(v)-1); n=substr(v, 1, length(v)-2);
      if (u=="GB") n*=1024; else if (u=="KB") n/=1024; printf "%.1f\n", n }'
  else
    echo "$out" | awk '/Requests\/sec/ { printf "%.0f\n", $2 }'
  fi
}

median() { sort -n | awk '{ a[NR]=$1 } END { print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2 }'; }

declare -A results
for kind in close keepalive throughput; do
  for target in $targets; do
    : > "$work/$kind-${target%%:*}"
  done
  for round in $(seq 1 "$rounds"); do
    # Interleave the targets in every round so that drift affects all alike.
    for target in $targets; do
      measure "$kind" "${target#*:}" >> "$work/$kind-${target%%:*}"
    done
  done
  for target in $targets; do
    results[$kind-${target%%:*}]=$(median < "$work/$kind-${target%%:*}")
  done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "n/a" }'; }

printf '\nusher gate benchmark: %s rounds of %ss, %s connections, usher --threads %s --log-level %s (data path %s), HAProxy nbthread 1, nginx 1 worker\n' \
  "$rounds" "$duration" "$connections" "$usher_threads" "$log_level" "$data_path"
if [ -n "$baseline" ]; then printf 'baseline: %s (data path %s)\n' "$baseline" "$baseline_data_path"; fi
printf '%s, %s, %s; %s cores\n\n' "$(nginx -v 2>&1 | sed 's/.*: //')" "$(haproxy -v | head -1 | cut -d' ' -f1-3)" \
  "$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)" "$(nproc)"
if [ -n "$baseline" ]; then
  printf '| %-26s | %12s | %12s | %12s | %12s | %10s | %10s | %10s |\n' measure direct HAProxy usher baseline \
    "usher/HAProxy" "usher/direct" "usher/baseline"
  printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' "----------------------------" "--------------" "--------------" \
    "--------------" "--------------" "------------" "------------" "------------"
else
  printf '| %-26s | %12s | %12s | %12s | %10s | %10s |\n' measure direct HAProxy usher "usher/HAProxy" "usher/direct"
  printf '|%s|%s|%s|%s|%s|%s|\n' "----------------------------" "--------------" "--------------" "--------------" \
    "------------" "------------"
fi
for kind in close keepalive throughput; do
  case "$kind" in
    close) label="new connections (req/s)" ;;
    keepalive) label="keep-alive (req/s)" ;;
    throughput) label="1 MiB responses (MB/s)" ;;
  esac
  d=${results[$kind-direct]} h=${results[$kind-haproxy]} u=${results[$kind-usher]}
  if [ -n "$baseline" ]; then
    b=${results[$kind-baseline]}
    printf '| %-26s | %12s | %12s | %12s | %12s | %10s | %10s | %10s |\n' "$label" "$d" "$h" "$u" "$b" \
      "$(ratio "$u" "$h")" "$(ratio "$u" "$d")" "$(ratio "$u" "$b")"
  else
    printf '| %-26s | %12s | %12s | %12s | %10s | %10s |\n' "$label" "$d" "$h" "$u" "$(ratio "$u" "$h")" "$(ratio "$u" "$d")"
  fi
done
for name in usher baseline; do
  if [ -f "$work/$name.log" ] && grep -qE ' (warning|error|critical) ' "$work/$name.log"; then
    echo; echo "$name warnings:"; grep -E ' (warning|error|critical) ' "$work/$name.log" | tail -5
  fi
done
