#!/usr/bin/env bash
# Builds the gateway (and, for l7, stock Spring Cloud Gateway), then runs one peer benchmark in one run,
# each proxy alone on CPU 1 (needs: apt-get install -y wrk nginx libnginx-mod-stream haproxy openssl):
#   bench/run.sh l7 [seconds] [connections]   backend direct, nginx, HAProxy, stock SCG, Turnpike (HTTP)
#   bench/run.sh cache [seconds] [connections] the same peers on /cached, a response each may cache
#   bench/run.sh l4 [seconds]                 backend direct, nginx stream, HAProxy mode tcp, Turnpike TCP listener
#   bench/run.sh tls [seconds]                TLS termination (nginx, HAProxy, Turnpike's HTTPS listener on 8443;
#                                             TLS_ENGINE=openssl|jdk) and passthrough (ssl_preread, req.ssl_sni, Turnpike on 9443)
#   bench/run.sh pairs [n]                    stock SCG and Turnpike alternately n times: median throughput ratio
#                                             and CPU microseconds per request (the steadier figure on a noisy VM)
#   bench/run.sh interleaved [rounds]         stock SCG and Turnpike running at once, measured in alternating 5 s
#                                             bursts: the median ratio both saw on the same machine
#   bench/run.sh jwt [seconds] [connections]  Turnpike: a JWT-checked route against an open one, same run
#   bench/run.sh idle [connections]           Turnpike's resident memory at rest and with N idle L4 connections
# SHARED points at the directory holding bench/ (the peer scripts) and vanilla-scg/. WARMUP=false starts the gateway
# without its start-up warm-up (bench.yml reads it; the warm-up is on otherwise, except for l7 and cache: the shared
# L7 script waits only 30 s for the port, and its own minute of keep-alive load warms that path).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
WHAT=${1:-l7}; shift || true

for port in 8080 8081 8443 9000 9443; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    echo "port $port is already taken: stop whatever holds it, or the figures would be someone else's" >&2; exit 1
  fi
done
mvn -B -q package -DskipTests
PROJECT=$PWD
SHARED=$(cd "$SHARED" && pwd)
# run the JVMs from an empty directory: Spring Boot reads ./application.yml from the working directory,
# and neither the stock gateway nor the benchmark configuration should pick up the operator's file
RUN_DIR=$(mktemp -d)
cd "$RUN_DIR"
export SHARED
# The gateway runs as it would be deployed: from the extracted jar, with a class data sharing archive that a
# training start wrote (README, "Faster start"). On one core that opens the ports about 5 s sooner, time the
# start-up warm-up gets instead within the minute the shared scripts wait.
APP=$PROJECT/target/app
export GATEWAY_CMD="java -Xmx512m -XX:SharedArchiveFile=$APP/turnpike.jsa ${JAVA_OPTS:-} -jar $APP/turnpike.jar --spring.config.additional-location=file:$PROJECT/bench/bench.yml"
# the archive holds the classes a start loads before its listeners open; it is trained without the HTTPS listener,
# whose certificate (tls-peers.sh makes the peers' in /tmp/bench-tls) may not exist yet: the classes only that
# listener needs load from the jar, as they would without an archive
case "$WHAT" in
  l7|cache|l4|tls)
    rm -rf "$APP"
    java -Djarmode=tools -jar "$PROJECT/target/turnpike.jar" extract --destination "$APP" >/dev/null
    ${GATEWAY_CMD/-XX:SharedArchiveFile=/-Dspring.context.exit=onRefresh -XX:ArchiveClassesAtExit=} >"$APP/training.log" 2>&1 \
      || echo "no class data sharing archive (see $APP/training.log): the gateway starts without one" >&2 ;;
esac
case "$WHAT" in
  l7)
    export WARMUP=${WARMUP:-false}
    if [ ! -f /tmp/vanilla-scg/target/vanilla-scg-0.0.1.jar ]; then
      rm -rf /tmp/vanilla-scg && cp -r "$SHARED/bench/vanilla-scg" /tmp/vanilla-scg
      (cd /tmp/vanilla-scg && mvn -B -q package -DskipTests)
    fi
    VANILLA_JAR=/tmp/vanilla-scg/target/vanilla-scg-0.0.1.jar GATEWAY_PORT=8080 GATEWAY_PATH=/ \
      "$SHARED/bench/l7-peers.sh" "${1:-10}" "${2:-64}" ;;
  cache)
    export WARMUP=${WARMUP:-false}
    if [ ! -f /tmp/vanilla-scg/target/vanilla-scg-0.0.1.jar ]; then
      rm -rf /tmp/vanilla-scg && cp -r "$SHARED/bench/vanilla-scg" /tmp/vanilla-scg
      (cd /tmp/vanilla-scg && mvn -B -q package -DskipTests)
    fi
    VANILLA_JAR=/tmp/vanilla-scg/target/vanilla-scg-0.0.1.jar GATEWAY_PORT=8080 GATEWAY_PATH=/cached \
      "$SHARED/bench/l7-peers.sh" "${1:-10}" "${2:-64}" /cached ;;
  l4)
    GATEWAY_L4_PORT=9000 "$SHARED/bench/l4-peers.sh" "${1:-8}" ;;
  tls)
    # the peers' certificate and key
    GATEWAY_CMD="$GATEWAY_CMD --turnpike.tls.enabled=true --turnpike.tls.port=8443 --turnpike.tls.bundle=bench
      --turnpike.tls.engine=${TLS_ENGINE:-auto}
      --spring.ssl.bundle.pem.bench.keystore.certificate=file:/tmp/bench-tls/cert.pem
      --spring.ssl.bundle.pem.bench.keystore.private-key=file:/tmp/bench-tls/key.pem"
    GATEWAY_CMD=$(echo $GATEWAY_CMD) GATEWAY_TLS_PORT=8443 GATEWAY_SNI_PORT=9443 "$SHARED/bench/tls-peers.sh" "${1:-8}" ;;
  pairs)
    if [ ! -f /tmp/vanilla-scg/target/vanilla-scg-0.0.1.jar ]; then
      rm -rf /tmp/vanilla-scg && cp -r "$SHARED/bench/vanilla-scg" /tmp/vanilla-scg
      (cd /tmp/vanilla-scg && mvn -B -q package -DskipTests)
    fi
    exec "$PROJECT/bench/l7-pairs.sh" "${1:-5}" ;;
  interleaved)
    if [ ! -f /tmp/vanilla-scg/target/vanilla-scg-0.0.1.jar ]; then
      rm -rf /tmp/vanilla-scg && cp -r "$SHARED/bench/vanilla-scg" /tmp/vanilla-scg
      (cd /tmp/vanilla-scg && mvn -B -q package -DskipTests)
    fi
    exec "$PROJECT/bench/alt-ab.sh" "${1:-16}" 18080 8080 -- java -Xmx512m -jar /tmp/vanilla-scg/target/vanilla-scg-0.0.1.jar \
      -- java -Xmx512m -jar "$PROJECT/target/turnpike.jar" --spring.config.additional-location="file:$PROJECT/bench/bench.yml" ;;
  jwt)
    exec "$PROJECT/bench/jwt-cost.sh" "${1:-10}" "${2:-64}" ;;
  idle)
    exec "$PROJECT/bench/idle-connections.sh" "${1:-5000}" ;;
  *) echo "usage: bench/run.sh l7|cache|pairs|interleaved|l4|tls|jwt|idle [args]" >&2; exit 2 ;;
esac
