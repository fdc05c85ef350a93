#!/usr/bin/env bash
# Runs a command against a fake gateway started for it on 127.0.0.1 (the OS
# picks the port): BUD_BASE_URL points at it and BUD_API_KEY is a dummy.
# The gateway exits when its stdin closes, so it cannot outlive the command.
# The command must succeed and print something on stdout (echoed here).
# usage: scripts/with-fake-gateway.sh FAKE_GATEWAY COMMAND [ARGS...]
set -euo pipefail
fake=$1
shift
dir=$(mktemp -d)
trap 'exec 3>&- || true; rm -rf "$dir"' EXIT

exec 3> >("$fake" --port 0 --exit-on-stdin-eof >"$dir/gateway")
# Its first line of stdout is the port.
for _ in $(seq 100); do
  [ -n "$(head -n 1 "$dir/gateway" 2>/dev/null)" ] && break
  sleep 0.1
done
port=$(head -n 1 "$dir/gateway")
if ! [[ "$port" =~ ^[0-9]+$ ]]; then
  echo "with-fake-gateway: $fake did not start" >&2
  exit 1
fi

BUD_BASE_URL="http://127.0.0.1:$port/v1" BUD_API_KEY=sk-fake-gateway \
  "$@" | tee "$dir/stdout"
if [ ! -s "$dir/stdout" ]; then
  echo "with-fake-gateway: '$*' printed nothing" >&2
  exit 1
fi
