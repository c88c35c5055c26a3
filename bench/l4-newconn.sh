#!/usr/bin/env bash
# New TCP connections per second through an L4 proxy (one HTTP request per connection, "Connection: close")
# for nginx stream, HAProxy mode tcp and Turnpike's TCP listener, all three running at once on CPU 1 and each
# warmed on that same load first (../shared/bench/l4-peers.sh measures this load straight after keep-alive
# and bulk loads, while the JVM is still compiling the connection path). They are then measured in
# alternating bursts, so every round compares them on the same machine; the medians of the per-round ratios
# are the figures to quote. Uses the peers' configuration from ../shared/bench.
# Usage: bench/l4-newconn.sh [rounds] [seconds-per-burst] [warm-seconds]
set -u
cd "$(dirname "$0")/.."
PROJECT=$PWD
SHARED=$(cd "${SHARED:-../shared}" && pwd)
ROUNDS=${1:-6}; SECS=${2:-5}; WARM=${3:-60}
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT
waitport() { for i in $(seq 1 600); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; return 1; }
connections() { taskset -c 0 wrk -t1 -c32 -d"$2" -H "Connection: close" "http://127.0.0.1:$1/" 2>&1 | awk '/Requests\/sec/ {print $2}'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mvn -B -q package -DskipTests
RUN_DIR=$(mktemp -d); cd "$RUN_DIR"
taskset -c 0 nginx -c "$SHARED/bench/conf/nginx-backend.conf" >/dev/null 2>&1 & PIDS+=($!)
taskset -c 1 nginx -c "$SHARED/bench/conf/nginx-proxy.conf" >/dev/null 2>&1 & PIDS+=($!)
taskset -c 1 haproxy -f "$SHARED/bench/conf/haproxy.cfg" -db >/dev/null 2>&1 & PIDS+=($!)
taskset -c 1 java -Xmx512m -jar "$PROJECT/target/turnpike.jar" --spring.config.additional-location="file:$PROJECT/bench/bench.yml" \
  >/tmp/bench-gateway-newconn.log 2>&1 & PIDS+=($!)
for port in 19001 19002 18091 18092 9000; do waitport $port || { echo "port $port never opened" >&2; exit 1; }; done

connections 18091 10s >/dev/null; connections 18092 10s >/dev/null; connections 9000 "${WARM}s" >/dev/null
: > "$RUN_DIR/rates"
for round in $(seq 1 "$ROUNDS"); do
  t=$(connections 9000 "${SECS}s"); n=$(connections 18091 "${SECS}s"); h=$(connections 18092 "${SECS}s")
  printf "round %-2s turnpike=%-9s nginx=%-9s haproxy=%-9s\n" "$round" "$t" "$n" "$h"
  echo "$t $n $h" >> "$RUN_DIR/rates"
done
echo "median connections/s: turnpike $(awk '{print $1}' "$RUN_DIR/rates" | median)," \
  "nginx $(awk '{print $2}' "$RUN_DIR/rates" | median), haproxy $(awk '{print $3}' "$RUN_DIR/rates" | median)"
echo "median per-round ratio: vs nginx $(awk '{print $1/$2}' "$RUN_DIR/rates" | median)," \
  "vs haproxy $(awk '{print $1/$3}' "$RUN_DIR/rates" | median)"
