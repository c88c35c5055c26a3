#!/usr/bin/env bash
# The throughput cost of a JWT-checked route against an open one, on the same gateway in one run:
# the gateway alone on CPU 1, the nginx backend and wrk on CPU 0; after a warm-up of both paths,
# the two are measured in turns (open, jwt) for ROUNDS rounds (default 5); each round gives a ratio,
# and the median ratio is printed, which a noisy machine disturbs less than a single pair.
# Run through bench/run.sh jwt [seconds] [connections].
set -u
SECS=${1:-10}; CONNS=${2:-64}
SECRET="turnpike-benchmark-secret-not-for-production-use"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT
waitport() { for i in $(seq 1 1200); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; return 1; }
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
payload=$(printf '{"sub":"bench","exp":%d}' $(( $(date +%s) + 86400 )) | b64url)
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$SECRET" -binary | b64url)
TOKEN="$header.$payload.$signature"

taskset -c 0 nginx -c "$SHARED/bench/conf/nginx-backend.conf" & PIDS+=($!)
waitport 19001
taskset -c 1 bash -c "exec $GATEWAY_CMD" >/tmp/bench-gateway.log 2>&1 & PIDS+=($!)
waitport 8080
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/jwt/)
[ "$code" = 200 ] || { echo "the signed token was not accepted ($code)" >&2; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/jwt/)" = 401 ] || { echo "/jwt/ is not protected" >&2; exit 1; }
measure() { # name path [header]
  taskset -c 0 wrk -t1 -c"$CONNS" -d"${SECS}s" ${3:+-H "$3"} "http://127.0.0.1:8080$2" > /tmp/wrk-$1.txt 2>&1
  awk '/Requests\/sec/ {print $2}' /tmp/wrk-$1.txt
}
WARM=${JVM_WARM:-60}
SECS=$((WARM / 2)) measure warm-open / >/dev/null
SECS=$((WARM / 2)) measure warm-jwt /jwt/ "Authorization: Bearer $TOKEN" >/dev/null
ratios=()
for round in $(seq 1 "${ROUNDS:-5}"); do
  o=$(measure open /); j=$(measure jwt /jwt/ "Authorization: Bearer $TOKEN")
  grep -h -E 'Non-2xx|Socket errors' /tmp/wrk-open.txt /tmp/wrk-jwt.txt
  r=$(awk -v o="$o" -v j="$j" 'BEGIN { printf "%.3f", j / o }')
  echo "round $round: open $o rps, jwt $j rps, jwt/open $r"
  ratios+=("$r")
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
awk -v m="$median" 'BEGIN { printf "median jwt/open = %.3f (the JWT check costs %.1f%% of requests/s)\n", m, (1 - m) * 100 }'
