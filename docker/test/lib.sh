# Shared by docker/test/*.sh (sourced, not run): a Docker engine, the images, compose projects and
# the clients the checks use. Every function that starts something registers its own cleanup, so a
# failing check leaves no container, network, daemon or Prometheus behind.
#
# Extend with another compose project (as sidecar.sh does for examples/sidecar/docker-compose.yml):
#   compose_up FILE PROJECT                                     # up -d, waits for health
#   ... checks against its published ports ...
#   (compose_down runs at exit; call it earlier to free the ports)

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# Debian's client: the newer docker on PATH may lack buildx, and then BuildKit builds fail.
DOCKER=${RTGW_DOCKER:-/usr/bin/docker}
[ -x "$DOCKER" ] || DOCKER=$(command -v docker || echo /usr/bin/docker)
export DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
# docker-compose v1 calls "docker" for builds: Debian's first.
export PATH="/usr/bin:$PATH"
DATA_ROOT=${RTGW_DOCKER_DATA_ROOT:-/var/lib/rtgw-docker}
WORK=${RTGW_DOCKER_WORK:-$(mktemp -d /tmp/rtgw-docker-test.XXXXXX)}
CLIENTS="$ROOT/docker/test/clients.mjs"

CLEANUPS=()
on_exit() { CLEANUPS=("$*" "${CLEANUPS[@]}"); }
run_cleanups() {
  local c
  for c in "${CLEANUPS[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
  CLEANUPS=()
  # kept only when a check failed: it holds what the clients saw
  [ -n "${FAILED:-}" ] || rm -rf "$WORK"
}
trap run_cleanups EXIT
# A stop from ./gateway test (Maven failed) must still clean up: exit so that the EXIT trap runs.
trap 'exit 143' TERM INT

# Everything goes to stderr: functions that answer an image name do it on stdout.
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
LOG_CONTAINERS=()
# Containers whose last log lines a failure prints (the node's own story of what went wrong).
on_failure_logs() { LOG_CONTAINERS+=("$@"); }
fail() {
  FAILED=1
  log "FAILED: $*"
  log "the clients' output and the daemon's and Prometheus' logs are kept in $WORK"
  local c
  for c in "${LOG_CONTAINERS[@]}"; do
    echo "--- docker logs --tail 30 $c" >&2
    "$DOCKER" logs --tail 30 "$c" 2>&1 | sed 's/^/  /' >&2
  done
  exit 1
}
check() { log "ok: $*"; }

# Polls "$@" until it succeeds; fails the run with $1 as the message after $2 seconds.
wait_until() {
  local what=$1 secs=$2; shift 2
  local end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || fail "$what (waited ${secs}s)"
    sleep 0.3
  done
}

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }
status_is() { [ "$(http_status "$2")" = "$1" ]; }

# ---- the engine ----------------------------------------------------------------------------

# Uses a daemon that answers; otherwise starts Debian's dockerd with its own data root (the cache
# between runs) and stops it, by PID, at exit. Returns 1 when no engine can run here.
ensure_engine() {
  if "$DOCKER" info >/dev/null 2>&1; then return 0; fi
  if ! command -v dockerd >/dev/null 2>&1 && [ ! -x /usr/sbin/dockerd ]; then
    [ "$(id -u)" -eq 0 ] || return 1
    log "installing docker.io (Debian)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      docker.io containerd runc iptables >/dev/null 2>&1 || return 1
  fi
  [ "$(id -u)" -eq 0 ] || return 1
  mkdir -p "$DATA_ROOT"
  log "starting dockerd (data root $DATA_ROOT)"
  /usr/sbin/dockerd --data-root "$DATA_ROOT" >"$WORK/dockerd.log" 2>&1 &
  local pid=$!
  on_exit "kill $pid; for i in \$(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.2; done"
  local end=$((SECONDS + 60))
  until "$DOCKER" info >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null || [ $SECONDS -ge $end ]; then
      tail -5 "$WORK/dockerd.log" | sed 's/^/  dockerd: /'
      return 1
    fi
    sleep 0.5
  done
}

# ---- images --------------------------------------------------------------------------------

BASE_DIR="$ROOT/docker/test/base"
DEBIAN_SUITE=bookworm

