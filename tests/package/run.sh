#!/usr/bin/env bash
# usage: run.sh BUILD_DIR SOURCE_DIR WORK_DIR FAKE_GATEWAY
set -euo pipefail
build=$1 source=$2 work=$3 fake=$4
rm -rf "$work"; mkdir -p "$work/consumer"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/lib/cmake/budgateway/budgatewayConfig.cmake" -o \
     -f "$work/prefix/lib/x86_64-linux-gnu/cmake/budgateway/budgatewayConfig.cmake" -o \
     -n "$(find "$work/prefix" -name budgatewayConfigVersion.cmake)"

# The README's quick start, between its markers, is the consumer's main.
sed -n '/<!-- quickstart:begin -->/,/<!-- quickstart:end -->/p' "$source/README.md" \
  | sed '/^<!--/d;/^```/d' > "$work/consumer/main.cpp"
grep -q 'budgateway' "$work/consumer/main.cpp"
cp "$source/tests/package/consumer/CMakeLists.txt" "$work/consumer/"

cmake -S "$work/consumer" -B "$work/consumer/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/consumer/build" >/dev/null

exec 3> >("$fake" --port 0 --exit-on-stdin-eof >"$work/port")
for _ in $(seq 50); do grep -q listening "$work/port" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/^listening 127.0.0.1://p' "$work/port")
BUD_BASE_URL="http://127.0.0.1:$port/v1" BUD_API_KEY=sk-package-test \
  "$work/consumer/build/quickstart" | tee "$work/output"
test -s "$work/output"
exec 3>&-
echo "package test: installed, found with find_package, quick start built and ran"
