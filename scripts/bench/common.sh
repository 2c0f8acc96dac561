# What the benchmark scripts share; sourced from the repository's root after option parsing.
#   bench_start PREFIX   a work folder ($work, readable by nginx's workers), $pids of what is
#                        started, all stopped (by PID) and the folder removed on every exit path
#   free_port            a free loopback port
#   wait_for_port PORT NAME   until something listens there, else NAME's log and exit 1
#   median, spread       of numbers on standard input: the median; half the spread in percent of it

bench_start() {
  work=$(mktemp -d "/tmp/$1-XXXXXX")
  chmod 0755 "$work"  # nginx workers (www-data when started as root) read files here
  pids=()
  trap bench_cleanup EXIT INT TERM
}

bench_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_for_port() {  # wait_for_port PORT NAME
  for _ in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "${0##*/}: nothing listens on 127.0.0.1:$1 ($2); its log:" >&2
  cat "$work/$2.log" >&2 2>/dev/null || true
  exit 1
}

median() { sort -n | awk '{ a[NR]=$1 } END { if (NR == 0) print ""; else print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2 }'; }
spread() { sort -n | awk '{ a[NR]=$1 } END { if (NR < 2) { print 0; exit } m = (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2;
  if (m > 0) printf "%.0f\n", 50 * (a[NR] - a[1]) / m; else print 0 }'; }
