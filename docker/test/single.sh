# One rtgw container and Redis (sourced by run.sh, after lib.sh and the images): health and
# readiness from outside, real WebSocket and SSE clients, the HEALTHCHECK, the user, and a
# docker stop with Docker's default grace that must drain and exit 0.

single_node() {
  local id=rtgwtest-$$ secret key bearer pub adm node redis
  # The image's class-data archive (docs/deployment.md), made by the build's training run: -Xshare:on
  # fails the start when it cannot be mapped (the ENTRYPOINT's -Xshare:auto would ignore that quietly).
  "$DOCKER" run --rm --entrypoint java rtgw:local --enable-native-access=ALL-UNNAMED -XX:+UseG1GC \
    -XX:MaxGCPauseMillis=50 -XX:MaxRAMPercentage=75 -XX:SharedArchiveFile=/app/rtgw.jsa -Xshare:on \
    -Xlog:class+load=info -jar /app/rtgw.jar --help >"$WORK/cds.out" 2>&1 \
    || { cat "$WORK/cds.out"; fail "the image's JVM cannot map /app/rtgw.jsa"; }
  grep -q 'io.rtgw.server.Main source: shared objects file (top)' "$WORK/cds.out" \
    || { grep -i 'class-data training' "$WORK/rtgw-build.log";
         fail "/app/rtgw.jsa holds the JDK's classes only: the build's class-data training failed ($WORK/rtgw-build.log)"; }
  check "image: the node's classes come from the class-data archive made at build time"

  secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
  key=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  bearer=$(token "$secret")
  pub=$(free_port); adm=$(free_port)
  node=$id-node; redis=$id-redis

  "$DOCKER" network create "$id" >/dev/null
  on_exit "$DOCKER network rm $id"
  "$DOCKER" run -d --name "$redis" --network "$id" --network-alias redis "$REDIS_IMAGE" redis-server >/dev/null
  on_exit "$DOCKER rm -f $redis"
  # The image's HEALTHCHECK command, checked more often than its 10 s so the test does not wait.
  "$DOCKER" run -d --name "$node" --network "$id" -p "127.0.0.1:$pub:8080" -p "127.0.0.1:$adm:9090" \
    --health-interval=1s --health-timeout=3s --health-retries=2 \
    -e RTGW_REDIS_URL=redis://redis:6379 -e RTGW_JWT_SECRET="$secret" -e RTGW_API_KEY="$key" \
    rtgw:local >/dev/null
  on_exit "$DOCKER rm -f $node"
  on_failure_logs "$node" "$redis"
  local admin="http://127.0.0.1:$adm"

  wait_until "/healthz 200" 90 status_is 200 "$admin/healthz"
  wait_until "/readyz 200 with Redis up" 60 status_is 200 "$admin/readyz"
  check "single node: /healthz 200, /readyz 200"

  local uid
  uid=$(awk '/^Uid:/ {print $2}' "/proc/$(container_pid "$node")/status")
  [ "$uid" = 10001 ] || fail "java runs as uid $uid, not 10001"
  check "single node: java (PID 1 in the container) runs as uid 10001, not root"

  wait_until "the container's health turns healthy (healthcheck.sh)" 60 health_is healthy "$node"
  # A frozen JVM answers no /healthz: healthcheck.sh times out and the container turns unhealthy.
  local pid; pid=$(container_pid "$node")
  kill -STOP "$pid"
  on_exit "kill -CONT $pid"
  wait_until "unhealthy while the JVM is frozen" 60 health_is unhealthy "$node"
  kill -CONT "$pid"
  wait_until "healthy again once it runs" 60 health_is healthy "$node"
  check "single node: healthcheck.sh drives the container's health (healthy, frozen -> unhealthy, healthy)"

  "$DOCKER" stop "$redis" >/dev/null
  wait_until "/readyz 503 while Redis is stopped" 60 status_is 503 "$admin/readyz"
  status_is 200 "$admin/healthz" || fail "/healthz must stay 200 while Redis is down (liveness != readiness)"
  "$DOCKER" start "$redis" >/dev/null
  wait_until "/readyz 200 once Redis is back" 90 status_is 200 "$admin/readyz"
  check "single node: /readyz 503 while Redis is stopped, 200 after; /healthz 200 throughout"

  ws_client single-ws "ws://127.0.0.1:$pub/ws" "$bearer" room:single
  sse_client single-sse "http://127.0.0.1:$pub/sse?channel=room:single" "$bearer"
  wait_until "WebSocket subscribed" 30 has_line single-ws '^subscribed'
  wait_until "SSE connected" 30 has_line single-sse 'rtgw.connected'
  publish "$admin" "$key" room:single '"hello-single"' || fail "POST /api/publish"
  wait_until "WebSocket receives the publish" 30 has_line single-ws 'message "hello-single"'
  wait_until "SSE receives the publish" 30 has_line single-sse 'hello-single'
  check "single node: a WebSocket and an SSE client receive a publish"

  # Default grace (10 s): the drain tells both clients to go elsewhere and the JVM exits 0.
  "$DOCKER" stop "$node" >/dev/null
  local code
  code=$("$DOCKER" inspect -f '{{.State.ExitCode}}' "$node")
  [ "$code" = 0 ] || fail "docker stop: exit code $code (137 = killed after the grace period)"
  wait_until "the WebSocket client was told 1012 (drain)" 10 has_line single-ws '^closed 1012'
  wait_until "the SSE client got rtgw.close" 10 has_line single-sse 'rtgw.close'
  check "single node: docker stop (default 10 s grace) drains both clients (1012, rtgw.close) and exits 0"
}
