#!/usr/bin/env bash
# Builds the gateway and stock Spring Cloud Gateway, then runs the peer benchmark in one run:
# backend direct, nginx, HAProxy, stock SCG and Turnpike, each proxy alone on CPU 1.
#   bench/run.sh [seconds] [connections]      (needs: apt-get install -y wrk nginx libnginx-mod-stream haproxy)
# SHARED points at the directory holding bench/ (the peer scripts) and vanilla-scg/.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
SECS=${1:-10}; CONNS=${2:-64}

mvn -B -q package -DskipTests
if [ ! -f /tmp/vanilla-scg/target/vanilla-scg-0.0.1.jar ]; then
  rm -rf /tmp/vanilla-scg && cp -r "$SHARED/bench/vanilla-scg" /tmp/vanilla-scg
  (cd /tmp/vanilla-scg && mvn -B -q package -DskipTests)
fi
PROJECT=$PWD
SHARED=$(cd "$SHARED" && pwd)
# run the JVMs from an empty directory: Spring Boot reads ./application.yml from the working directory,
# and neither the stock gateway nor the benchmark configuration should pick up the operator's file
RUN_DIR=$(mktemp -d)
cd "$RUN_DIR"
VANILLA_JAR=/tmp/vanilla-scg/target/vanilla-scg-0.0.1.jar \
GATEWAY_CMD="java -Xmx512m -jar $PROJECT/target/turnpike.jar --spring.config.additional-location=file:$PROJECT/bench/bench.yml" \
GATEWAY_PORT=8080 GATEWAY_PATH=/ \
  "$SHARED/bench/l7-peers.sh" "$SECS" "$CONNS"
