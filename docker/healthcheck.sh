#!/usr/bin/env bash
# Container health: GET /healthz on the admin listener answers 200 (docs/protocol.md §8).
# Plain bash (/dev/tcp), so the runtime image needs no curl. Exit 0 = healthy.
set -u
port=${RTGW_ADMIN_PORT:-9090}
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
read -r -t 2 _ status _ <&3 || exit 1
[ "$status" = 200 ]
