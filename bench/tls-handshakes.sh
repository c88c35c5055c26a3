#!/usr/bin/env bash
# New TLS handshakes per second (one request per connection, "Connection: close"), each proxy alone on CPU 1
# and each warmed on that same load first, so the JVM's compiler has finished with the handshake path
# (../shared/bench/tls-peers.sh warms with keep-alive requests only). Uses the peers' configuration and
# certificate from ../shared/bench (run tls-peers.sh once to make /tmp/bench-tls).
# Usage: bench/tls-handshakes.sh [seconds] [warm-seconds]; TLS_ENGINE=openssl|jdk picks the gateway's engine.
set -u
cd "$(dirname "$0")/.."
PROJECT=$PWD
SHARED=$(cd "${SHARED:-../shared}" && pwd)
SECS=${1:-10}; WARM=${2:-60}
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT
[ -f /tmp/bench-tls/cert.pem ] || { echo "no /tmp/bench-tls/cert.pem: run $SHARED/bench/tls-peers.sh once" >&2; exit 1; }
waitport() { for i in $(seq 1 600); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; return 1; }
handshakes() { taskset -c 0 wrk -t1 -c32 -d"$2" -H "Connection: close" "https://127.0.0.1:$1/" 2>&1 | awk '/Requests\/sec/ {print $2}'; }
measure() { # name port
  handshakes "$2" "${WARM}s" >/dev/null
  printf "%-18s handshake_rps=%s\n" "$1" "$(handshakes "$2" "${SECS}s")"
}
mvn -B -q package -DskipTests
RUN_DIR=$(mktemp -d); cd "$RUN_DIR"
taskset -c 0 nginx -c "$SHARED/bench/conf/nginx-backend.conf" & PIDS+=($!)
waitport 19001
taskset -c 1 nginx -c "$SHARED/bench/conf/nginx-tls.conf" & PIDS+=($!)
waitport 18443; measure nginx 18443
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null
taskset -c 1 haproxy -f "$SHARED/bench/conf/haproxy-tls.cfg" -db 2>/dev/null & PIDS+=($!)
waitport 18445; measure haproxy 18445
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null

taskset -c 1 java -Xmx512m -jar "$PROJECT/target/turnpike.jar" --spring.config.additional-location="file:$PROJECT/bench/bench.yml" \
  --turnpike.tls.enabled=true --turnpike.tls.port=8443 --turnpike.tls.bundle=bench --turnpike.tls.engine="${TLS_ENGINE:-auto}" \
  --spring.ssl.bundle.pem.bench.keystore.certificate=file:/tmp/bench-tls/cert.pem \
  --spring.ssl.bundle.pem.bench.keystore.private-key=file:/tmp/bench-tls/key.pem >/tmp/bench-gateway-handshakes.log 2>&1 & PIDS+=($!)
waitport 8443; measure "turnpike-${TLS_ENGINE:-auto}" 8443
