#!/usr/bin/env bash
# budgateway complete against the fake gateway: plain, streamed and JSON
# output, request fields given as flags, and the exit code and one-line
# stderr report of each kind of failure.
# usage: complete.sh BUDGATEWAY FAKE_GATEWAY WORK_DIR
source "$(dirname "$0")/lib.sh"

start_gateway --api-key sk-good
export BUD_BASE_URL=$BASE_URL BUD_API_KEY=sk-good
# The fake's deterministic model answers "Say hello" with max_tokens 3 as:
expected=" Say hello Say"

expect_status 0 "plain" -- "$BUDGATEWAY" complete -m m -p "Say hello" --max-tokens 3
expect_eq "$(cat out)" "$expected" "plain text"

expect_status 0 "stream" -- "$BUDGATEWAY" complete -m m -p "Say hello" --max-tokens 3 --stream
expect_eq "$(cat out)" "$expected" "streamed text"

expect_status 0 "json" -- "$BUDGATEWAY" complete -m m -p "Say hello" --max-tokens 3 --json
expect_jq out ".choices[0].text == \"$expected\" and .usage.completion_tokens == 3" "json"

expect_status 0 "stream json" -- \
  "$BUDGATEWAY" complete -m m -p "Say hello" --max-tokens 3 --stream --json
expect_eq "$(jq -j '.choices[].text' out)" "$expected" "streamed chunks' text"
expect_eq "$(jq -s 'map(select(.usage)) | length' out)" 1 "one usage chunk"

# Typed flags, --FIELD VALUE (JSON when it parses, else a string), dashes
# made underscores, and --extra-body all reach the body.
expect_status 0 "fields" -- "$BUDGATEWAY" complete -m m -p "Say hello" --json \
  -H "x-fake-scenario: echo" --max-tokens 2 --temperature 0.5 --top-p 0.9 --n 2 \
  --stop '["\n"]' --user alice --seed=7 --extra-body '{"ignore_eos":true,"n":3}'
jq -r .echo.body out >body.json
expect_jq body.json '.max_tokens == 2 and .temperature == 0.5 and .top_p == 0.9' "typed fields"
expect_jq body.json '.n == 3 and .stop == ["\n"] and .user == "alice" and .seed == 7' "fields"
expect_jq body.json '.ignore_eos == true and .model == "m" and .prompt == "Say hello"' "extra body"

expect_status 0 "prompt from stdin" -- \
  bash -c "echo -n 'Say hello' | '$BUDGATEWAY' complete -m m -p - --max-tokens 3"
expect_eq "$(cat out)" "$expected" "prompt from stdin"

# Failures: the exit code tells the kind; stderr is one line with the
# status, the message and the request id.
check_error() {  # EXIT STATUS_TEXT WHAT -- ARGS...
  local code=$1 status_text=$2 what=$3
  shift 4
  expect_status "$code" "$what" -- "$BUDGATEWAY" complete -m m -p "Say hello" --max-retries 0 "$@"
  expect_eq "$(wc -l <err)" 1 "$what: stderr lines"
  expect_in err "$status_text" "$what"
  expect_in err "request_id=" "$what"
  if [ "$what" != "error inside a stream" ] && [ -s out ]; then
    fail "$what: printed to stdout: $(cat out)"
  fi
}
BUD_API_KEY=sk-wrong check_error 3 "Authentication HTTP 401: Invalid API key" "authentication" --
check_error 3 "PermissionDenied HTTP 403" "forbidden" -- \
  -H "x-fake-scenario: error" -H "x-fake-error-shape: forbidden"
check_error 4 "RateLimited HTTP 429: Rate limit exceeded" "rate limit" -- \
  -H "x-fake-scenario: error" -H "x-fake-error-shape: rate_limit"
check_error 4 "QuotaExceeded HTTP 402" "quota" -- \
  -H "x-fake-scenario: error" -H "x-fake-error-shape: quota"
check_error 5 "Server HTTP 503: upstream unreachable" "server" -- \
  -H "x-fake-scenario: error" -H "x-fake-status: 503"
check_error 7 "BadRequest HTTP 400: bad request" "refused" -- \
  -H "x-fake-scenario: error" -H "x-fake-error-shape: flat"
check_error 5 "Server HTTP 200: boom" "error inside a stream" -- \
  --stream -H "x-fake-scenario: stream_error_event"
expect_eq "$(head -c 4 out)" " Say" "text before the stream's error"

# Nothing listens on port 1.
expect_status 6 "network" -- \
  "$BUDGATEWAY" complete -m m -p x --base-url http://127.0.0.1:1/v1 --max-retries 0
expect_in err "Connection" "network"

# Usage mistakes.
expect_status 2 "no prompt" -- "$BUDGATEWAY" complete -m m
expect_in err "-p PROMPT is required" "no prompt"
expect_status 2 "bad number" -- "$BUDGATEWAY" complete -m m -p x --max-tokens many
expect_status 2 "bad extra body" -- "$BUDGATEWAY" complete -m m -p x --extra-body '[1]'
expect_status 2 "unknown provider" -- "$BUDGATEWAY" complete -m m -p x --provider nope
expect_status 2 "unknown command" -- "$BUDGATEWAY" frobnicate
expect_status 2 "stream as a field" -- "$BUDGATEWAY" complete -m m -p x --extra-body '{"stream":true}'
expect_in err "InvalidArgument" "stream as a field"

# Every subcommand explains itself, exit codes included.
for command in complete batch bench; do
  expect_status 0 "$command --help" -- "$BUDGATEWAY" "$command" --help
  expect_in out "usage: budgateway $command" "$command --help"
  expect_in out "Exit codes:" "$command --help"
  expect_in out "--provider" "$command --help"
done
expect_status 0 "version" -- "$BUDGATEWAY" version
expect_in out "budgateway " "version"

echo "cli complete: all checks passed"
