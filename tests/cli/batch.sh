#!/usr/bin/env bash
# budgateway batch against the fake gateway: a run interrupted by SIGINT and
# resumed loses and repeats no id; bad lines are reported with their number;
# a partial last line is redone; shards split the file; failures are
# recorded; a rate-limited server still answers every line.
# usage: batch.sh BUDGATEWAY FAKE_GATEWAY WORK_DIR
source "$(dirname "$0")/lib.sh"

start_gateway
export BUD_BASE_URL=$BASE_URL BUD_API_KEY=sk-batch

# 3000 lines, four of them special: not JSON, a repeated id, no prompt, and
# no id (its id is then its line number, 400).
lines=3000
for i in $(seq 1 $lines); do
  case $i in
    100) echo 'this is not json' ;;
    200) echo '{"id":"q7","prompt":"again"}' ;;
    300) echo '{"id":"no-prompt"}' ;;
    400) echo '{"prompt":"numbered by its line"}' ;;
    *) printf '{"id":"q%d","prompt":"item %d","max_tokens":2}\n' "$i" "$i" ;;
  esac
done >in.jsonl
for i in $(seq 1 $lines); do
  case $i in 100 | 200 | 300) ;; 400) echo 400 ;; *) echo "q$i" ;; esac
done | sort >expected_ids
expected=$(wc -l <expected_ids)

# Each answer takes 20 ms and 8 are in flight: about 8 s for the whole file,
# interrupted once a few hundred results are written.
batch_args=(batch -m m -i in.jsonl -o out.jsonl -c 8 -H "x-fake-delay-ms: 20")
run_batch() { "$BUDGATEWAY" "${batch_args[@]}"; }
# With job control on, the background job does not start with SIGINT
# ignored (as a non-interactive shell's background jobs otherwise do).
set -m
"$BUDGATEWAY" "${batch_args[@]}" 2>first.err &
pid=$!
set +m
for _ in $(seq 1200); do
  [ -f out.jsonl ] && [ "$(wc -l <out.jsonl)" -ge 300 ] && break
  sleep 0.05
done
kill -INT $pid
status=0
wait $pid || status=$?
expect_eq "$status" 130 "exit status after SIGINT"
written=$(wc -l <out.jsonl)
[ "$written" -ge 300 ] && [ "$written" -lt "$expected" ] ||
  fail "the interrupted run wrote $written of $expected lines"
expect_eq "$(tail -c 1 out.jsonl | od -An -c | tr -d ' ')" '\n' "the output ends on a whole line"
jq -e . out.jsonl >/dev/null || fail "the interrupted output is not JSONL"
expect_in first.err "interrupted" "interrupted summary"
for bad in 100 200 300; do expect_in first.err "in.jsonl:$bad:" "bad line $bad reported"; done
expect_in first.err 'id "q7" was already used' "repeated id"
expect_in first.err 'no "prompt"' "missing prompt"

# The same command again does the rest: every id exactly once.
expect_status 1 "resumed run (bad lines make it 1)" -- run_batch
expect_in err "$written skipped (already in out.jsonl)" "resume skips what was written"
expect_in err "3 bad lines" "bad lines counted"
jq -r .id out.jsonl | sort >got_ids
expect_eq "$(uniq -d got_ids | head -3 | tr '\n' ' ')" "" "repeated ids"
cmp -s got_ids expected_ids || fail "ids differ from the input's: $(diff got_ids expected_ids | head -5)"
expect_eq "$(jq -c 'select(.error)' out.jsonl | head -1)" "" "no errors"
expect_eq "$(jq -r 'select(.id != 400 and .text != (" item " + (.id | ltrimstr("q")))) | .id' out.jsonl | head -1)" \
  "" "each line has its own answer"
expect_eq "$(jq -r 'select(.id == 400) | .text[0:21]' out.jsonl)" " numbered by its line" \
  "id from the line number"

