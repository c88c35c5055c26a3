#!/usr/bin/env bash
# Resident memory of the gateway at rest and while N idle client connections are held open through its
# TCP listener on 9000 (each with its backend connection), measured from /proc. Run through bench/run.sh idle.
set -euo pipefail
N=${1:-5000}
ulimit -n "$(ulimit -Hn)"
# the shared benchmark backend takes at most 4,096 connections: the same backend, with room for N
BACKEND_CONF=$(mktemp)
sed -e "s/worker_connections 4096;/worker_connections $((2 * N + 1024));/" \
    -e "s/^worker_processes 1;/worker_processes 1;\nworker_rlimit_nofile $((2 * N + 2048));/" \
    "$SHARED/bench/conf/nginx-backend.conf" > "$BACKEND_CONF"
taskset -c 0 nginx -c "$BACKEND_CONF" &
BACKEND=$!
taskset -c 1 bash -c "exec $GATEWAY_CMD" >/tmp/bench-gateway-idle.log 2>&1 &
GW=$!
trap 'kill $GW $BACKEND 2>/dev/null; wait 2>/dev/null; rm -f "$BACKEND_CONF"' EXIT
for i in $(seq 1 1200); do (exec 3<>/dev/tcp/127.0.0.1/9000) 2>/dev/null && break; sleep 0.1; done
sleep 5
rss() { awk '/VmRSS/ {print $2}' /proc/$GW/status; }
REST=$(rss)
python3 - "$N" <<'PY' &
import socket, sys, time
n = int(sys.argv[1]); held = []
for i in range(n):
    held.append(socket.create_connection(("127.0.0.1", 9000)))
print("holding", len(held), "connections", flush=True)
time.sleep(30)
PY
HOLDER=$!
sleep 20
OPEN=$(ss -tn state established '( sport = :9000 )' | tail -n +2 | wc -l)
LOADED=$(rss)
BACKEND_SIDE=$(ss -tn state established '( dport = :19001 or dport = :19002 )' | tail -n +2 | wc -l)
wait $HOLDER || true
echo "idle connections held: $OPEN (with $BACKEND_SIDE backend connections)  rss at rest: $((REST / 1024)) MiB  rss with them: $((LOADED / 1024)) MiB  difference: $(((LOADED - REST) / 1024)) MiB"
