# Sourced by bench/tls-handshakes.sh, bench/l4-newconn.sh and bench/passthrough-rounds.sh: one request per connection ("Connection: close")
# against Turnpike, nginx and HAProxy running at once, measured in alternating bursts after a warm-up, so every
# round compares them on the same machine; prints each round and the medians of the per-round ratios.
# The sourcing script has cd'd to the project; this reads its arguments [rounds] [seconds-per-burst] [warm-seconds],
# builds the gateway, and leaves it in an empty directory with every process it records in PIDS stopped on exit.
PROJECT=$PWD
SHARED=$(cd "${SHARED:-../shared}" && pwd)
ROUNDS=${1:-6}; SECS=${2:-5}; WARM=${3:-60}
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT
mvn -B -q package -DskipTests || exit 1
RUN_DIR=$(mktemp -d); cd "$RUN_DIR"
waitport() { for i in $(seq 1 1200); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; return 1; }
# start_turnpike log-file [argument...]: Turnpike on CPU 1 with bench/bench.yml and the given arguments
start_turnpike() {
  local log=$1; shift
  taskset -c 1 java -Xmx512m -jar "$PROJECT/target/turnpike.jar" --spring.config.additional-location="file:$PROJECT/bench/bench.yml" \
    "$@" >"$log" 2>&1 & PIDS+=($!)
}
# wait_ports port...: every port must open, or the run stops
wait_ports() { for port in "$@"; do waitport "$port" || { echo "port $port never opened" >&2; exit 1; }; done; }
# LOAD=keepalive measures keep-alive requests (wrk -c64) instead
if [ "${LOAD:-}" = keepalive ]; then
  burst() { taskset -c 0 wrk -t1 -c64 -d"$2" "$1" 2>&1 | awk '/Requests\/sec/ {print $2}'; }
else
  burst() { taskset -c 0 wrk -t1 -c32 -d"$2" -H "Connection: close" "$1" 2>&1 | awk '/Requests\/sec/ {print $2}'; }
fi
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# peer_rounds unit rounds seconds warm-seconds turnpike-url nginx-url haproxy-url
peer_rounds() {
  local unit=$1 rounds=$2 secs=$3 warm=$4 t_url=$5 n_url=$6 h_url=$7 rates t n h
  [ "${LOAD:-}" = keepalive ] && unit="keep-alive requests"
  burst "$n_url" 10s >/dev/null; burst "$h_url" 10s >/dev/null; burst "$t_url" "${warm}s" >/dev/null
  rates=$(mktemp)
  for round in $(seq 1 "$rounds"); do
    t=$(burst "$t_url" "${secs}s"); n=$(burst "$n_url" "${secs}s"); h=$(burst "$h_url" "${secs}s")
    printf "round %-2s turnpike=%-9s nginx=%-9s haproxy=%-9s\n" "$round" "$t" "$n" "$h"
    echo "$t $n $h" >> "$rates"
  done
  echo "median $unit/s: turnpike $(awk '{print $1}' "$rates" | median)," \
    "nginx $(awk '{print $2}' "$rates" | median), haproxy $(awk '{print $3}' "$rates" | median)"
  echo "median per-round ratio: vs nginx $(awk '{print $1/$2}' "$rates" | median)," \
    "vs haproxy $(awk '{print $1/$3}' "$rates" | median)"
}
