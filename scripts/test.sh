#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds with warnings as
# errors, and runs every test (unit, integration against the fake gateway,
# header, package) through CTest.
# usage: scripts/test.sh [BUILD_DIR] [extra cmake arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
# clang and its libFuzzer runtime, for the fuzz smoke tests at the end.
bash scripts/install-deps.sh clang libclang-rt-14-dev
build=${1:-build/test}
shift || true
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DBUDGATEWAY_WERROR=ON "$@"
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)"

# A short smoke run of each libFuzzer target (SSE decoder, response and chunk
# parser, error-body parser, request writer round trip) over its committed
# corpus, where clang and its fuzzer runtime work; skipped, and said so, if
# not. Longer runs: scripts/fuzz SECONDS.
if command -v clang++ >/dev/null &&
   echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' |
     clang++ -x c++ -fsanitize=fuzzer - -o "$build-fuzz-probe" 2>/dev/null; then
  rm -f "$build-fuzz-probe"
  cmake -S . -B "$build-fuzz" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
        -DBUDGATEWAY_BUILD_FUZZERS=ON -DBUDGATEWAY_BUILD_EXAMPLES=OFF -DBUDGATEWAY_WERROR=ON >/dev/null
  cmake --build "$build-fuzz" -j "$(nproc)" --target fuzz_sse_decoder fuzz_response_parser \
        fuzz_api_error fuzz_request_writer
  ctest --test-dir "$build-fuzz" -R '^fuzz_' --output-on-failure
else
  echo "clang++ with libFuzzer not found: the fuzz smoke tests were skipped"
fi
