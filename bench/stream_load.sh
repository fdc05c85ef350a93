#!/usr/bin/env bash
# The same streamed load, measured by `budgateway bench` and by the official
# openai npm package (peers/openai_node_stream_load.mjs), against the fake
# gateway sending one token every DELAY ms (and no keep-alive comments
# between them): the server's truth is known
# (ITL = DELAY, latency = (MAX_TOKENS - 1) * DELAY), so whatever a client
# reports beyond it is the client's own cost (and the machine's).
# usage: bench/stream_load.sh [BUILD_DIR] [CONCURRENCY...]
#   BUILD_DIR (default build/release-cli) is configured in Release and the
#   two programs built there. Default concurrencies: 1 64 256.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build/release-cli}
shift || true
concurrencies=("$@")
[ ${#concurrencies[@]} -gt 0 ] || concurrencies=(1 64 256)
delay_ms=20
max_tokens=64
work=$(mktemp -d /tmp/bg-stream-load.XXXXXX)

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUDGATEWAY_BUILD_TESTS=OFF \
  -DBUDGATEWAY_BUILD_EXAMPLES=OFF >"$work/cmake.log"
cmake --build "$build" -j "$(nproc)" --target budgateway_cli fake_gateway >>"$work/cmake.log"
cp "$here/peers/openai_node_stream_load.mjs" "$work/"
(cd "$work" && npm install --no-audit --no-fund --silent openai >/dev/null 2>&1)

exec 3> >(exec "$build/tools/fake_gateway/budgateway-fake-gateway" --exit-on-stdin-eof >"$work/port")
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
base="http://127.0.0.1:$(head -n 1 "$work/port")/v1"

summary='[.concurrency, .requests, (.requests_per_s*10|round/10),
          (.ttft_ms.p50*10|round/10), (.ttft_ms.p99*10|round/10),
          (.itl_ms.p50*10|round/10), (.itl_ms.p99*10|round/10), (.itl_ms.max|round),
          (.latency_ms.p50|round), (.latency_ms.p99|round)] | @tsv'
printf 'client\tC\tN\treq/s\tTTFT p50\tTTFT p99\tITL p50\tITL p99\tITL max\tlatency p50\tlatency p99\n'
for c in "${concurrencies[@]}"; do
  n=$((c < 64 ? 16 : 4 * c))
  BUD_API_KEY=sk-bench BUD_BASE_URL=$base "$build/tools/budgateway/budgateway" bench \
    -m my-model -n "$n" -c "$c" --stream --max-tokens "$max_tokens" \
    -H "x-fake-chunk-delay-ms: $delay_ms" -H "x-fake-keepalive-every: 0" \
    --json >"$work/budgateway_$c.json"
  printf 'budgateway\t%s\n' "$(jq -r "$summary" "$work/budgateway_$c.json")"
  node "$work/openai_node_stream_load.mjs" "$base" "$n" "$c" "$max_tokens" \
    "x-fake-chunk-delay-ms=$delay_ms" "x-fake-keepalive-every=0" >"$work/openai_$c.json"
  printf 'openai npm\t%s\n' "$(jq -r "$summary" "$work/openai_$c.json")"
done
echo "server's truth: ITL $delay_ms ms, latency $(((max_tokens - 1) * delay_ms)) ms; raw results in $work"
