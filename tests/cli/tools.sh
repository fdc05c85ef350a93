#!/usr/bin/env bash
# The installed programs: budgateway-fake-gateway's --help lists every
# scenario and --port prints the port alone as the first line; budgateway
# includes public headers only; the install components put both commands,
# and the gateway's manual, in the prefix.
# usage: tools.sh BUDGATEWAY FAKE_GATEWAY WORK_DIR SOURCE_DIR BUILD_DIR
source "$(dirname "$0")/lib.sh"
source_dir=$4 build_dir=$5

expect_status 0 "fake gateway --help" -- "$FAKE" --help
# Every scenario of the manual's table is listed.
sed -n '/^## Scenarios/,/^## Error shapes/p' "$source_dir/tools/fake_gateway/README.md" |
  sed -n 's/^| `\([a-z_]*\)` |.*/\1/p' >scenarios
[ "$(wc -l <scenarios)" -ge 20 ] || fail "read only $(wc -l <scenarios) scenarios from the README"
while read -r scenario; do
  grep -qE "^  $scenario +[a-z0-9]" out || fail "--help does not list the scenario $scenario"
done <scenarios
expect_status 2 "fake gateway bad option" -- "$FAKE" --no-such-option
expect_in err "unknown option --no-such-option" "bad option"

# --port 0: a free port, alone on the first line; --port N: N (the port
# just freed, which is then known to be free). EOF on stdin stops it.
start_gateway
first=$PORT
stop_gateway
start_gateway --port "$first"
expect_eq "$PORT" "$first" "--port N prints N"
expect_status 0 "a request to the printed port" -- env BUD_BASE_URL="$BASE_URL" BUD_API_KEY=k \
  "$BUDGATEWAY" complete -m m -p "ok then" --max-tokens 2
expect_eq "$(cat out)" " ok then" "answer from the printed port"

# The command uses the public API only: every quoted include is one of its
# own files, and every <budgateway/...> one an installed public header.
for file in "$source_dir"/tools/budgateway/*.cpp "$source_dir"/tools/budgateway/*.hpp; do
  while read -r included; do
    [[ "$included" != */* ]] && [ -f "$source_dir/tools/budgateway/$included" ] ||
      fail "$(basename "$file") includes \"$included\", not a file of the command"
  done < <(sed -n 's/^#include "\(.*\)"/\1/p' "$file")
  while read -r header; do
    [[ "$header" != *..* ]] && [ -f "$source_dir/include/budgateway/$header" ] ||
      [ "$header" = version.hpp ] ||
      fail "$(basename "$file") includes <budgateway/$header>, not a public header"
  done < <(sed -n 's/^#include <budgateway\/\(.*\)>/\1/p' "$file")
done

# The install components.
cmake --install "$build_dir" --prefix "$WORK/prefix" --component cli >/dev/null
cmake --install "$build_dir" --prefix "$WORK/prefix" --component fake_gateway >/dev/null
for file in bin/budgateway bin/budgateway-fake-gateway share/doc/budgateway/fake-gateway.md; do
  [ -f "$WORK/prefix/$file" ] || fail "not installed: $file"
done
expect_status 0 "installed budgateway" -- "$WORK/prefix/bin/budgateway" version
expect_status 0 "installed fake gateway" -- "$WORK/prefix/bin/budgateway-fake-gateway" --help
expect_in out "stream_error_event" "installed fake gateway --help"

echo "cli tools: all checks passed"
