# Shared by the CLI tests: arguments, a scratch directory, fake gateways
# started on free ports, and checks that say what failed.
# usage (from a test): source lib.sh BUDGATEWAY FAKE_GATEWAY WORK_DIR
set -euo pipefail
BUDGATEWAY=$1 FAKE=$2 WORK=$3
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK"

# Starts a fake gateway with the given options and sets PORT, BASE_URL and
# GATEWAY_PID (stop_gateway stops the last one started).
# It reads its stdin from a pipe this shell holds open, so it stops when the
# test exits, however it exits.
start_gateway() {
  local port_file
  port_file=$(mktemp -p "$WORK" gateway.XXXX)
  exec {gateway_fd}> >(exec "$FAKE" --port 0 --exit-on-stdin-eof "$@" >"$port_file")
  GATEWAY_PID=$!
  for _ in $(seq 200); do [ -s "$port_file" ] && break; sleep 0.05; done
  PORT=$(head -n 1 "$port_file")
  [[ "$PORT" =~ ^[0-9]+$ ]] || fail "the fake gateway printed '$PORT', not a port"
  BASE_URL="http://127.0.0.1:$PORT/v1"
}

stop_gateway() {
  exec {gateway_fd}>&-
  for _ in $(seq 100); do kill -0 "$GATEWAY_PID" 2>/dev/null || return 0; sleep 0.05; done
  fail "the fake gateway did not stop when its stdin closed"
}

# A number from the last gateway's GET /_stats (completions, requests, ...),
# read with bash's own /dev/tcp.
gateway_stat() {
  local response
  exec {stats_fd}<>"/dev/tcp/127.0.0.1/$PORT"
  printf 'GET /_stats HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&"$stats_fd"
  response=$(cat <&"$stats_fd")
  exec {stats_fd}>&-
  sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" <<<"$response"
}

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() { [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"; }

# expect_status EXPECTED WHAT -- COMMAND...: runs COMMAND, keeps its stdout in
# $WORK/out and stderr in $WORK/err, and checks its exit status.
expect_status() {
  local expected=$1 what=$2 status=0
  shift 3
  "$@" >"$WORK/out" 2>"$WORK/err" || status=$?
  [ "$status" = "$expected" ] ||
    fail "$what: exit status $status, expected $expected; stderr: $(cat "$WORK/err")"
}

# expect_in FILE TEXT WHAT: FILE contains TEXT (fixed string).
expect_in() { grep -qF -- "$2" "$1" || fail "$3: '$2' not in $1: $(head -c 2000 "$1")"; }

# A jq expression that must hold (print true) for a JSON file.
expect_jq() {
  local result
  result=$(jq -e "$2" "$1") || fail "$3: jq '$2' gave '$result' for $(head -c 3000 "$1")"
}
