#!/usr/bin/env bash
# budgateway bench against the fake gateway: its JSON has every figure with
# values that match what the server did.
# usage: bench.sh BUDGATEWAY FAKE_GATEWAY WORK_DIR
source "$(dirname "$0")/lib.sh"

# A stream whose usage counts 6 output tokens in 3 chunks with text, then a
# finish chunk, the usage chunk and [DONE]. With x-fake-chunk-delay-ms D
# between events: latency (to the last text chunk) = TTFT + 2D, where
# [DONE] comes 3D later; ITL = D; TPOT = 2D / 5.
mkdir fixtures
chunk() { printf 'data: {"id":"b","object":"text_completion","created":1,"model":"m","choices":[%s]%s}\n\n' "$1" "$2"; }
{
  chunk '{"text":" two tokens","index":0,"finish_reason":null}' ''
  chunk '{"text":" two more","index":0,"finish_reason":null}' ''
  chunk '{"text":" and two","index":0,"finish_reason":null}' ''
  chunk '{"text":"","index":0,"finish_reason":"length"}' ''
  chunk '' ',"usage":{"prompt_tokens":4,"completion_tokens":6,"total_tokens":10}'
  printf 'data: [DONE]\n\n'
} >fixtures/bench.sse
# The same without usage, as some servers send.
grep -v usage fixtures/bench.sse >fixtures/no_usage.sse
# Its `limited` scenario refills 5 requests/s after a burst of 10.
start_gateway --fixtures "$WORK/fixtures" --limit-rps 5 --limit-burst 10
export BUD_BASE_URL=$BASE_URL BUD_API_KEY=sk-bench

bench() { "$BUDGATEWAY" bench -m m --json "$@"; }
between() {  # VALUE LOW HIGH WHAT
  jq -en --argjson v "$1" "\$v >= $2 and \$v <= $3" >/dev/null ||
    fail "$4 = $1, expected between $2 and $3"
}

# 1. The fake's own model: 40 streamed requests of 10 tokens, 8 at a time.
expect_status 0 "stream" -- bench -n 40 -c 8 --stream --max-tokens 10 --csv rows.csv
for field in interrupted requests succeeded failed duration_s requests_per_s output_tokens \
    output_tokens_per_s prompt_tokens requests_without_usage latency_ms ttft_ms tpot_ms \
    itl_ms errors; do
  expect_jq out "has(\"$field\")" "field $field"
done
expect_jq out '.requests == 40 and .succeeded == 40 and .failed == 0 and .errors == {}' "counts"
expect_jq out '.output_tokens == 400 and .requests_without_usage == 0' "tokens from usage"
expect_jq out '.prompt_tokens == 40 * 32' "prompt of --prompt-tokens 32 words"
expect_jq out '.itl_ms.count == 40 * 9' "the first token is not an ITL"
expect_jq out '.ttft_ms.p50 > 0 and .ttft_ms.p50 <= .latency_ms.p50 and .latency_ms.p50 <= .latency_ms.max' \
  "ordered latencies"
expect_jq out '.ttft_ms.p50 <= .ttft_ms.p90 and .ttft_ms.p90 <= .ttft_ms.p99 and .ttft_ms.p99 <= .ttft_ms.max' \
  "ordered percentiles"
expect_jq out '(.requests_per_s - .succeeded / .duration_s | fabs) < 0.01 * .requests_per_s' "requests/s"
expect_jq out '(.output_tokens_per_s - .output_tokens / .duration_s | fabs) < 0.01 * .output_tokens_per_s' \
  "output tokens/s"
expect_eq "$(head -n 1 rows.csv | cut -d, -f1-5)" "index,start_ms,ok,error,latency_ms" "csv header"
expect_eq "$(tail -n +2 rows.csv | wc -l)" 40 "csv rows"

