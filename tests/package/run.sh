#!/usr/bin/env bash
# Installs budgateway to a temporary prefix and uses it as users do: a
# separate CMake project (tests/package/consumer: the README's C++20 and
# C++17 quick starts and every example, -Wall -Wextra -Wpedantic -Werror)
# built with each of g++ and clang++, and a pkg-config build of the quick
# start; the quick starts then run against the fake gateway.
# usage: run.sh BUILD_DIR SOURCE_DIR WORK_DIR FAKE_GATEWAY static|shared
#   static: installs BUILD_DIR (a static build).
#   shared: first builds SOURCE_DIR with the release preset as a shared
#     library, with every test dependency hidden (installing from source
#     must not need them), and installs that. The consumers then run with
#     the CMake packages of curl, simdjson and fmt hidden: a shared install
#     needs only their runtime libraries.
set -euo pipefail
build=$1 source=$2 work=$3 fake=$4 kind=$5
rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"
log="$work/log"
jobs=$(nproc)
quiet() { "$@" >>"$log" 2>&1 || { cat "$log"; echo "failed: $*" >&2; exit 1; }; }
# `set -e` ignores a failing `! command` and all but the last of `a && b`:
# every check goes through this.
fail() { echo "package test ($kind): $*" >&2; exit 1; }

version=$(sed -n 's/^  VERSION \([0-9.]*\)$/\1/p' "$source/CMakeLists.txt" | head -1)
[ -n "$version" ] || fail "no project(VERSION) in CMakeLists.txt"
major=${version%%.*} rest=${version#*.}
minor=${rest%%.*}

if [ "$kind" = shared ]; then
  # The release preset's options without its -O2 (CMAKE_BUILD_TYPE empty):
  # the install tree's layout and package files do not depend on it, and
  # optimising would double the longest step of the test suite.
  quiet cmake -S "$source" -B "$work/library" --preset release -DBUILD_SHARED_LIBS=ON \
    -DCMAKE_BUILD_TYPE= \
    -DCMAKE_DISABLE_FIND_PACKAGE_Catch2=ON -DCMAKE_DISABLE_FIND_PACKAGE_httplib=ON \
    -DCMAKE_DISABLE_FIND_PACKAGE_ZLIB=ON -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON
  quiet cmake --build "$work/library" -j "$jobs"
  build="$work/library"
fi
quiet cmake --install "$build" --prefix "$prefix"

config=$(find "$prefix" -name budgatewayConfig.cmake)
[ -n "$config" ] || fail "no budgatewayConfig.cmake installed"
[ -f "$(dirname "$config")/budgatewayConfigVersion.cmake" ] || fail "no version file installed"
pc=$(find "$prefix" -name budgateway.pc)
[ -n "$pc" ] || fail "no budgateway.pc installed"
[ -n "$(find "$prefix" -name CHANGELOG.md)" ] || fail "no CHANGELOG.md installed"
if grep -rEq '#include <(curl|simdjson|fmt)' "$prefix/include/budgateway"; then
  fail "an installed public header includes a third-party header"
fi

hide=()
if [ "$kind" = shared ]; then
  library=$(find "$prefix" -name 'libbudgateway.so.*.*.*' | head -1)
  [ -n "$library" ] || fail "no libbudgateway.so.X.Y.Z installed"
  # While the version is 0.x the soname carries major.minor.
  if [ "$major" = 0 ]; then soname="libbudgateway.so.$major.$minor"; else soname="libbudgateway.so.$major"; fi
  readelf -d "$library" | grep -q "SONAME.*\[$soname\]" || fail "soname is not $soname"
  if nm -D --defined-only "$library" | grep -Eq ' (curl_|simdjson|fmt)'; then
    fail "the shared library exports curl, simdjson or fmt symbols"
  fi
  # Neither the CMake package nor pkg-config asks for the dependencies.
  grep -q 'set(budgateway_SHARED ON)' "$config" || fail "the config file does not know it is shared"
  if grep -q Requires "$pc"; then fail "the shared budgateway.pc requires other packages"; fi
  hide=(-DCMAKE_DISABLE_FIND_PACKAGE_CURL=ON -DCMAKE_DISABLE_FIND_PACKAGE_simdjson=ON
        -DCMAKE_DISABLE_FIND_PACKAGE_fmt=ON)
else
  grep -q 'Requires.private:.*libcurl.*simdjson.*fmt' "$pc" ||
    fail "the static budgateway.pc does not list its dependencies"
fi

# The same consumer with each compiler found.
compilers=(g++)
if command -v clang++ >/dev/null; then
  compilers+=(clang++)
else
  echo "clang++ not found: the consumer was built with g++ only"
fi
runs=()
for compiler in "${compilers[@]}"; do
  dir="$work/consumer-$compiler"
  quiet cmake -S "$source/tests/package/consumer" -B "$dir" -DCMAKE_CXX_COMPILER="$compiler" \
    -DCMAKE_PREFIX_PATH="$prefix" -DBUDGATEWAY_SOURCE_DIR="$source" \
    -DBUDGATEWAY_EXPECTED_VERSION="$version" "${hide[@]}"
  quiet cmake --build "$dir" -j "$jobs"
  "$dir/version_check"
  runs+=("$dir/quickstart" "$dir/quickstart17")
done

# pkg-config, as a Makefile would use it: only our prefix on the search path
# (a shared install must not need the dependencies' .pc files).
export PKG_CONFIG_PATH="$(dirname "$pc")"
if [ "$kind" = shared ]; then
  flags=$(PKG_CONFIG_LIBDIR=/nonexistent pkg-config --cflags --libs budgateway)
  flags="$flags -Wl,-rpath,$(pkg-config --variable=libdir budgateway)"
else
  # `--static` names every dependency (and, through their .pc files, their
  # own static closure, which Debian's shared libcurl does not provide);
  # here the static library is linked with the shared libraries of exactly
  # what Requires.private names, so a missing entry fails the link.
  static=$(pkg-config --static --libs budgateway)
  for library in -lbudgateway -lcurl -lsimdjson -lfmt; do
    [[ " $static " == *" $library "* ]] || fail "pkg-config --static lacks $library"
  done
  mapfile -t requires < <(pkg-config --print-requires-private budgateway)
  flags="$(pkg-config --cflags --libs budgateway) $(pkg-config --libs "${requires[@]}")"
fi
# shellcheck disable=SC2086  # the flags are words
quiet g++ -std=c++20 -Wall -Wextra -Wpedantic -Werror "$work/consumer-g++/quickstart.cpp" \
  -o "$work/quickstart-pkg-config" $flags
runs+=("$work/quickstart-pkg-config")

for program in "${runs[@]}"; do
  bash "$source/scripts/with-fake-gateway.sh" "$fake" "$program"
done
echo "package test ($kind): installed; consumed by CMake (${compilers[*]}, C++17 and C++20)" \
     "and by pkg-config; ${#runs[@]} programs ran"
