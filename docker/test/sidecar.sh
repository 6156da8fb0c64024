# examples/sidecar/docker-compose.yml as shipped: the Express app, the gateway configured only with
# its hooks, and nginx serving both on one origin (sourced by run.sh). The clients are curl with a
# cookie jar, as a browser would be: log in through the app's form, then SSE through nginx with
# the session cookie and nothing else.

# The app's image from the app's own Dockerfile with DEPS=host: `npm ci --omit=dev` runs on the
# host (TLS to the npm registry fails inside a container), in a copy of the app so that the
# worktree's node_modules (run.sh, the browser tests) is left alone.
build_sidecar_app_image() {
  local node_image=$1 app="$ROOT/examples/sidecar/app" ctx="$WORK/sidecar-app"
  mkdir -p "$ctx"
  cp -r "$app/package.json" "$app/package-lock.json" "$app"/*.js "$app/public" "$app/Dockerfile" \
    "$app/.dockerignore" "$ctx/"
  (cd "$ctx" && npm ci --omit=dev --no-audit --no-fund --loglevel=error --prefer-offline) \
    >"$WORK/sidecar-npm-ci.log" 2>&1 || { cat "$WORK/sidecar-npm-ci.log" >&2; fail "npm ci for the sidecar app"; }
  "$DOCKER" build -q --build-arg NODE_IMAGE="$node_image" --build-arg DEPS=host \
    -t rtgw-sidecar-app:local "$ctx" >/dev/null || fail "docker build examples/sidecar/app (DEPS=host)"
}

# POSTs the form of /login with curl's cookie jar $1; the app answers 303 to / on success.
sidecar_login() {
  local jar=$1 base=$2 user=$3 password=$4 answer
  answer=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' --max-time 10 -c "$jar" -b "$jar" \
    --data-urlencode "user=$user" --data-urlencode "password=$password" "$base/login")
  [ "$answer" = "303 $base/" ] || fail "logging in as $user through the form answered '$answer', not '303 $base/'"
}

# POSTs JSON to the app as the user of cookie jar $1.
sidecar_post() {
  curl -sf -o /dev/null --max-time 10 -b "$1" -H 'Content-Type: application/json' -d "$3" "$2"
}

sidecar_stack() {
  local file="$ROOT/examples/sidecar/docker-compose.yml" project="rtgwsidecar$$" base s
  export RTGW_SIDECAR_PORT RTGW_API_KEY SESSION_SECRET RTGW_NGINX_IMAGE="$NGINX_IMAGE" \
    RTGW_SIDECAR_APP_IMAGE=rtgw-sidecar-app:local
  RTGW_SIDECAR_PORT=$(free_port)
  RTGW_API_KEY=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  SESSION_SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  base="http://127.0.0.1:$RTGW_SIDECAR_PORT"

  compose_up "$file" "$project"
  wait_until "the app's login form through nginx" 60 status_is 200 "$base/login"
  local app_container node_version
  app_container=$(docker-compose -p "$project" -f "$file" ps -q app)
  node_version=$("$DOCKER" exec "$app_container" node --version)
  check "sidecar compose: app (node $node_version), gateway (healthy) and nginx up"

  local bob="$WORK/sidecar-bob.jar" alice="$WORK/sidecar-alice.jar"
  sidecar_login "$bob" "$base" bob bob-demo
  sidecar_login "$alice" "$base" alice alice-demo
  s=$(http_status -b "$bob" "$base/me"); [ "$s" = 200 ] || fail "/me with Bob's session cookie answered $s"
  check "sidecar compose: Bob and Alice log in through the app's form (session cookie)"

  # The connect hook admits by the cookie alone; project:* is put to the subscribe hook.
  s=$(http_status "$base/sse?channel=project:apollo"); [ "$s" = 401 ] || fail "SSE without a session answered $s, not 401"
  sse_stream sidecar-sse "$base/sse?channel=project:apollo" -b "$bob"
  wait_until "Bob's SSE through nginx connected (connect and subscribe hooks)" 60 has_line sidecar-sse 'rtgw.connected'
  sidecar_post "$alice" "$base/publish" '{"channel":"project:apollo","text":"hello-from-the-app"}' \
    || fail "Alice's POST /publish to the app"
  wait_until "Bob's SSE receives what the app published" 30 has_line sidecar-sse 'hello-from-the-app'
  check "sidecar compose: no session is refused (401); Bob's SSE with the cookie receives the app's publish"

  # Revoking: the app's table says no from now on and /api/unsubscribe ends the live subscription.
  sidecar_post "$alice" "$base/permissions" '{"user":"bob","channel":"project:apollo","allow":false}' \
    || fail "Alice's POST /permissions (revoke)"
  wait_until "Bob's SSE is told its subscription ended (rtgw.unsubscribed)" 30 has_line sidecar-sse 'rtgw.unsubscribed'
  s=$(http_status -b "$bob" "$base/sse?channel=project:apollo")
  [ "$s" = 403 ] || fail "a new SSE subscribe of Bob to the revoked channel answered $s, not 403"
  check "sidecar compose: the app revokes Bob's channel (/api/unsubscribe ends his stream) and a new subscribe is refused (403)"

  compose_down "$file" "$project"
  [ -z "$(docker-compose -p "$project" -f "$file" ps -q)" ] || fail "containers left after docker-compose down"
  check "sidecar compose: docker-compose down leaves no container"
}
