#!/usr/bin/env bash
# The sidecar example without Docker: the gateway jar, the Express app and nginx in front of both,
# all on loopback, each stopped by its PID when this script ends (Ctrl-C).
#   PORT=8080 examples/sidecar/run.sh     # nginx's port (default: a free one); the URL is printed
# Needs java 17+, node 20+ and nginx (Debian: apt-get install openjdk-17-jre-headless nodejs npm nginx).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
JAR=${SIDECAR_JAR:-$ROOT/gateway-server/target/rtgw.jar} # SIDECAR_JAR: another build of the gateway

say() { printf 'sidecar: %s\n' "$*" >&2; }

NGINX=$(command -v nginx || true)
[ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; } || { say "nginx is missing (apt-get install nginx)"; exit 1; }
command -v node >/dev/null || { say "node is missing (apt-get install nodejs npm)"; exit 1; }

if [ ! -f "$JAR" ]; then
  say "building the gateway jar"
  "$ROOT/gateway" build
fi
if [ ! -d "$HERE/app/node_modules" ]; then
  say "installing the app's packages"
  (cd "$HERE/app" && npm ci --no-audit --no-fund --loglevel=error)
fi

# Free loopback ports, picked by the kernel and released at once (a clash on start fails loudly).
read -r GW_PUBLIC GW_ADMIN APP_PORT HOOKS_PORT FREE < <(node -e '
  const net = require("net");
  Promise.all([0, 1, 2, 3, 4].map(() => new Promise((r) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => r(p)); }); })))
    .then((ports) => console.log(ports.join(" ")));')
PORT=${PORT:-$FREE}
URL="http://127.0.0.1:$PORT"
API_KEY=${RTGW_API_KEY:-$(node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))')}

RUN=$(mktemp -d "${TMPDIR:-/tmp}/rtgw-sidecar.XXXXXX")
# nginx's workers run as "nobody" when this runs as root; they write proxy temp files below RUN.
chmod 755 "$RUN"
PIDS=()
stop() {
  trap - EXIT INT TERM
  [ -f "$RUN/nginx.pid" ] && kill "$(cat "$RUN/nginx.pid")" 2>/dev/null || true
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$RUN"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits until something accepts on 127.0.0.1:$1, or the process $2 has died.
await_port() {
  for _ in $(seq 1 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { say "$3 exited; its output:"; cat "$RUN/$3.log" >&2; exit 1; }
    sleep 0.1
  done
  say "$3 did not listen on $1 within 60 s"; cat "$RUN/$3.log" >&2; exit 1
}

# The gateway: only the two hooks, the API key and the listeners (+ rtgw.yml's namespace), no JWT.
# nginx on loopback is the one proxy whose X-Forwarded-For is believed; the page's origin is the
# one allowed origin, so no other site can open a connection that carries the session cookie.
env RTGW_CONNECT_HOOK="http://127.0.0.1:$HOOKS_PORT/connect" \
    RTGW_SUBSCRIBE_HOOK="http://127.0.0.1:$HOOKS_PORT/subscribe" \
    RTGW_API_KEY="$API_KEY" \
    RTGW_BIND=127.0.0.1 RTGW_PUBLIC_PORT="$GW_PUBLIC" RTGW_ADMIN_PORT="$GW_ADMIN" \
    RTGW_TRUSTED_PROXIES=127.0.0.1/32 RTGW_ALLOWED_ORIGINS="$URL" RTGW_DRAIN=1s \
  java --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xmx256m -jar "$JAR" --config "$HERE/rtgw.yml" \
  >"$RUN/gateway.log" 2>&1 &
PIDS+=($!)
GW_PID=$!

PORT=$APP_PORT HOOKS_PORT=$HOOKS_PORT RTGW_ADMIN_URL="http://127.0.0.1:$GW_ADMIN" RTGW_API_KEY="$API_KEY" \
  node "$HERE/app/server.js" >"$RUN/app.log" 2>&1 &
PIDS+=($!)
APP_PID=$!

# nginx runs docker/nginx.conf unchanged (the config the fleet uses); only its includes differ.
cp "$ROOT/docker/nginx.conf" "$RUN/nginx.conf"
cp "$HERE/nginx/rtgw-root.conf" "$RUN/rtgw-root.conf"
cat >"$RUN/rtgw-upstreams.conf" <<EOF
upstream rtgw_public { server 127.0.0.1:$GW_PUBLIC; }
upstream sidecar_app { server 127.0.0.1:$APP_PORT; }
client_body_temp_path $RUN/body;
proxy_temp_path $RUN/proxy;
fastcgi_temp_path $RUN/fastcgi;
uwsgi_temp_path $RUN/uwsgi;
scgi_temp_path $RUN/scgi;
EOF
echo "listen 127.0.0.1:$PORT;" >"$RUN/rtgw-listen.conf"
"$NGINX" -p "$RUN/" -c "$RUN/nginx.conf" -e "$RUN/nginx-error.log" -g "daemon off; pid $RUN/nginx.pid;" \
  >"$RUN/nginx-access.log" 2>"$RUN/nginx.log" &
PIDS+=($!)
NGINX_PID=$!

await_port "$APP_PORT" "$APP_PID" app
await_port "$GW_PUBLIC" "$GW_PID" gateway
await_port "$PORT" "$NGINX_PID" nginx

say "gateway admin API: http://127.0.0.1:$GW_ADMIN (API key $API_KEY); logs in $RUN"
say "open $URL  (alice / alice-demo, bob / bob-demo); Ctrl-C stops everything"
# Runs until Ctrl-C or until one of the three exits (then the others are stopped too).
set +e
wait -n "${PIDS[@]}"
say "a process exited; stopping the rest"
tail -n 20 "$RUN"/*.log >&2
exit 1
