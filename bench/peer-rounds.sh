# Sourced by bench/tls-handshakes.sh, bench/l4-newconn.sh and bench/passthrough-rounds.sh: one request per connection ("Connection: close")
# against Turnpike, nginx and HAProxy running at once, measured in alternating bursts after a warm-up, so every
# round compares them on the same machine; prints each round and the medians of the per-round ratios.
# Each burst also reads /proc/stat: the proxy core's (CPU 1) busy time per request, a figure the machine's drift
# moves less than the rates, and how busy the core of the load generator and backends (CPU 0) was: near 100% there,
# that core, not the proxy, sets the rate. CPU 1's time includes the two idle proxies' (about 1% of the core) and steal time.
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
# LOAD=keepalive measures keep-alive requests (wrk -c64) instead, LOAD=bulk 10 MiB responses (/big, wrk -c8) in MB/s
case "${LOAD:-}" in
  keepalive) wrk_load() { taskset -c 0 wrk -t1 -c64 -d"$2" "$1"; } ;;
  bulk) wrk_load() { taskset -c 0 wrk -t1 -c8 -d"$2" "${1}big"; } ;;
  *) wrk_load() { taskset -c 0 wrk -t1 -c32 -d"$2" -H "Connection: close" "$1"; } ;;
esac
cpu_jiffies() { awk '/^cpu[01] / {printf "%s %s ", $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat; }
# burst url duration: prints the rate, CPU 1's microseconds per request and CPU 0's busy percentage
burst() {
  local before out after
  before=$(cpu_jiffies); out=$(wrk_load "$1" "$2" 2>&1); after=$(cpu_jiffies)
  echo "$out" | awk -v before="$before" -v after="$after" -v bulk="$([ "${LOAD:-}" = bulk ] && echo 1)" '
    /Requests\/sec/ {rps = $2}
    /Transfer\/sec/ {t = $2; m = t ~ /GB/ ? 1024 : t ~ /KB/ ? 1 / 1024 : 1; sub(/[KMG]B/, "", t); mbs = t * m}
    END {
      split(before, b, " "); split(after, a, " ")
      busy0 = a[1] - b[1]; idle0 = a[2] - b[2]; busy1 = a[3] - b[3]; idle1 = a[4] - b[4]
      if (rps == 0 || busy0 + idle0 == 0 || busy1 + idle1 == 0) { print "0 0 0"; exit }
      printf "%s %.1f %.1f\n", bulk ? sprintf("%.0f", mbs) : rps, 1e6 * busy1 / (busy1 + idle1) / rps, 100 * busy0 / (busy0 + idle0)
    }'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# peer_rounds unit rounds seconds warm-seconds turnpike-url nginx-url haproxy-url
peer_rounds() {
  local unit=$1 rounds=$2 secs=$3 warm=$4 t_url=$5 n_url=$6 h_url=$7 rates t n h
  [ "${LOAD:-}" = keepalive ] && unit="keep-alive requests"
  [ "${LOAD:-}" = bulk ] && unit="MB"
  burst "$n_url" 10s >/dev/null; burst "$h_url" 10s >/dev/null; burst "$t_url" "${warm}s" >/dev/null
  rates=$(mktemp)
  for round in $(seq 1 "$rounds"); do
    t=($(burst "$t_url" "${secs}s")); n=($(burst "$n_url" "${secs}s")); h=($(burst "$h_url" "${secs}s"))
    printf "round %-2s turnpike=%-9s nginx=%-9s haproxy=%-9s  CPU 1 µs/request %s %s %s  CPU 0 busy %s%% %s%% %s%%\n" \
      "$round" "${t[0]}" "${n[0]}" "${h[0]}" "${t[1]}" "${n[1]}" "${h[1]}" "${t[2]}" "${n[2]}" "${h[2]}"
    echo "${t[*]} ${n[*]} ${h[*]}" >> "$rates"
  done
  echo "median $unit/s: turnpike $(awk '{print $1}' "$rates" | median)," \
    "nginx $(awk '{print $4}' "$rates" | median), haproxy $(awk '{print $7}' "$rates" | median)"
  echo "median per-round ratio: vs nginx $(awk '{print $1/$4}' "$rates" | median)," \
    "vs haproxy $(awk '{print $1/$7}' "$rates" | median)"
  echo "median CPU 1 µs per request: turnpike $(awk '{print $2}' "$rates" | median)," \
    "nginx $(awk '{print $5}' "$rates" | median), haproxy $(awk '{print $8}' "$rates" | median)"
  echo "median CPU 0 busy: turnpike's bursts $(awk '{print $3}' "$rates" | median)%," \
    "nginx's $(awk '{print $6}' "$rates" | median)%, haproxy's $(awk '{print $9}' "$rates" | median)%"
}
