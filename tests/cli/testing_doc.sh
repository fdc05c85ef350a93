#!/usr/bin/env bash
# docs/testing.md, as written: its CMake project and test program, built
# against an install of this build, run the fake gateway as a CTest fixture,
# pass, and leave no gateway running; its seam example passes too.
# usage: testing_doc.sh BUDGATEWAY FAKE_GATEWAY WORK_DIR SOURCE_DIR BUILD_DIR
source "$(dirname "$0")/lib.sh"
source_dir=$4 build_dir=$5

cmake --install "$build_dir" --prefix "$WORK/prefix" >/dev/null
mkdir project
block() {  # NAME: the fenced block between <!-- NAME:begin/end --> in the doc
  sed -n "/<!-- $1:begin -->/,/<!-- $1:end -->/p" "$source_dir/docs/testing.md" |
    sed '/^<!--/d;/^```/d'
}
block testing-cmake >project/CMakeLists.txt
block testing-cpp >project/gateway_test.cpp
block testing-seam >project/tagline_test.cpp
grep -q 'FakeConnection' project/tagline_test.cpp || fail "no seam block in docs/testing.md"
# The seam example needs no fixture: one more test in the same project.
cat >>project/CMakeLists.txt <<'CMAKE'
add_executable(tagline_test tagline_test.cpp)
target_link_libraries(tagline_test PRIVATE budgateway::budgateway)
add_test(NAME tagline_test COMMAND tagline_test)
CMAKE
grep -q FIXTURES_SETUP project/CMakeLists.txt || fail "no CMake block in docs/testing.md"
grep -q 'int main' project/gateway_test.cpp || fail "no C++ block in docs/testing.md"

cmake -S project -B project/build -DCMAKE_PREFIX_PATH="$WORK/prefix" >configure.log 2>&1 ||
  fail "configure: $(tail -20 configure.log)"
cmake --build project/build >build.log 2>&1 || fail "build: $(tail -30 build.log)"
# Only the test itself is asked for: CTest adds the fixture's start and stop.
(cd project/build && ctest -R '^gateway_test$' --output-on-failure) >ctest.log 2>&1 ||
  fail "ctest: $(cat ctest.log)"
expect_in ctest.log "fake_gateway_start" "the fixture started the gateway"
expect_in ctest.log "fake_gateway_stop" "the fixture stopped the gateway"
expect_in ctest.log "100% tests passed" "the documented test passed"
(cd project/build && ctest -R '^tagline_test$' --output-on-failure) >seam.log 2>&1 ||
  fail "the seam example: $(cat seam.log)"
pid=$(cat project/build/gateway.pid)
for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
kill -0 "$pid" 2>/dev/null && { kill "$pid"; fail "the gateway outlived the fixture"; }

echo "cli testing doc: the documented fixture works"
