#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds with warnings as
# errors, and runs every test (unit, integration against the fake gateway,
# header, package) through CTest.
# usage: scripts/test.sh [BUILD_DIR] [extra cmake arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
build=${1:-build/test}
shift || true
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DBUDGATEWAY_WERROR=ON "$@"
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)"

# The SSE decoder's libFuzzer target, where clang and its fuzzer runtime are
# installed (Debian: clang, libclang-rt-14-dev); skipped, and said so, if not.
if command -v clang++ >/dev/null &&
   echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' |
     clang++ -x c++ -fsanitize=fuzzer - -o "$build-fuzz-probe" 2>/dev/null; then
  rm -f "$build-fuzz-probe"
  cmake -S . -B "$build-fuzz" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
        -DBUDGATEWAY_BUILD_FUZZERS=ON -DBUDGATEWAY_BUILD_EXAMPLES=OFF -DBUDGATEWAY_WERROR=ON >/dev/null
  cmake --build "$build-fuzz" -j "$(nproc)" --target fuzz_sse_decoder
  ctest --test-dir "$build-fuzz" -R fuzz_sse_decoder_smoke --output-on-failure
else
  echo "clang++ with libFuzzer not found: the SSE decoder fuzz smoke test was skipped"
fi
