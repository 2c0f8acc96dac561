#!/usr/bin/env bash
# Measures usher's gate side by side with HAProxy (mode tcp) and with direct connections to the
# same upstreams, in one run, on loopback:
#   new connections/s   HTTP with "Connection: close": one TCP connection per request (wrk)
#   keep-alive req/s    many requests per connection, with p50 and p99 latency (wrk --latency)
#   redis GET and SET   req/s and p50 latency (redis-benchmark, 20 clients)
#   1 MiB throughput    MB/s of response bodies (wrk, 8 connections)
#   syscalls            per proxied connection, HAProxy and usher (perf stat, during new connections)
#   held connections    50,000 clients held by usher --policy ask: user-space memory per held
#                       connection and CPU while idle
# HAProxy runs with nbthread 1 and 2, usher with --threads 1 and 2. Every round measures every
# target in turn, so that drift affects all alike; each cell is the median of the rounds, ±
# half the spread (max-min) in percent. With two or more cores the servers (nginx, redis, the
# proxies) share core 0 and the load generators get the others (--no-pin: no pinning); on two
# cores the 2-thread rows then show what a second thread costs, not how it scales.
#
# usage: scripts/bench/gate.sh [--duration SECONDS] [--rounds N] [--connections N] [--held N]
#                              [--log-level LEVEL] [--data-path epoll|nio] [--baseline PATH]
#                              [--compare-data-paths] [--no-pin] [--only http|redis|held] [--journal]
#                              [--compare-journal]
#   --log-level   usher's --log-level (default warning; info writes one line per event)
#   --journal     usher keeps its journal (in the run's own folder); without it, --journal none,
#                 as HAProxy here keeps no log either
#   --compare-journal  over HTTP, also usher --threads 1 with its journal and --metrics on (and
#                 scraped once a second), as the column usher-1+journal: what they cost
#   --data-path   usher's USHER_DATA_PATH (default epoll)
#   --baseline    another usher executable (--threads 1) measured beside this one over HTTP
#   --compare-data-paths  the same binary on the SwiftNIO data path as the baseline
#   --held        how many connections the held measurement opens (default 50000; 0 skips it)
#   --only        run one part
# Installs nginx-light, haproxy, wrk, redis and perf when missing; builds usher in release mode;
# everything it starts listens on 127.0.0.1 and is stopped (by PID) on every exit path.
set -euo pipefail
cd "$(dirname "$0")/../.."

duration=5 connections=50 rounds=3 log_level=warning baseline="" data_path=epoll baseline_data_path=epoll
held=50000 pin=auto only="" journal=none compare_journal=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --held) held="$2"; shift 2 ;;
    --log-level) log_level="$2"; shift 2 ;;
    --baseline) baseline="$2"; shift 2 ;;
    --data-path) data_path="$2"; shift 2 ;;
    --compare-data-paths) baseline=self; baseline_data_path=nio; shift ;;
    --no-pin) pin=""; shift ;;
    --only) only="$2"; shift 2 ;;
    --journal) journal=keep; shift ;;
    --compare-journal) compare_journal=yes; shift ;;
    -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gate.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
done
case "$only" in ""|http|redis|held) ;; *) echo "gate.sh: --only takes http, redis or held, not $only" >&2; exit 64 ;; esac
wants() { [ -z "$only" ] || [ "$only" = "$1" ]; }

