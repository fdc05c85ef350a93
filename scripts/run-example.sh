#!/usr/bin/env bash
# Builds and runs the main example (examples/complete.cpp). With BUD_API_KEY
# set it talks to the real gateway (or BUD_BASE_URL); without, it starts the
# project's fake gateway on 127.0.0.1, runs against it, and stops it.
# usage: scripts/run-example.sh [example-name] [args...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
build=build/example
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
example=${1:-complete}
shift || true
cmake --build "$build" -j "$(nproc)" --target "example_$example" fake_gateway >/dev/null

if [ -n "${BUD_API_KEY:-}" ]; then
  exec "$build/examples/example_$example" "$@"
fi

echo "BUD_API_KEY is not set: running against the local fake gateway." >&2
fifo=$(mktemp -u); mkfifo "$fifo"
# The fake gateway exits when its stdin closes, so it cannot outlive us.
exec 3> >("$build/tools/fake_gateway/budgateway-fake-gateway" --port 0 --exit-on-stdin-eof >"$fifo")
read -r port <"$fifo"; rm -f "$fifo"
status=0
BUD_BASE_URL="http://127.0.0.1:$port/v1" BUD_API_KEY="sk-fake" \
  "$build/examples/example_$example" "$@" || status=$?
exec 3>&-
exit $status
