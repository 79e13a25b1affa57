#!/usr/bin/env bash
# Loa's scale-out shape on one machine, without Docker: nginx in front of several api processes,
# and worker processes, all on one PostgreSQL and one Redis (DATABASE_URL, REDIS_URL and every
# other LOA_* variable are passed on to them as they are). Runs in the foreground; Ctrl-C (or
# SIGTERM) stops everything it started. A process that dies is started again after a second, as
# systemd's Restart=always would.
#   LOA_API_PROCESSES     api processes (default 2), on ports LOA_API_PORT_BASE, +1, ... (default 3001)
#   LOA_WORKER_PROCESSES  worker processes (default 2)
#   LOA_NGINX_LISTEN      where nginx listens (default 8080; e.g. 80 or 127.0.0.1:8080)
#   LOA_CLUSTER_DIR       nginx's prefix, process ids (<name>.pid) and logs (logs/<name>.log) (default data/cluster)
set -euo pipefail
cd "$(dirname "$0")/.."

api_count=${LOA_API_PROCESSES:-2}
worker_count=${LOA_WORKER_PROCESSES:-2}
port_base=${LOA_API_PORT_BASE:-3001}
export LOA_NGINX_LISTEN=${LOA_NGINX_LISTEN:-8080}
export LOA_MAX_UPLOAD_MB=${LOA_MAX_UPLOAD_MB:-200}
run_dir=$(mkdir -p "${LOA_CLUSTER_DIR:-data/cluster}" && cd "${LOA_CLUSTER_DIR:-data/cluster}" && pwd)
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

say() { echo "cluster: $*"; }

[[ ${LOA_CLUSTER_SKIP_SETUP:-} == 1 ]] || { bash .ci/setup && bash .ci/build-if-changed; }
[[ -x $nginx_bin ]] || { say "no nginx: install Debian's nginx-light (apt-get install nginx-light)"; exit 1; }
[[ -z ${DATABASE_URL:-} ]] && say "no DATABASE_URL: every process shares the SQLite file in ${LOA_DATA_DIR:-data} (PostgreSQL is the scale-out database)"

# The balancer: loa.conf rendered from the template (only Loa's names are substituted; nginx's own
# $variables stay), checked with nginx -t, then started under this directory.
# max_fails=0: nginx never takes an api process out of rotation. A dead one on this machine refuses a
# connection at once and the request goes on to the next (proxy_next_upstream); a live one that is only
# slow to accept would otherwise be taken out after one connect timeout, its load moved to the other,
# which then timed out too: with every process out, nginx answered 502 to everyone ("no live upstreams",
# 10,845 and 49,807 times in two 19,000-receiver drills with max_fails=1; none with max_fails=0).
servers=""
for ((i = 0; i < api_count; i++)); do servers+="server 127.0.0.1:$((port_base + i)) max_fails=0; "; done
export LOA_API_SERVERS=$servers
# The api answers its own JSON 413 for a file over LOA_MAX_UPLOAD_MB: nginx lets the multipart
# fields around such a file through (1 MB more) and refuses anything larger itself.
export LOA_NGINX_MAX_BODY_MB=$((LOA_MAX_UPLOAD_MB + 1))
mkdir -p "$run_dir/logs" "$run_dir/tmp"
cp deploy/nginx/nginx.conf "$run_dir/nginx.conf"
envsubst '${LOA_NGINX_LISTEN} ${LOA_API_SERVERS} ${LOA_NGINX_MAX_BODY_MB}' <deploy/nginx/loa.conf.template >"$run_dir/loa.conf"
"$nginx_bin" -t -q -p "$run_dir" -c "$run_dir/nginx.conf"

rm -f "$run_dir/stopping"
children=()
stop() {
  trap - INT TERM EXIT
  touch "$run_dir/stopping"
  say "stopping"
  local pidfile
  for pidfile in "$run_dir"/*.pid; do [[ -f $pidfile ]] && kill -TERM "$(<"$pidfile")" 2>/dev/null || true; done
  kill -TERM "${children[@]}" 2>/dev/null || true
  # A process that died of the same Ctrl-C may have been started again meanwhile: once more.
  sleep 0.5
  for pidfile in "$run_dir"/*.pid; do [[ -f $pidfile ]] && kill -TERM "$(<"$pidfile")" 2>/dev/null || true; done
  wait || true
  rm -f "$run_dir"/*.pid
  say "stopped"
}
trap stop INT TERM EXIT

# Runs one process, writing its pid to <name>.pid, and starts it again when it dies.
supervise() {
  local name=$1
  shift
  while [[ ! -f $run_dir/stopping ]]; do
    "$@" >>"$run_dir/logs/$name.log" 2>&1 &
    echo $! >"$run_dir/$name.pid"
    wait $! && status=0 || status=$?
    [[ -f $run_dir/stopping ]] && break
    say "$name exited ($status); starting it again in 1 s"
    sleep 1
  done
}

# Waits until GET /health answers at host:port (an api process, or an api through nginx), up to 60 s.
wait_healthy() {
  local address=$1 name=$2
  for _ in $(seq 600); do
    curl -sf -o /dev/null "http://$address/health" && return 0
    sleep 0.1
  done
  say "$name did not become healthy at $address: see $run_dir/logs/$name.log"
  tail -n 20 "$run_dir/logs/$name.log" >&2 || true
  return 1
}

# The first api process migrates the database (and creates the admin) before the others start.
for ((i = 0; i < api_count; i++)); do
  supervise "api-$((i + 1))" env LOA_ROLES=api PORT=$((port_base + i)) node dist/src/main.js &
  children+=($!)
  ((i == 0)) && wait_healthy "127.0.0.1:$port_base" api-1
done
for ((i = 0; i < worker_count; i++)); do
  supervise "worker-$((i + 1))" env LOA_ROLES=worker node dist/src/main.js &
  children+=($!)
done
for ((i = 1; i < api_count; i++)); do wait_healthy "127.0.0.1:$((port_base + i))" "api-$((i + 1))"; done
supervise nginx "$nginx_bin" -p "$run_dir" -c "$run_dir/nginx.conf" &
children+=($!)
url=$LOA_NGINX_LISTEN
[[ $url == *:* ]] || url=127.0.0.1:$url
# Ready means answering through the balancer, not only nginx started: it may not bind at once, or at all.
wait_healthy "$url" nginx
say "ready: http://$url (nginx) -> ${api_count} api on ports ${port_base}..$((port_base + api_count - 1)), ${worker_count} worker(s); pids and logs in $run_dir"
wait
