#!/usr/bin/env bash
# Serves the canned answers that `bench_budgateway gen DATA_DIR` wrote as an
# OpenAI-compatible endpoint, from nginx on 127.0.0.1 (Debian: nginx-light).
# Base URLs: http://127.0.0.1:PORT/{small,big,stream}/v1 -> POST /completions
# (small: 283-byte completion; big: 161 KB, n=4 with logprobs=5; stream:
# 20,001 SSE chunks and [DONE]).
#
# usage: [NGINX_CPU=N] start-nginx.sh DATA_DIR WORK_DIR [PORT]
#   Without PORT, takes the first free port from 18090 up. Prints the port.
#   NGINX_CPU pins the one worker to that CPU.
#   Stop: kill "$(cat WORK_DIR/nginx.pid)"
set -euo pipefail
data=$(cd "$1" && pwd)
work=$2
wanted_port=${3:-}
cpu=${NGINX_CPU:-}
first_port=18090
port_attempts=50
# Enough for the 1,000 concurrent connections of figure 5, with room.
worker_connections=4096

mkdir -p "$work/www/small/v1" "$work/www/big/v1" "$work/www/stream/v1" "$work/tmp"
work=$(cd "$work" && pwd)
cp "$data/completion.json" "$work/www/small/v1/completions"
cp "$data/completion_logprobs.json" "$work/www/big/v1/completions"
cp "$data/stream.sse" "$work/www/stream/v1/completions"
# nginx's worker drops root; it must still read what it serves.
chmod -R a+rX "$work/www"

# nginx spells "CPU 2" as the bit mask 100.
affinity=""
if [ -n "$cpu" ]; then
  mask=1
  for ((i = 0; i < cpu; i++)); do mask="${mask}0"; done
  affinity="worker_cpu_affinity $mask;"
fi

write_conf() {
  cat >"$work/nginx.conf" <<CONF
worker_processes 1;
$affinity
worker_rlimit_nofile $((worker_connections * 2));
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections $worker_connections; }
http {
  access_log off;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp;
  fastcgi_temp_path $work/tmp; uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  keepalive_requests 1000000; keepalive_timeout 60s;
  server {
    listen 127.0.0.1:$1 backlog=4096;
    root $work/www;
    client_max_body_size 16m;
    # The static module refuses POST with 405; answering that with the file
    # itself turns every POST into the canned answer.
    location ~ ^/(small|big)/v1/completions\$ {
      default_type application/json; error_page 405 =200 \$uri;
    }
    location ~ ^/stream/v1/completions\$ {
      default_type text/event-stream; error_page 405 =200 \$uri;
    }
  }
}
CONF
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

answers() {
  curl -fs -o /dev/null -X POST -d '{}' "http://127.0.0.1:$1/small/v1/completions"
}

start_on() {
  write_conf "$1"
  nginx -c "$work/nginx.conf" -p "$work" -e "$work/error.log" 2>>"$work/error.log" || return 1
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    answers "$1" && return 0
    sleep 0.2
  done
  return 1
}

if [ -f "$work/nginx.pid" ]; then
  kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  sleep 0.3
fi

if [ -n "$wanted_port" ]; then
  start_on "$wanted_port" || { echo "nginx did not answer on $wanted_port" >&2; exit 1; }
  echo "$wanted_port"
  exit 0
fi
for ((port = first_port; port < first_port + port_attempts; port++)); do
  port_in_use "$port" && continue
  if start_on "$port"; then
    echo "$port"
    exit 0
  fi
  # Lost a race for the port: stop whatever this attempt started.
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
done
echo "no free port for nginx in $first_port..$((first_port + port_attempts - 1)); see $work/error.log" >&2
exit 1
