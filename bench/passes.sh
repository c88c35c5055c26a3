#!/usr/bin/env bash
# Runs one shared peer script (bench/run.sh l4 or tls) several times and reports Turnpike's ratio to its target peer
# in every pass and the median over the passes. One pass measures each proxy once, one after another, for 8 s each:
# the machine's drift alone moves a single pass's ratios by 5-15% (bench/RESULTS.md), so several passes say more.
#   bench/passes.sh l4|tls [passes] [seconds]
# Each pass's full output is kept in a temporary directory, named at the end. Needs what bench/run.sh needs.
set -uo pipefail
cd "$(dirname "$0")/.."
WHAT=${1:?usage: bench/passes.sh l4|tls [passes] [seconds]}; PASSES=${2:-3}; SECS=${3:-8}
OUT=$(mktemp -d)
# field name value: the number in "name=value" on the line starting with "name", bulk rates in MB/s
field() { awk -v who="$1" -v key="$2" '$1 == who { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == key) {
  v = kv[2]; m = v ~ /GB/ ? 1024 : v ~ /KB/ ? 1 / 1024 : 1; sub(/[KMG]B/, "", v); print v * m } } }' "$3"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.3f", a / b }'; }
median() { grep -v '^-$' | sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "-"; else print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
case "$WHAT" in
  l4) FIGURES=("keep-alive vs HAProxy:gateway:haproxy:keepalive_rps" "bulk vs HAProxy:gateway:haproxy:bulk"
               "new connections vs HAProxy:gateway:haproxy:newconn_rps") ;;
  tls) FIGURES=("handshakes vs nginx:gateway-terminate:nginx-terminate:handshake_rps"
                "keep-alive vs nginx:gateway-terminate:nginx-terminate:keepalive_rps"
                "passthrough keep-alive vs HAProxy:gateway-passthrough:haproxy-passthrough:keepalive_rps"
                "passthrough handshakes vs HAProxy:gateway-passthrough:haproxy-passthrough:handshake_rps") ;;
  *) echo "usage: bench/passes.sh l4|tls [passes] [seconds]" >&2; exit 2 ;;
esac
for pass in $(seq 1 "$PASSES"); do
  bench/run.sh "$WHAT" "$SECS" > "$OUT/pass-$pass.txt" 2>&1 || { echo "pass $pass failed: $OUT/pass-$pass.txt" >&2; exit 1; }
  line="pass $pass:"
  for figure in "${FIGURES[@]}"; do
    IFS=: read -r label ours peer key <<< "$figure"
    r=$(ratio "$(field "$ours" "$key" "$OUT/pass-$pass.txt")" "$(field "$peer" "$key" "$OUT/pass-$pass.txt")")
    echo "$r" >> "$OUT/$key-$ours"
    line="$line  $label $r"
  done
  echo "$line"
done
echo "median over $PASSES passes:"
for figure in "${FIGURES[@]}"; do
  IFS=: read -r label ours peer key <<< "$figure"
  echo "  $label: $(median < "$OUT/$key-$ours")"
done
echo "outputs: $OUT"