missing=()
for tool in nginx:nginx-light haproxy:haproxy wrk:wrk redis-server:redis-server redis-benchmark:redis-tools perf:linux-perf; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${tool%%:*}" ] || missing+=("${tool#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || true
fi
PATH="$PATH:/usr/sbin"
if [ -n "$baseline" ] && [ "$baseline" != self ] && [ ! -x "$baseline" ]; then
  echo "gate.sh: --baseline $baseline is not an executable" >&2; exit 64
fi

swift build -c release --product usher >&2
usher="$(swift build -c release --show-bin-path)/usher"
if [ "$baseline" = self ]; then baseline="$usher"; fi

servers="" clients=""
if [ "$pin" = auto ] && [ "$(nproc)" -ge 2 ]; then servers="taskset -c 0" clients="taskset -c 1-$(( $(nproc) - 1 ))"; fi

source scripts/bench/common.sh
bench_start usher-bench

# --- upstreams -------------------------------------------------------------------------------

nginx_port=$(free_port) redis_port=$(free_port)
head -c 1048576 /dev/urandom > "$work/1m.bin"
chmod 0644 "$work/1m.bin"
mkdir -p "$work/nginx"
cat > "$work/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx.log warn;
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
$servers nginx -c "$work/nginx.conf" -p "$work" & pids+=($!)
$servers redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
  --logfile "$work/redis.log" & pids+=($!)

# --- proxies: HAProxy nbthread 1 and 2, usher --threads 1 and 2, each for HTTP and for redis --

start_haproxy() {  # start_haproxy NAME THREADS HTTP_PORT REDIS_PORT
  cat > "$work/$1.cfg" <<CONF
global
  nbthread $2
  maxconn 8000
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend http
  bind 127.0.0.1:$3
  default_backend nginx
backend nginx
  server nginx 127.0.0.1:$nginx_port
frontend redis
  bind 127.0.0.1:$4
  default_backend redis
backend redis
  server redis 127.0.0.1:$redis_port
CONF
  $servers haproxy -f "$work/$1.cfg" -db >"$work/$1.log" 2>&1 & pids+=($!)
}

start_usher() {  # start_usher BINARY NAME PORT UPSTREAM_PORT THREADS DATA_PATH
  local journal_options=()
  # An older build (--baseline) may have no journal.
  local help
  help=$("$1" serve --help 2>/dev/null || true)
  if [[ "$help" == *"--journal "* ]]; then
    journal_options=(--journal none)
    [ "$journal" = keep ] && journal_options=(--journal "$work/$2.journal.sqlite")
  fi
  USHER_DATA_PATH="$6" USHER_CONTROL="$work/$2.sock" $servers "$1" serve --listen "127.0.0.1:$3" \
    --upstream "127.0.0.1:$4" --policy accept --threads "$5" --log-level "$log_level" "${journal_options[@]}" \
    2>"$work/$2.log" & pids+=($!)
}

declare -A http_port redis_port_of pid_of
http_port[direct]=$nginx_port; redis_port_of[direct]=$redis_port
http_targets="direct" redis_targets="direct"
for threads in 1 2; do
  name="haproxy-$threads"
  http_port[$name]=$(free_port); redis_port_of[$name]=$(free_port)
  start_haproxy "$name" "$threads" "${http_port[$name]}" "${redis_port_of[$name]}"
  pid_of[$name]=${pids[-1]}
  http_targets="$http_targets $name"; redis_targets="$redis_targets $name"
done
for threads in 1 2; do
  name="usher-$threads"
  http_port[$name]=$(free_port); redis_port_of[$name]=$(free_port)
  start_usher "$usher" "$name" "${http_port[$name]}" "$nginx_port" "$threads" "$data_path"
  pid_of[$name]=${pids[-1]}
  start_usher "$usher" "$name-redis" "${redis_port_of[$name]}" "$redis_port" "$threads" "$data_path"
  http_targets="$http_targets $name"; redis_targets="$redis_targets $name"
done
if [ -n "$compare_journal" ]; then
  http_port[usher-1+journal]=$(free_port)
  metrics_port=$(free_port)
  USHER_DATA_PATH="$data_path" USHER_CONTROL="$work/usher-1+journal.sock" $servers "$usher" serve \
    --listen "127.0.0.1:${http_port[usher-1+journal]}" --upstream "127.0.0.1:$nginx_port" --policy accept --threads 1 \
    --log-level "$log_level" --journal "$work/usher-1+journal.sqlite" --metrics "127.0.0.1:$metrics_port" \
    2>"$work/usher-1+journal.log" & pids+=($!)
  pid_of[usher-1+journal]=${pids[-1]}
  http_targets="$http_targets usher-1+journal"
  # Scraped once a second, as a busy Prometheus would.
  ( while sleep 1; do curl -s -o /dev/null "http://127.0.0.1:$metrics_port/metrics" || true; done ) & pids+=($!)
fi
if [ -n "$baseline" ]; then
  http_port[baseline]=$(free_port)
  start_usher "$baseline" baseline "${http_port[baseline]}" "$nginx_port" 1 "$baseline_data_path"
  http_targets="$http_targets baseline"
fi
for target in $http_targets; do wait_for_port "${http_port[$target]}" "$target"; done
for target in $redis_targets; do wait_for_port "${redis_port_of[$target]}" "$target"; done

# --- measures --------------------------------------------------------------------------------

# Converts wrk's latency ("812.00us", "1.23ms", "2.01s") to milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.3f\n", n }'; }

# Appends "value" lines to $work/<measure>-<target> files.
record() { echo "$3" >> "$work/$1-$2"; }

measure_http() {  # measure_http KIND TARGET
  local kind=$1 target=$2 port=${http_port[$2]} out
  case "$kind" in
    close) out=$($clients wrk -t1 -c"$connections" -d"${duration}s" -H 'Connection: close' "http://127.0.0.1:$port/") ;;
    keepalive) out=$($clients wrk -t1 -c"$connections" -d"${duration}s" --latency "http://127.0.0.1:$port/") ;;
    throughput) out=$($clients wrk -t1 -c8 -d"${duration}s" "http://127.0.0.1:$port/1m") ;;
  esac
  if [ -n "${USHER_BENCH_VERBOSE:-}" ]; then echo "$out" >&2; fi
  if echo "$out" | grep -qE 'Non-2xx|Socket errors'; then
    echo "gate.sh: wrk saw errors against $target ($kind):" >&2
    echo "$out" >&2
    exit 1
  fi
  case "$kind" in
    throughput)
      record throughput "$target" "$(echo "$out" | awk '/Transfer\/sec/ { v=$2; u=substr(v, length(v)-1); n=substr(v, 1, length(v)-2);
        if (u=="GB") n*=1024; else if (u=="KB") n/=1024; printf "%.1f\n", n }')" ;;
    *)
      record "$kind" "$target" "$(echo "$out" | awk '/Requests\/sec/ { printf "%.0f\n", $2 }')" ;;
  esac
  if [ "$kind" = keepalive ]; then
    record keepalive-p50 "$target" "$(to_ms "$(echo "$out" | awk '$1 == "50%" { print $2 }')")"
    record keepalive-p99 "$target" "$(to_ms "$(echo "$out" | awk '$1 == "99%" { print $2 }')")"
  fi
}

