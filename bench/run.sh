#!/usr/bin/env bash
# Every figure of bench/README.md in one command: installs what is missing,
# builds in Release, generates the canned answers, serves them from nginx on
# a free loopback port, measures the SDK beside raw libcurl (and the official
# openai npm package, when npm works), renders bench/concurrency.png, and
# stops nginx however the run ends.
#
# usage: bench/run.sh [--rounds N] [--scale X] [--only DIGITS] [--no-peers]
#   --scale 0.2 runs a fifth of every request count (a smoke test). Only a
#   run without --rounds, --scale or --only rewrites bench/concurrency.*.
# Environment: BENCH_BUILD (build directory, default build/bench, the
# `bench` preset's), BENCH_WORK (scratch directory, default a new /tmp dir),
# BENCH_JOBS (build jobs, default all CPUs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${BENCH_BUILD:-$root/build/bench}
work=${BENCH_WORK:-$(mktemp -d /tmp/bg-bench.XXXXXX)}
mkdir -p "$work"
# nginx workers drop root; they must be able to reach the canned files.
chmod a+rx "$work"
# Figure 5 holds 1,000 connections open; each side needs a descriptor apiece.
wanted_files=8192
# The openai package is slow enough that one round (after a warm-up) already
# takes half a minute.
peer_rounds=1

bench_args=()
peers=1
# A full run refreshes the plot in bench/; a partial one writes to $work.
plot_dir=$here
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds | --scale | --only) bench_args+=("$1" "$2"); plot_dir=$work; shift 2 ;;
    --no-peers) peers=0; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

bash "$root/scripts/install-deps.sh" nginx-light gnuplot-nox curl

echo "== build ($build)"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
  -DBUDGATEWAY_BUILD_TESTS=OFF -DBUDGATEWAY_BUILD_EXAMPLES=OFF \
  -DBUDGATEWAY_BUILD_BENCH=ON >"$work/cmake.log"
cmake --build "$build" --target bench_budgateway -j "${BENCH_JOBS:-$(nproc)}" >>"$work/cmake.log" ||
  { tail -50 "$work/cmake.log"; exit 1; }
bench="$build/bench/bench_budgateway"

hard_files=$(ulimit -Hn)
if [ "$hard_files" = unlimited ] || [ "$hard_files" -ge "$wanted_files" ]; then
  ulimit -n "$wanted_files"
else
  ulimit -n "$hard_files"
fi

echo "== data and nginx ($work)"
"$bench" gen "$work/data"
stop_nginx() {
  [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
}
trap stop_nginx EXIT
# On two or more CPUs nginx gets the last one; the bench places each figure
# beside it or on CPU 0 (see Placement in main.cpp).
cpus=$(nproc)
placement=()
server_cpu=""
client_cpu=""
if [ "$cpus" -ge 2 ]; then
  server_cpu=$((cpus - 1))
  client_cpu=0
  placement=(--server-cpu "$server_cpu" --client-cpu "$client_cpu")
fi
port=$(NGINX_CPU=$server_cpu bash "$here/start-nginx.sh" "$work/data" "$work/nginx")
base="http://127.0.0.1:$port"
echo "nginx on $base${server_cpu:+ (CPU $server_cpu)}"

echo "== SDK beside raw libcurl"
start=$(date +%s)
status=0
"$bench" run "$base" --dat "$plot_dir/concurrency.dat" "${placement[@]}" "${bench_args[@]}" |
  tee "$work/table.md" || status=$?
echo "(measured in $(($(date +%s) - start)) s)"

if [ -s "$plot_dir/concurrency.dat" ]; then
  gnuplot -e "datafile='$plot_dir/concurrency.dat'; outfile='$plot_dir/concurrency.png'" \
    "$here/plot.gp" && echo "wrote $plot_dir/concurrency.png"
fi

if [ "$peers" = 1 ] && command -v npm >/dev/null && command -v node >/dev/null; then
  echo "== peer: the official openai npm package"
  mkdir -p "$work/peers"
  cp "$here/peers/openai_node.mjs" "$work/peers/"
  if (cd "$work/peers" && npm install --no-audit --no-fund --silent openai >/dev/null 2>&1); then
    # Placed as figures 2 and 1 are: sequential beside nginx, concurrent apart.
    beside=()
    apart=()
    if [ -n "$server_cpu" ]; then
      beside=(taskset -c "$server_cpu")
      apart=(taskset -c "$client_cpu")
    fi
    peer="$work/peers/openai_node.mjs"
    "${beside[@]}" node "$peer" "$base/small/v1" 5000 0 64 "$peer_rounds" ||
      echo "the openai peer failed" >&2
    "${apart[@]}" node "$peer" "$base/small/v1" 0 20000 64 "$peer_rounds" ||
      echo "the openai peer failed" >&2
  else
    echo "npm install openai failed: peer skipped"
  fi
fi
exit "$status"
