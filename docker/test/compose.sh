# docker/docker-compose.yml as shipped: two nodes, Redis and nginx (sourced by run.sh). Clients go
# through nginx, publishes to either node's admin port; Debian's Prometheus runs on the host
# against the published admin ports with the shipped config and alert rules.

compose_stack() {
  # Per run: two suites on one engine (two worktrees) must not share a project or a subnet.
  local file="$ROOT/docker/docker-compose.yml" project="rtgwtest$$" bearer http
  export RTGW_JWT_SECRET RTGW_API_KEY RTGW_HTTP_PORT RTGW_ADMIN_PORT_1 RTGW_ADMIN_PORT_2 \
    RTGW_REDIS_IMAGE="$REDIS_IMAGE" RTGW_NGINX_IMAGE="$NGINX_IMAGE" RTGW_SUBNET="172.28.$(($$ % 256)).0/24"
  RTGW_JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n')
  RTGW_API_KEY=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  RTGW_HTTP_PORT=$(free_port); RTGW_ADMIN_PORT_1=$(free_port); RTGW_ADMIN_PORT_2=$(free_port)
  bearer=$(token "$RTGW_JWT_SECRET")
  http="127.0.0.1:$RTGW_HTTP_PORT"
  local admin1="http://127.0.0.1:$RTGW_ADMIN_PORT_1" admin2="http://127.0.0.1:$RTGW_ADMIN_PORT_2"

  compose_up "$file" "$project" redis gateway-1 gateway-2 nginx
  wait_until "nginx answers" 60 status_is 404 "http://$http/nothing-here"
  check "compose: redis, gateway-1, gateway-2 (healthy) and nginx up"

  # Two of each, so that least_conn puts clients on both nodes.
  local c
  for c in 1 2; do
    ws_client "compose-ws$c" "ws://$http/ws" "$bearer" room:compose
    sse_client "compose-sse$c" "http://$http/sse?channel=room:compose" "$bearer"
  done
  for c in 1 2; do
    wait_until "WebSocket $c through nginx subscribed" 30 has_line "compose-ws$c" '^subscribed'
    wait_until "SSE $c through nginx connected" 30 has_line "compose-sse$c" 'rtgw.connected'
  done
  publish "$admin1" "$RTGW_API_KEY" room:compose '"from-node-1"' || fail "publish on gateway-1"
  publish "$admin2" "$RTGW_API_KEY" room:compose '"from-node-2"' || fail "publish on gateway-2"
  for c in 1 2; do
    for n in 1 2; do
      wait_until "WebSocket $c receives the publish made on gateway-$n" 30 has_line "compose-ws$c" "message \"from-node-$n\""
      wait_until "SSE $c receives the publish made on gateway-$n" 30 has_line "compose-sse$c" "from-node-$n"
    done
  done
  check "compose: WebSocket and SSE clients through nginx receive publishes made on either node"

  local s
  s=$(http_status "http://$http/metrics"); [ "$s" = 404 ] || fail "/metrics through nginx answered $s, not 404"
  s=$(http_status -X POST -H "Authorization: Bearer $RTGW_API_KEY" -H 'Content-Type: application/json' \
    -d '{"tenant":"demo","channel":"room:compose","data":1}' "http://$http/api/publish")
  [ "$s" = 404 ] || fail "/api/publish through nginx answered $s, not 404"
  check "compose: /metrics and /api/publish are not reachable through nginx (404)"

  prometheus_checks "$admin1" "$admin2"
}

prometheus_checks() {
  local admin1=$1 admin2=$2 dir="$WORK/prometheus" port
  command -v promtool >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends prometheus >/dev/null 2>&1
  promtool check config "$ROOT/docker/prometheus.yml" >"$WORK/promtool.log" 2>&1 \
    || { cat "$WORK/promtool.log"; fail "promtool check config docker/prometheus.yml"; }
  promtool check rules "$ROOT/docker/prometheus-alerts.yml" >>"$WORK/promtool.log" 2>&1 \
    || { cat "$WORK/promtool.log"; fail "promtool check rules docker/prometheus-alerts.yml"; }
  check "promtool check config and check rules pass"

  # The shipped config and rules; only the targets (the published ports) and the pace differ.
  mkdir -p "$dir"
  cp "$ROOT/docker/prometheus-alerts.yml" "$dir/"
  sed -e "s|\"gateway-1:9090\", \"gateway-2:9090\"|\"127.0.0.1:${admin1##*:}\", \"127.0.0.1:${admin2##*:}\"|" \
      -e 's|scrape_interval: 15s|scrape_interval: 1s|' -e 's|evaluation_interval: 15s|evaluation_interval: 1s|' \
      "$ROOT/docker/prometheus.yml" >"$dir/prometheus.yml"
  grep -q "127.0.0.1:${admin1##*:}" "$dir/prometheus.yml" || fail "the targets line of docker/prometheus.yml changed; adapt compose.sh"
  port=$(free_port)
  /usr/bin/prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$port" >"$WORK/prometheus.log" 2>&1 &
  on_exit "kill $!"
  local api="http://127.0.0.1:$port/api/v1"
  targets_up() { [ "$(curl -sf "$api/targets?state=active" | jq '[.data.activeTargets[] | select(.health=="up")] | length')" = 2 ]; }
  wait_until "Prometheus scrapes both nodes (targets up)" 60 targets_up
  curl -sf "$api/query" --data-urlencode 'query=count(rtgw_broker_up == 1)' | jq -e '.data.result[0].value[1] == "2"' >/dev/null \
    || fail "Prometheus: rtgw_broker_up of both nodes"
  check "Prometheus (Debian's, on the host) scrapes both nodes with docker/prometheus.yml"

  # Every metric the dashboard and the alert rules read, in a scrape of nodes that served traffic.
  curl -sf "$api/rules" >"$WORK/rules.json"
  { curl -sf "$admin1/metrics"; curl -sf "$admin2/metrics"; } | grep -v '^#' | sed 's/[{ ].*//' | LC_ALL=C sort -u >"$WORK/exposed.txt"
  node "$CLIENTS" metric-names "$ROOT/docker/grafana/dashboards/rtgw.json" "$WORK/rules.json" >"$WORK/used.txt"
  local missing
  missing=$(LC_ALL=C comm -23 "$WORK/used.txt" "$WORK/exposed.txt")
  [ -z "$missing" ] || fail "metrics read by the dashboard or the alert rules but not exposed: $(echo $missing)"
  check "all $(wc -l <"$WORK/used.txt") metrics of the Grafana dashboard and the $(jq '[.data.groups[].rules[]] | length' "$WORK/rules.json") alert rules exist in the nodes' scrapes"
}
