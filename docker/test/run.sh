#!/usr/bin/env bash
# The image and the deployment files, built and run (./gateway test runs this beside Maven):
#   docker/test/run.sh [--wait-for-jar MARKER]
# Builds rtgw:local from gateway-server/target/rtgw.jar (with --wait-for-jar: once Maven has
# packaged a jar newer than MARKER), then runs single.sh, compose.sh and sidecar.sh
# (examples/sidecar/) against it. Base images come from a registry when one answers, else from
# Debian packages (built once, then cached in the engine's data root). Prints one line and exits 0 only where no Docker engine can run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/docker/test/lib.sh"
source "$ROOT/docker/test/single.sh"
source "$ROOT/docker/test/compose.sh"
source "$ROOT/docker/test/sidecar.sh"
JAR="$ROOT/gateway-server/target/rtgw.jar"
started=$SECONDS

# Maven writes the shaded jar during verify: it is ready once newer than the marker and whole.
wait_for_jar() {
  local marker=$1
  until [ "$JAR" -nt "$marker" ] && jar tf "$JAR" >/dev/null 2>&1; do
    if [ -e "$marker.maven-done" ]; then
      # e.g. ./gateway test -pl gateway-core: Maven packaged no server jar this time
      [ -f "$JAR" ] || fail "Maven ended without packaging $JAR"
      log "Maven packaged no new jar; using the existing $JAR"
      return
    fi
    sleep 2
  done
}

if ! ensure_engine; then
  echo "docker phase SKIPPED: no Docker engine answers and none can be started here (needs root, or a running dockerd)"
  exit 0
fi
node --experimental-websocket --no-warnings -e 'new URL("ws://x"); if (typeof WebSocket !== "function") process.exit(1)' \
  2>/dev/null || fail "the WebSocket client needs Node 20.10+ (global WebSocket); found node $(node --version 2>&1)"
for tool in jq curl; do
  command -v "$tool" >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$tool" >/dev/null
done

# Base images first: they do not need the jar, so they are ready by the time Maven has packaged it.
RUNTIME_IMAGE=$(image_for eclipse-temurin:17-jre jre)
REDIS_IMAGE=$(image_for redis:7.2 redis)
NGINX_IMAGE=$(image_for nginx:1.27 nginx)
NODE_IMAGE=$(image_for node:20-bookworm-slim node)
log "base images: $RUNTIME_IMAGE, $REDIS_IMAGE, $NGINX_IMAGE, $NODE_IMAGE"
# Nor does the sidecar example's app.
build_sidecar_app_image "$NODE_IMAGE"
log "built rtgw-sidecar-app:local"
if [ "${1:-}" = --wait-for-jar ]; then
  log "waiting for Maven to package the jar"
  wait_for_jar "$2"
fi
build_rtgw_image "$RUNTIME_IMAGE"
log "built rtgw:local ($("$DOCKER" image inspect -f '{{.Size}}' rtgw:local | awk '{printf "%d MB", $1/1e6}'))"

single_node
compose_stack
# Another compose project: a function in its own file (like sidecar.sh), sourced above and called
# here, that uses compose_up FILE PROJECT and the clients of lib.sh.
sidecar_stack
log "docker phase passed in $((SECONDS - started)) s"