# 2. Timing and tokens that a chunk count or a stamp at [DONE] would get
#    wrong: D = 100 ms between events. The fake keeps to its schedule, so a
#    late event shortens the next gap: the bounds are loose, but [DONE]
#    (5D after the first chunk) and a token count from chunks (3) are out.
delay=100
expect_status 0 "timed" -- bench -n 4 -c 4 --stream -H "x-fake-scenario: fixture" \
  -H "x-fake-fixture: bench.sse" -H "x-fake-chunk-delay-ms: $delay"
expect_jq out '.output_tokens == 24 and .requests_without_usage == 0' "tokens from usage, not chunks"
expect_jq out '.itl_ms.count == 8' "two gaps per request"
between "$(jq '.latency_ms.p50 - .ttft_ms.p50' out)" $((3 * delay / 2)) $((4 * delay)) \
  "latency - TTFT (ends at the last text chunk, 2D, not [DONE], 5D)"
between "$(jq .itl_ms.p50 out)" $((delay / 2)) $((2 * delay)) "ITL"
between "$(jq .tpot_ms.p50 out)" $((delay / 5)) $((delay)) "TPOT = 2D / (6 - 1)"

# 3. No usage: tokens are counted as text chunks, and the report says so.
expect_status 0 "no usage" -- bench -n 4 -c 2 --stream -H "x-fake-scenario: fixture" \
  -H "x-fake-fixture: no_usage.sse"
expect_jq out '.requests_without_usage == 4 and .output_tokens == 12' "no usage"
expect_status 0 "no usage, text" -- "$BUDGATEWAY" bench -m m -n 4 -c 2 --stream \
  -H "x-fake-scenario: fixture" -H "x-fake-fixture: no_usage.sse"
expect_in out "4 requests had no usage" "no usage said"

# 4. An error inside a 200 stream is a failure, counted by kind; when every
#    request failed the exit code is that failure's.
expect_status 5 "error in stream" -- bench -n 6 -c 3 --stream -H "x-fake-scenario: stream_error_event"
expect_jq out '.succeeded == 0 and .failed == 6 and .errors == {"Server 200": 6}' "error in a 200 stream"
# The fake's rate limit (bursts of 10, then 5/s) refuses most of 60 quick
# requests; without retries each 429 is a failure.
expect_status 0 "some errors" -- bench -n 60 -c 8 -H "x-fake-scenario: limited"
expect_jq out '.failed >= 1 and .succeeded >= 10 and .errors == {"RateLimited 429": .failed}' \
  "errors by code, no retries"

# 5. Unary, and open loop: --rate 50 for 20 requests takes at least 0.38 s.
expect_status 0 "unary" -- bench -n 30 -c 6 --max-tokens 5
expect_jq out '.succeeded == 30 and .output_tokens == 150 and .ttft_ms == null and .itl_ms == null' "unary"
expect_status 0 "rate" -- bench -n 20 --rate 50 --stream --max-tokens 4
expect_jq out '.succeeded == 20 and .rate == 50 and .duration_s >= 0.38 and .requests_per_s <= 55' \
  "open loop pacing"

# 6. Ctrl-C: the report covers what finished, in-flight requests are left
#    out (not counted as failures), and the exit code says so.
set -m  # so the background job does not start with SIGINT ignored
"$BUDGATEWAY" bench -m m --json -n 100000 -c 4 --stream --max-tokens 5 \
  -H "x-fake-chunk-delay-ms: 50" >interrupted.json &
pid=$!
set +m
# At 4 in flight, the 9th answer starts only once 4 have finished.
completions_before=$(gateway_stat completions)
for _ in $(seq 600); do
  [ "$(gateway_stat completions)" -ge $((completions_before + 9)) ] && break
  sleep 0.1
done
kill -INT $pid
status=0
wait $pid || status=$?
expect_eq "$status" 130 "exit status after SIGINT"
expect_jq interrupted.json '.interrupted and .requests >= 4 and .requests < 100000' "interrupted run"
expect_jq interrupted.json '.failed == 0 and .succeeded == .requests and .errors == {}' \
  "cancelled requests are not failures"

echo "cli bench: all checks passed"
