#!/usr/bin/env bash
# Per request (or per chunk) for each side of figures 1-4: instructions
# (callgrind) and raw/SDK, the throughput ratio a CPU-bound client would
# see; heap allocations (memcheck's totals); system calls (strace -c).
# Three sides: raw (two header lines, the floor), wire (raw sending the
# SDK's header lines: User-Agent, Accept, Accept-Encoding: gzip, a fresh
# x-request-id; wire/SDK is what the SDK itself adds) and the SDK.
# Unlike wall-clock times these repeat. Each side runs twice, with a small
# and a large count, and the difference is divided by the difference in
# count, so start-up, connecting and warm-up cancel out. Keeps the
# callgrind files for callgrind_annotate.
#
# usage: bench/profile.sh [OUT_DIR]
# Environment: BENCH_PROF_BUILD (default build/bench-prof: -O2 -g),
# BENCH_JOBS (build jobs, default all CPUs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=${1:-$(mktemp -d /tmp/bg-profile.XXXXXX)}
build=${BENCH_PROF_BUILD:-$root/build/bench-prof}
mkdir -p "$out"

bash "$root/scripts/install-deps.sh" nginx-light valgrind strace curl
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBUDGATEWAY_BUILD_TESTS=OFF -DBUDGATEWAY_BUILD_EXAMPLES=OFF \
  -DBUDGATEWAY_BUILD_BENCH=ON >"$out/cmake.log"
cmake --build "$build" --target bench_budgateway -j "${BENCH_JOBS:-$(nproc)}" >>"$out/cmake.log" ||
  { tail -50 "$out/cmake.log"; exit 1; }
bench="$build/bench/bench_budgateway"

"$bench" gen "$out/data" >/dev/null
stop_nginx() {
  [ -f "$out/nginx/nginx.pid" ] && kill "$(cat "$out/nginx/nginx.pid")" 2>/dev/null || true
}
trap stop_nginx EXIT
base="http://127.0.0.1:$(bash "$here/start-nginx.sh" "$out/data" "$out/nginx")"

# Each prints one number for: WHAT COUNT
instructions() {
  valgrind --tool=callgrind --callgrind-out-file="$out/cg.$1.$2" \
    "$bench" one "$1" "$base" "$2" 2>&1 >/dev/null |
    sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p'
}

allocations() {
  valgrind --tool=memcheck --leak-check=no "$bench" one "$1" "$base" "$2" 2>&1 >/dev/null |
    sed -n 's/^==[0-9]*==   total heap usage: \([0-9,]*\) allocs.*/\1/p' | tr -d ,
}

syscalls() {
  strace -f -c -o "$out/strace.$1.$2" "$bench" one "$1" "$base" "$2" >/dev/null 2>&1
  awk '$NF == "total" { print $4 }' "$out/strace.$1.$2"
}

# METRIC WHAT SMALL LARGE UNITS_PER_COUNT: the metric per unit of work.
per_unit() {
  local low high
  low=$("$1" "$2" "$3")
  high=$("$1" "$2" "$4")
  awk -v l="$low" -v h="$high" -v n="$(($4 - $3))" -v u="$5" \
    'BEGIN { printf "%.1f", (h - l) / (n * u) }'
}

# what, small count, large count, units per count (a stream is 20,001 chunks)
runs=(
  "many 1000 5000 1"
  "seq 200 1200 1"
  "stream 1 3 20001"
  "big 5 25 1"
)
# X/SDK of two instruction counts
over() { awk -v x="$1" -v s="$2" 'BEGIN { printf "%.2f", x / s }'; }
head_format="%-7s %11s %11s %11s %8s %9s %7s %7s %7s %7s %7s %7s\n"
row_format="%-7s %11.0f %11.0f %11.0f %8s %9s %7s %7s %7s %7s %7s %7s\n"
# shellcheck disable=SC2059
printf "$head_format" "" "instr" "" "" "" "" allocs "" "" syscalls "" ""
# shellcheck disable=SC2059
printf "$head_format" run raw wire SDK raw/SDK wire/SDK raw wire SDK raw wire SDK
for run in "${runs[@]}"; do
  read -r what small large per <<<"$run"
  row=()
  for metric in instructions allocations syscalls; do
    for side in raw wire sdk; do
      row+=("$(per_unit "$metric" "$side-$what" "$small" "$large" "$per")")
    done
  done
  # shellcheck disable=SC2059
  printf "$row_format" "$what" "${row[0]}" "${row[1]}" "${row[2]}" \
    "$(over "${row[0]}" "${row[2]}")" "$(over "${row[1]}" "${row[2]}")" \
    "${row[3]}" "${row[4]}" "${row[5]}" "${row[6]}" "${row[7]}" "${row[8]}"
done
echo "per request (per chunk for stream); wire: raw with the SDK's header lines;"
echo "X/SDK: instructions of X over the SDK's. callgrind files: $out/cg.*"
