#!/bin/sh
# The official image's rule: a redis-server started without a config file listens on every
# interface with protected mode off, so other containers on the network can reach it.
if [ "$1" = redis-server ]; then
  shift
  exec redis-server --protected-mode no "$@"
fi
exec "$@"
