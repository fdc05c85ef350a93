#!/usr/bin/env bash
# Installs budgateway to a temporary prefix, then builds a separate project
# with find_package(budgateway CONFIG REQUIRED) whose main is the README's
# quick start, as written, and runs it against the fake gateway.
# usage: run.sh BUILD_DIR SOURCE_DIR WORK_DIR FAKE_GATEWAY [shared]
#   With "shared", the library is first built again from SOURCE_DIR as a
#   shared library (BUILD_SHARED_LIBS=ON) and that build is installed.
set -euo pipefail
build=$1 source=$2 work=$3 fake=$4 kind=${5:-static}
rm -rf "$work"; mkdir -p "$work/consumer"

if [ "$kind" = shared ]; then
  cmake -S "$source" -B "$work/library" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON \
        -DBUDGATEWAY_BUILD_TESTS=OFF -DBUDGATEWAY_BUILD_EXAMPLES=OFF >/dev/null
  cmake --build "$work/library" -j "$(nproc)" >/dev/null
  build="$work/library"
fi
cmake --install "$build" --prefix "$work/prefix" >/dev/null
config=$(find "$work/prefix" -name budgatewayConfig.cmake)
test -n "$config" && test -f "$(dirname "$config")/budgatewayConfigVersion.cmake"
if [ "$kind" = shared ]; then
  test -n "$(find "$work/prefix" -name 'libbudgateway.so.*')"
  # Only the public API is exported: no curl, simdjson or fmt symbol.
  ! nm -D --defined-only "$(find "$work/prefix" -name 'libbudgateway.so.*' | head -1)" \
      | grep -Eq ' (curl_|simdjson|fmt)'
fi
# No third-party header is reachable from the installed public headers.
! grep -rEq '#include <(curl|simdjson|fmt)' "$work/prefix/include/budgateway"

# The README's quick start, between its markers, is the consumer's main.
sed -n '/<!-- quickstart:begin -->/,/<!-- quickstart:end -->/p' "$source/README.md" \
  | sed '/^<!--/d;/^```/d' > "$work/consumer/main.cpp"
grep -q 'budgateway' "$work/consumer/main.cpp"
cp "$source/tests/package/consumer/CMakeLists.txt" "$work/consumer/"

cmake -S "$work/consumer" -B "$work/consumer/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/consumer/build" >/dev/null

exec 3> >("$fake" --port 0 --exit-on-stdin-eof >"$work/port")
# Its first line of stdout is the port.
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(head -n 1 "$work/port")
BUD_BASE_URL="http://127.0.0.1:$port/v1" BUD_API_KEY=sk-package-test \
  "$work/consumer/build/quickstart" | tee "$work/output"
test -s "$work/output"
exec 3>&-
echo "package test ($kind): installed, found with find_package, quick start built and ran"
