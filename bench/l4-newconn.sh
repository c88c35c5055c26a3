#!/usr/bin/env bash
# New TCP connections per second through an L4 proxy (one HTTP request per connection, "Connection: close")
# for nginx stream, HAProxy mode tcp and Turnpike's TCP listener, all three running at once on CPU 1 and each
# warmed on that same load first (../shared/bench/l4-peers.sh measures this load straight after keep-alive
# and bulk loads, while the JVM is still compiling the connection path). They are then measured in
# alternating bursts, so every round compares them on the same machine; the medians of the per-round ratios
# are the figures to quote. Uses the peers' configuration from ../shared/bench.
# Usage: [LOAD=keepalive|bulk] bench/l4-newconn.sh [rounds] [seconds-per-burst] [warm-seconds] (LOAD=keepalive: keep-alive
# requests instead; LOAD=bulk: 10 MiB responses, in MB/s)
set -u
cd "$(dirname "$0")/.."
. bench/peer-rounds.sh
taskset -c 0 nginx -c "$SHARED/bench/conf/nginx-backend.conf" >/dev/null 2>&1 & PIDS+=($!)
taskset -c 1 nginx -c "$SHARED/bench/conf/nginx-proxy.conf" >/dev/null 2>&1 & PIDS+=($!)
taskset -c 1 haproxy -f "$SHARED/bench/conf/haproxy.cfg" -db >/dev/null 2>&1 & PIDS+=($!)
start_turnpike /tmp/bench-gateway-newconn.log
wait_ports 19001 19002 18091 18092 9000

peer_rounds connections "$ROUNDS" "$SECS" "$WARM" http://127.0.0.1:9000/ http://127.0.0.1:18091/ http://127.0.0.1:18092/