apt_mirror() {
  local m
  m=$(sed -n 's/^URIs: *\(http[^ ]*debian\/*\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
  [ -n "$m" ] || m=$(awk '$1=="deb" && $2 ~ /debian\/?$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
  echo "${m:-http://deb.debian.org/debian}"
}

# The local images are keyed by their recipe: a change to base/ or to this function's debootstrap
# line builds them again; otherwise the cached ones are used (seconds instead of minutes).
base_key() {
  { cat "$BASE_DIR"/*; echo "debootstrap --variant=minbase $DEBIAN_SUITE"; } | sha256sum | cut -c1-12
}

debian_image() {
  local key name rootfs
  key=$(base_key)
  name="rtgw-local/debian:$DEBIAN_SUITE-$key"
  if "$DOCKER" image inspect "$name" >/dev/null 2>&1; then echo "$name"; return; fi
  command -v debootstrap >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends debootstrap >/dev/null 2>&1
  rootfs="$WORK/rootfs"
  log "debootstrap $DEBIAN_SUITE from $(apt_mirror) (cached afterwards as $name)" >&2
  debootstrap --variant=minbase "$DEBIAN_SUITE" "$rootfs" "$(apt_mirror)" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; fail "debootstrap"; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | "$DOCKER" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' - "$name" >/dev/null
  rm -rf "$rootfs"
  echo "$name"
}

# The official image when it is here or can be pulled, else the local stage of base/Dockerfile.
image_for() {
  local official=$1 stage=$2 key name
  if "$DOCKER" image inspect "$official" >/dev/null 2>&1 || "$DOCKER" pull -q "$official" >/dev/null 2>&1; then
    echo "$official"; return
  fi
  key=$(base_key)
  name="rtgw-local/$stage:$key"
  if ! "$DOCKER" image inspect "$name" >/dev/null 2>&1; then
    local debian
    debian=$(debian_image)
    log "building $name from Debian packages ($official cannot be pulled)"
    "$DOCKER" build -q --build-arg DEBIAN="$debian" --target "$stage" -t "$name" "$BASE_DIR" >/dev/null \
      || fail "building $name"
  fi
  echo "$name"
}

# rtgw:local from the jar built on the host (docker/Dockerfile, JAR=host).
build_rtgw_image() {
  local runtime=$1
  [ -f "$ROOT/gateway-server/target/rtgw.jar" ] || fail "no gateway-server/target/rtgw.jar (build it first)"
  # kept: a check that fails on what the build did (the class-data training) points at this log
  "$DOCKER" build --progress=plain -f "$ROOT/docker/Dockerfile" --build-arg JAR=host \
    --build-arg RUNTIME_IMAGE="$runtime" -t rtgw:local "$ROOT" >"$WORK/rtgw-build.log" 2>&1 \
    || { tail -30 "$WORK/rtgw-build.log"; fail "docker build -f docker/Dockerfile"; }
}

# ---- containers and compose ----------------------------------------------------------------

container_health() { "$DOCKER" inspect -f '{{.State.Health.Status}}' "$1" 2>/dev/null; }
health_is() { [ "$(container_health "$2")" = "$1" ]; }
container_pid() { "$DOCKER" inspect -f '{{.State.Pid}}' "$1"; }

# compose_up FILE PROJECT [SERVICE...]: up -d without building (images come from the steps above),
# waits until every container that has a healthcheck is healthy, and takes it down at exit.
compose_up() {
  local file=$1 project=$2; shift 2
  command -v docker-compose >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends docker-compose >/dev/null 2>&1
  compose_down "$file" "$project"  # what an interrupted run left
  on_exit "compose_down '$file' '$project'"
  docker-compose -p "$project" -f "$file" up -d --no-build "$@" >"$WORK/compose-$project.log" 2>&1 \
    || { cat "$WORK/compose-$project.log"; fail "docker-compose up ($file)"; }
  local c ids
  ids=$(docker-compose -p "$project" -f "$file" ps -q)
  for c in $ids; do
    on_failure_logs "$(container_name "$c")"
    if [ -n "$("$DOCKER" inspect -f '{{if .State.Health}}y{{end}}' "$c")" ]; then
      wait_until "$(container_name "$c") healthy" 120 health_is healthy "$c"
    fi
  done
}

compose_down() {
  docker-compose -p "$2" -f "$1" down -v --remove-orphans >/dev/null 2>&1 || true
}

container_name() { "$DOCKER" inspect -f '{{.Name}}' "$1" | sed 's#^/##'; }

# ---- clients -------------------------------------------------------------------------------

# A client in the background: its events go to $WORK/<name>.out, one per line.
ws_client() {
  local name=$1; shift
  node --experimental-websocket --no-warnings "$CLIENTS" ws "$@" >"$WORK/$name.out" 2>&1 &
  on_exit "kill $!"
}

sse_client() {
  sse_stream "$1" "$2" -H "Authorization: Bearer $3"
}

# sse_stream NAME URL [CURL ARGS...]: an SSE client with other credentials (e.g. -b COOKIE-JAR).
sse_stream() {
  local name=$1 url=$2; shift 2
  curl -sN --max-time 120 "$@" "$url" >"$WORK/$name.out" 2>&1 &
  on_exit "kill $!"
}

has_line() { grep -q -- "$2" "$WORK/$1.out"; }

publish() {
  local admin=$1 key=$2 channel=$3 data=$4
  curl -sf --max-time 10 -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d "{\"tenant\":\"demo\",\"channel\":\"$channel\",\"data\":$data}" "$admin/api/publish" >/dev/null
}

token() { node "$CLIENTS" token "$1" "${2:-tester}" demo; }