# A third run has nothing left to do.
expect_status 1 "third run" -- run_batch
expect_in err "0 succeeded, 0 failed, $expected skipped" "third run"
expect_eq "$(wc -l <out.jsonl)" "$expected" "third run appends nothing"

# A crash in the middle of a line: that line is dropped and done again.
last_id=$(tail -n 1 out.jsonl | jq -r .id)
truncate -s -10 out.jsonl
expect_status 1 "after a partial line" -- run_batch
expect_in err "dropped a partial last line" "partial line"
expect_in err "1 succeeded" "partial line redone"
jq -r .id out.jsonl | sort >got_ids
cmp -s got_ids expected_ids || fail "ids after redoing $last_id: $(diff got_ids expected_ids | head -5)"

# --shard 2/3 takes lines 2, 5, 8, ...: 1000 lines, line 200 (q7 again) among them.
expect_status 0 "shard" -- "$BUDGATEWAY" batch -m m -i in.jsonl -o shard.jsonl --shard 2/3
expect_eq "$(wc -l <shard.jsonl)" 1000 "shard size"
expect_eq "$(jq -r '.id | ltrimstr("q") | tonumber % 3' shard.jsonl | sort -u | tr '\n' ' ')" \
  "1 2 " "shard lines (q7 is line 200's id)"
expect_eq "$(jq -r 'select(.id == "q7") | .text[0:6]' shard.jsonl)" " again" "shard line 200"
expect_status 2 "bad shard" -- "$BUDGATEWAY" batch -m m -i in.jsonl -o x.jsonl --shard 4/3

# Failures are written with their kind, status and request id, and a run in
# which everything failed exits with the failure's code.
head -n 5 in.jsonl >small.jsonl
expect_status 3 "bad key" -- env BUD_API_KEY=sk-wrong-for-this-one \
  "$BUDGATEWAY" batch -m m -i small.jsonl -o failed.jsonl --header "x-fake-scenario: error" \
  --header "x-fake-error-shape: nested_int"
expect_eq "$(wc -l <failed.jsonl)" 5 "failed lines written"
expect_jq failed.jsonl '.error.code == "Authentication" and .error.status == 401 and (.error.request_id | length > 0)' \
  "failure recorded"

# A server that allows 200 requests/s, in bursts of 10, answers 429 beyond
# that (with Retry-After); the batch slows down and every line gets its
# answer.
start_gateway --limit-rps 200 --limit-burst 10
for i in $(seq 1 60); do printf '{"id":%d,"prompt":"p %d"}\n' "$i" "$i"; done >limited.jsonl
expect_status 0 "rate limited" -- env BUD_BASE_URL="$BASE_URL" \
  "$BUDGATEWAY" batch -m m -i limited.jsonl -o limited_out.jsonl -c 32 --max-retries 8 \
  -H "x-fake-scenario: limited"
expect_eq "$(jq -r 'select(.error == null) | .id' limited_out.jsonl | sort -u | wc -l)" 60 \
  "every line answered despite 429s"

# --rpm 2400 spaces 40 starts over about a second.
head -n 40 limited.jsonl >paced.jsonl
started=$(date +%s%N)
expect_status 0 "rpm" -- "$BUDGATEWAY" batch -m m -i paced.jsonl -o paced_out.jsonl -c 32 --rpm 2400
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
[ "$elapsed_ms" -ge 900 ] || fail "--rpm 2400 sent 40 requests in $elapsed_ms ms"
expect_eq "$(wc -l <paced_out.jsonl)" 40 "paced lines"

# On a terminal the progress is a bar with the rate, errors and ETA.
if command -v script >/dev/null; then
  script -qec "'$BUDGATEWAY' batch -m m -i small.jsonl -o tty.jsonl" /dev/null >tty.txt </dev/null || true
  expect_in tty.txt "5/5 [" "progress bar on a terminal"
  expect_in tty.txt "ETA" "progress bar on a terminal"
fi

echo "cli batch: all checks passed"
