#!/usr/bin/env bash
# Two L7 gateways running at once, both pinned to CPU 1, measured in alternating short bursts so that both see
# the same machine (this machine's speed drifts by up to 2x within minutes, so one run after another compares
# two machines). Prints each burst as "rpsA cpuA rpsB cpuB" (CPU: utime + stime microseconds per request) and
# the median ratios.
#   bench/alt-ab.sh rounds portA portB -- commandA... -- commandB...
# Run by `bench/run.sh interleaved [rounds]` (stock Spring Cloud Gateway against Turnpike); needs SHARED, wrk, nginx.
set -uo pipefail
: "${SHARED:?SHARED must point at the directory holding bench/}"
rounds=$1 portA=$2 portB=$3; shift 4
A=(); while [ "$1" != "--" ]; do A+=("$1"); shift; done; shift; B=("$@")
WORK=$(mktemp -d)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
taskset -c 0 nginx -c "$SHARED/bench/conf/nginx-backend.conf" & PIDS+=($!)
(cd "$WORK" && exec taskset -c 1 "${A[@]}") > "$WORK/a.log" 2>&1 & pidA=$!; PIDS+=($pidA)
(cd "$WORK" && exec taskset -c 1 "${B[@]}") > "$WORK/b.log" 2>&1 & pidB=$!; PIDS+=($pidB)
for port in 19001 "$portA" "$portB"; do
  for _ in $(seq 1 300); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.3; done
done
for _ in $(seq 1 "${WARM_ROUNDS:-6}"); do
  for port in "$portA" "$portB"; do taskset -c 0 wrk -t1 -c64 -d10s "http://127.0.0.1:$port/" > /dev/null; done
done
burst() { # pid port
  local before after out requests
  before=$(awk '{print $14+$15}' "/proc/$1/stat")
  out=$(taskset -c 0 wrk -t1 -c64 -d"${BURST:-5}s" "http://127.0.0.1:$2/")
  after=$(awk '{print $14+$15}' "/proc/$1/stat")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}') $(echo "($after - $before) * 1000000 / $(getconf CLK_TCK) / $requests" | bc -l)"
}
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then a=$(burst $pidA "$portA"); b=$(burst $pidB "$portB")
  else b=$(burst $pidB "$portB"); a=$(burst $pidA "$portA"); fi
  echo "$a $b" | tee -a "$WORK/bursts"
done
python3 - "$WORK/bursts" <<'PY'
import statistics, sys
rows = [list(map(float, line.split())) for line in open(sys.argv[1]) if line.strip()]
print("B/A requests/s: median %.3f (range %.2f-%.2f); CPU per request A/B: median %.3f (A %.1f us, B %.1f us)" % (
    statistics.median(b[2] / b[0] for b in rows), min(b[2] / b[0] for b in rows), max(b[2] / b[0] for b in rows),
    statistics.median(b[1] / b[3] for b in rows), statistics.median(b[1] for b in rows), statistics.median(b[3] for b in rows)))
PY
