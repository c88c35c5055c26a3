#!/usr/bin/env bash
# Stock Spring Cloud Gateway and Turnpike, alternately, N times on the same nginx backend: each alone on
# CPU 1 after 60 s of warm-up, 20 s measured. Prints requests/s and CPU microseconds per request (utime +
# stime of the process over the requests served) for every run, and the median ratio. On a noisy VM one
# pair says little; the median over several alternating pairs is the figure to quote.
#   bench/l7-pairs.sh [pairs]      (run by bench/run.sh pairs [pairs]; needs the vanilla jar and nginx)
set -euo pipefail
PAIRS=${1:-5}
PROJECT=$(cd "$(dirname "$0")/.." && pwd)
: "${SHARED:?SHARED must point at the directory holding bench/}"
VANILLA_JAR=/tmp/vanilla-scg/target/vanilla-scg-0.0.1.jar
RESULTS=$(mktemp)

one() { # label port command...
  local label=$1 port=$2; shift 2
  taskset -c 1 "$@" > "/tmp/l7-pairs-$label.log" 2>&1 & local pid=$!
  for _ in $(seq 1 400); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.3; done
  taskset -c 0 wrk -t1 -c64 -d60s "http://127.0.0.1:$port/" > /dev/null
  local before after out requests rps ticks
  before=$(awk '{print $14+$15}' "/proc/$pid/stat")
  out=$(taskset -c 0 wrk -t1 -c64 -d20s "http://127.0.0.1:$port/")
  after=$(awk '{print $14+$15}' "/proc/$pid/stat")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  ticks=$(getconf CLK_TCK)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local micros
  micros=$(echo "($after - $before) * 1000000 / $ticks / $requests" | bc -l)
  printf "%-10s rps=%-10s cpu_us_per_request=%.1f\n" "$label" "$rps" "$micros"
  echo "$label $rps $micros" >> "$RESULTS"
}

taskset -c 0 nginx -c "$SHARED/bench/conf/nginx-backend.conf" & NGINX=$!
trap 'kill $NGINX 2>/dev/null; rm -f "$RESULTS"' EXIT
for _ in $(seq 1 "$PAIRS"); do
  one scg-vanilla 18080 java -Xmx512m -jar "$VANILLA_JAR"
  one turnpike 8080 java -Xmx512m -jar "$PROJECT/target/turnpike.jar" \
    --spring.config.additional-location="file:$PROJECT/bench/bench.yml"
done
python3 - "$RESULTS" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    label, rps, micros = line.split()
    runs.setdefault(label, []).append((float(rps), float(micros)))
pairs = list(zip(runs["scg-vanilla"], runs["turnpike"]))
ratios = [t[0] / s[0] for s, t in pairs]
print("pairs: %d  median Turnpike/SCG throughput ratio: %.2fx (range %.2f-%.2f)"
      % (len(pairs), statistics.median(ratios), min(ratios), max(ratios)))
print("median CPU us per request: SCG %.1f, Turnpike %.1f"
      % (statistics.median(s[1] for s, _ in pairs), statistics.median(t[1] for _, t in pairs)))
PY
