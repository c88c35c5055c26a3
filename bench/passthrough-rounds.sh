#!/usr/bin/env bash
# TLS passthrough: new TLS connections per second (one request per connection, "Connection: close"), or
# keep-alive requests with LOAD=keepalive, through nginx ssl_preread, HAProxy req.ssl_sni and Turnpike's
# passthrough listener, all three running at once on CPU 1 in front of the same TLS backend, each warmed on that
# load first, then measured in alternating bursts; the medians of the per-round ratios are the figures to quote.
# Uses the peers' configuration and certificate from ../shared/bench (run tls-peers.sh once to make /tmp/bench-tls).
# Usage: [LOAD=keepalive] bench/passthrough-rounds.sh [rounds] [seconds-per-burst] [warm-seconds]
set -u
cd "$(dirname "$0")/.."
[ -f /tmp/bench-tls/cert.pem ] || { echo "no /tmp/bench-tls/cert.pem: run ../shared/bench/tls-peers.sh once" >&2; exit 1; }
. bench/peer-rounds.sh
taskset -c 0 nginx -c "$SHARED/bench/conf/nginx-backend.conf" >/dev/null 2>&1 & PIDS+=($!)
taskset -c 0 nginx -c "$SHARED/bench/conf/nginx-backend-tls.conf" >/dev/null 2>&1 & PIDS+=($!)
taskset -c 1 nginx -c "$SHARED/bench/conf/nginx-tls.conf" >/dev/null 2>&1 & PIDS+=($!)
taskset -c 1 haproxy -f "$SHARED/bench/conf/haproxy-tls.cfg" -db >/dev/null 2>&1 & PIDS+=($!)
start_turnpike /tmp/bench-gateway-passthrough.log
wait_ports 19001 19443 18444 18446 9443

peer_rounds connections "$ROUNDS" "$SECS" "$WARM" https://127.0.0.1:9443/ https://127.0.0.1:18444/ https://127.0.0.1:18446/