measure_redis() {  # measure_redis TARGET
  local target=$1 port=${redis_port_of[$1]} requests out
  requests=$(( duration * 40000 ))
  out=$($clients redis-benchmark -h 127.0.0.1 -p "$port" -c 20 -n "$requests" -t get,set --csv)
  if [ -n "${USHER_BENCH_VERBOSE:-}" ]; then echo "$out" >&2; fi
  # "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms",...
  for test in GET SET; do
    local line; line=$(echo "$out" | tr -d '"' | awk -F, -v t="$test" '$1 == t')
    [ -n "$line" ] || { echo "gate.sh: redis-benchmark gave no $test figure against $target: $out" >&2; exit 1; }
    record "redis-$test" "$target" "$(echo "$line" | awk -F, '{ printf "%.0f\n", $2 }')"
    record "redis-$test-p50" "$target" "$(echo "$line" | awk -F, '{ print $5 }')"
  done
}

# System calls per connection: every thread's, counted by perf during a new-connections run.
measure_syscalls() {  # measure_syscalls TARGET
  local target=$1 port=${http_port[$1]} out requests calls
  command -v perf >/dev/null 2>&1 || return 0
  perf stat -e raw_syscalls:sys_enter -p "${pid_of[$target]}" -o "$work/perf-$target" -- sleep $(( duration + 1 )) &
  local perf_pid=$!
  sleep 0.5
  out=$($clients wrk -t1 -c"$connections" -d"${duration}s" -H 'Connection: close' "http://127.0.0.1:$port/")
  wait "$perf_pid" || return 0
  requests=$(echo "$out" | awk '/requests in/ { print $1 }')
  calls=$(awk '/raw_syscalls/ { gsub(",", "", $1); print $1 }' "$work/perf-$target")
  [ -n "$calls" ] && [ "${requests:-0}" -gt 0 ] && record syscalls "$target" "$(awk -v c="$calls" -v r="$requests" 'BEGIN { printf "%.1f\n", c / r }')"
}

for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds" >&2
  if wants http; then
    for kind in close keepalive throughput; do
      for target in $http_targets; do measure_http "$kind" "$target"; done
    done
  fi
  if wants redis; then
    for target in $redis_targets; do measure_redis "$target"; done
  fi
