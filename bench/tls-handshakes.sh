#!/usr/bin/env bash
# New TLS handshakes per second (one request per connection, "Connection: close") for nginx, HAProxy and
# Turnpike, all three running at once on CPU 1 and each warmed on that same load first, so the JVM's compiler
# has finished with the handshake path (../shared/bench/tls-peers.sh warms with keep-alive requests only).
# They are then measured in alternating bursts, so every round compares them on the same machine (its speed
# drifts by up to 2x within minutes); the medians of the per-round ratios are the figures to quote.
# Uses the peers' configuration and certificate from ../shared/bench (run tls-peers.sh once to make /tmp/bench-tls).
# Usage: bench/tls-handshakes.sh [rounds] [seconds-per-burst] [warm-seconds]; TLS_ENGINE=openssl|jdk picks the
# gateway's engine.
set -u
cd "$(dirname "$0")/.."
[ -f /tmp/bench-tls/cert.pem ] || { echo "no /tmp/bench-tls/cert.pem: run ../shared/bench/tls-peers.sh once" >&2; exit 1; }
. bench/peer-rounds.sh
taskset -c 0 nginx -c "$SHARED/bench/conf/nginx-backend.conf" >/dev/null 2>&1 & PIDS+=($!)
taskset -c 1 nginx -c "$SHARED/bench/conf/nginx-tls.conf" >/dev/null 2>&1 & PIDS+=($!)
taskset -c 1 haproxy -f "$SHARED/bench/conf/haproxy-tls.cfg" -db >/dev/null 2>&1 & PIDS+=($!)
start_turnpike /tmp/bench-gateway-handshakes.log --turnpike.tls.enabled=true --turnpike.tls.port=8443 \
  --turnpike.tls.bundle=bench --turnpike.tls.engine="${TLS_ENGINE:-auto}" \
  --spring.ssl.bundle.pem.bench.keystore.certificate=file:/tmp/bench-tls/cert.pem \
  --spring.ssl.bundle.pem.bench.keystore.private-key=file:/tmp/bench-tls/key.pem
wait_ports 19001 18443 18445 8443

peer_rounds handshakes "$ROUNDS" "$SECS" "$WARM" https://127.0.0.1:8443/ https://127.0.0.1:18443/ https://127.0.0.1:18445/