done
if wants http; then
  for target in haproxy-1 usher-1; do measure_syscalls "$target"; done
fi

# --- held connections ------------------------------------------------------------------------

held_summary=""
measure_held() {
  local port control rss_before rss_after ticks_before ticks_after hz seconds=10 holder
  port=$(free_port) control="$work/held.sock"
  local hard note=""
  hard=$(ulimit -Hn)
  # usher keeps room for an upstream socket per connection: it holds up to half its limit.
  if [ "$hard" != unlimited ] && [ $(( held * 2 + 1000 )) -gt "$hard" ] && ! ulimit -Hn $(( held * 2 + 1000 )) 2>/dev/null; then
    note=" (not $held: the hard limit on open files is $hard here, raising it needs CAP_SYS_RESOURCE, and usher keeps room for an upstream socket per connection)"
    held=$(( hard / 2 - 200 ))
  fi
  local limit=$(( held * 2 + 1000 ))
  if [ "$hard" != unlimited ] && [ "$limit" -gt "$(ulimit -Hn)" ]; then limit=$(ulimit -Hn); fi
  ulimit -n "$limit" 2>/dev/null || { held_summary="(skipped: cannot raise ulimit -n to $limit)"; return 0; }
  USHER_DATA_PATH="$data_path" USHER_CONTROL="$control" $servers "$usher" serve --listen "127.0.0.1:$port" \
    --upstream "127.0.0.1:$nginx_port" --policy ask --pending-timeout 1h --max-pending $(( held + 100 )) \
    --max-connections $(( held + 100 )) --threads 1 --log-level warning --journal none 2>"$work/held.log" & pids+=($!)
  holder=${pids[-1]}
  wait_for_port "$port" held
  sleep 1
  rss_before=$(awk '/VmRSS/ { print $2 }' "/proc/$holder/status")
  # Opens the connections from several loopback addresses (one has too few ephemeral ports),
  # says "held N", then keeps them until stdin closes.
  cat > "$work/hold.py" <<'PY'
import resource, socket, sys
port, count = int(sys.argv[1]), int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_NOFILE, (count + 500, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
held = []
for i in range(count):
    s = socket.socket()
    s.bind((f"127.0.0.{2 + i % 8}", 0))
    s.connect(("127.0.0.1", port))
    held.append(s)
print(f"held {len(held)}", flush=True)
sys.stdin.read()
PY
  mkfifo "$work/hold.in"
  $clients python3 "$work/hold.py" "$port" "$held" < "$work/hold.in" > "$work/hold.out" 2>&1 & pids+=($!)
  local client=${pids[-1]}
  exec 7>"$work/hold.in"
  for _ in $(seq 1 1200); do grep -q '^held' "$work/hold.out" && break; kill -0 "$client" 2>/dev/null || break; sleep 0.1; done
  if ! grep -q '^held' "$work/hold.out"; then
    held_summary="(failed: $(tail -1 "$work/hold.out"))"; exec 7>&-; return 0
  fi
  # Until usher has taken every one of them from the kernel.
  local pending=0
  for _ in $(seq 1 600); do
    pending=$(USHER_CONTROL="$control" "$usher" listeners --json 2>/dev/null | grep -o '"pending":[0-9]*' | head -1 | cut -d: -f2)
    [ "${pending:-0}" -ge "$held" ] && break
    sleep 0.1
  done
  sleep 2
  rss_after=$(awk '/VmRSS/ { print $2 }' "/proc/$holder/status")
  hz=$(getconf CLK_TCK)
  ticks_before=$(awk '{ print $14 + $15 }' "/proc/$holder/stat")
  sleep "$seconds"
  ticks_after=$(awk '{ print $14 + $15 }' "/proc/$holder/stat")
  exec 7>&-
  held_summary=$(awk -v n="$held" -v p="${pending:-0}" -v a="$rss_after" -v b="$rss_before" -v t=$(( ticks_after - ticks_before )) \
    -v hz="$hz" -v s="$seconds" -v note="$note" 'BEGIN {
      printf "%d connections held (%d pending in usher)%s: RSS %.1f MiB before, %.1f MiB after: %.2f KiB per held connection; idle CPU %.2f %% over %d s\n",
        n, p, note, b / 1024, a / 1024, (a - b) / n, 100 * t / hz / s, s }')
}
if wants held && [ "$held" -gt 0 ]; then measure_held; fi

# --- report ----------------------------------------------------------------------------------

cell() {  # cell MEASURE TARGET -> "median ±spread%"
  local file="$work/$1-$2"
  [ -s "$file" ] || { echo "–"; return; }
  if [ "$(wc -l < "$file")" -gt 1 ]; then echo "$(median < "$file") ±$(spread < "$file")%"; else median < "$file"; fi
}
value() { local file="$work/$1-$2"; [ -s "$file" ] && median < "$file" || echo ""; }
ratio() { awk -v a="$(value "$1" "$2")" -v b="$(value "$1" "$3")" 'BEGIN { if (a != "" && b > 0) printf "%.2f×", a / b; else print "–" }'; }

columns="direct haproxy-1 haproxy-2 usher-1 usher-2"
if [ -n "$compare_journal" ]; then columns="$columns usher-1+journal"; fi
if [ -n "$baseline" ]; then columns="$columns baseline"; fi
printf '\nusher gate benchmark: %s rounds of %ss; usher --log-level %s, journal %s, data path %s; servers %s\n' \
  "$rounds" "$duration" "$log_level" "$journal" "$data_path" "${servers:-unpinned}"
if [ -n "$baseline" ]; then printf 'baseline: %s (--threads 1, data path %s)\n' "$baseline" "$baseline_data_path"; fi
printf '%s, %s, %s, %s; %s cores\n\n' "$(nginx -v 2>&1 | sed 's/.*: //')" "$(haproxy -v | head -1 | cut -d' ' -f1-3)" \
  "$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)" "$(redis-server --version | cut -d' ' -f1-3)" "$(nproc)"
header="| measure |"; rule="|---|"
for column in $columns; do header="$header $column |"; rule="$rule--:|"; done
header="$header usher-1/HAProxy-1 | usher-2/HAProxy-2 | usher-1/direct |"; rule="$rule--:|--:|--:|"
if [ -n "$compare_journal" ]; then header="$header journal on/off |"; rule="$rule--:|"; fi
# The header when any row follows (one part alone measures only some of them).
if compgen -G "$work/close-*" >/dev/null || compgen -G "$work/redis-GET-*" >/dev/null; then echo "$header"; echo "$rule"; fi
for measure in close keepalive keepalive-p50 keepalive-p99 redis-GET redis-GET-p50 redis-SET redis-SET-p50 throughput syscalls; do
  case "$measure" in
    close) label="new connections (req/s)" ;;
    keepalive) label="keep-alive (req/s)" ;;
    keepalive-p50) label="keep-alive p50 (ms, lower is better)" ;;
    keepalive-p99) label="keep-alive p99 (ms, lower is better)" ;;
    redis-GET) label="redis GET (req/s)" ;;
    redis-GET-p50) label="redis GET p50 (ms, lower is better)" ;;
    redis-SET) label="redis SET (req/s)" ;;
    redis-SET-p50) label="redis SET p50 (ms, lower is better)" ;;
    throughput) label="1 MiB responses (MB/s)" ;;
    syscalls) label="syscalls per connection (lower is better)" ;;
  esac
  ls "$work/$measure-"* >/dev/null 2>&1 || continue
  row="| $label |"
  for column in $columns; do row="$row $(cell "$measure" "$column") |"; done
  row="$row $(ratio "$measure" usher-1 haproxy-1) | $(ratio "$measure" usher-2 haproxy-2) | $(ratio "$measure" usher-1 direct) |"
  if [ -n "$compare_journal" ]; then row="$row $(ratio "$measure" usher-1+journal usher-1) |"; fi
  echo "$row"
done
if [ -n "$held_summary" ]; then printf '\nheld (usher --policy ask --threads 1): %s\n' "$held_summary"; fi
for log in "$work"/usher-*.log "$work"/baseline.log "$work"/held.log; do
  [ -f "$log" ] || continue
  if grep -qE ' (warning|error|critical) ' "$log"; then
    echo; echo "$(basename "$log" .log) warnings:"; grep -E ' (warning|error|critical) ' "$log" | tail -5
  fi
done
