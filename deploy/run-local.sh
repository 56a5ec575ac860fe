#!/usr/bin/env bash
# Serve the app to a class from one machine: REPLICAS Streamlit processes on loopback ports,
# Debian's nginx in front of them on PORT, sticky by a cookie (see deploy/nginx_conf.py).
#
#   deploy/run-local.sh REPLICAS PORT [ADDRESS]
#
# ADDRESS is where nginx listens: 0.0.0.0 (every network of this machine, the default: the
# class connects to http://THIS-MACHINE:PORT) or 127.0.0.1 (this machine only).
# One Streamlit process runs all its visitors' Python under one interpreter lock, so it gives
# them about one core at most; start about one process per core. Runs in the foreground; on
# Ctrl-C or SIGTERM it stops everything it started and removes its temporary directory.
# nginx runs as the current user from a generated config: the system's nginx service is not used.
# Environment: PYTHON (default python3); NGINX (default: nginx on the PATH or in /usr/sbin);
# STREAMLIT_SERVER_COOKIE_SECRET (default: a fresh one, shared by this run's processes).
set -euo pipefail

usage() {
  echo "usage: $0 REPLICAS PORT [ADDRESS]   (e.g. $0 2 8080)" >&2
  exit 2
}

[[ $# -ge 2 && $# -le 3 ]] || usage
replicas=$1
port=$2
address=${3:-0.0.0.0}
[[ $replicas =~ ^[0-9]+$ ]] && ((replicas >= 1 && replicas <= 32)) || { echo "REPLICAS must be 1 to 32, not '$replicas'" >&2; usage; }
[[ $port =~ ^[0-9]+$ ]] && ((port >= 1 && port <= 65535)) || { echo "PORT must be 1 to 65535, not '$port'" >&2; usage; }

repo=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
nginx=${NGINX:-$(PATH="$PATH:/usr/sbin:/sbin" command -v nginx || true)}
if [[ -z $nginx || ! -x $nginx ]]; then
  echo "nginx is not installed. On Debian or Ubuntu: sudo apt-get install nginx" >&2
  echo "(only the program is used: the system service may stay stopped, e.g. sudo systemctl disable --now nginx)" >&2
  exit 1
fi
if ! "$python" -c "import streamlit" 2>/dev/null; then
  echo "$python cannot import streamlit: pip install -r $repo/requirements.txt (or set PYTHON)" >&2
  exit 1
fi
if ! "$python" - "$address" "$port" <<'EOF'
import socket, sys
with socket.socket() as s:
    try:
        s.bind((sys.argv[1], int(sys.argv[2])))
    except OSError as error:
        sys.exit(f"cannot listen on {sys.argv[1]}:{sys.argv[2]}: {error.strerror}")
EOF
then
  exit 1
fi

run_dir=$(mktemp -d "${TMPDIR:-/tmp}/neural-playground-proxy.XXXXXX")
pids=()
nginx_pid=""

stop_all() {
  trap - EXIT INT TERM
  [[ -n $nginx_pid ]] && kill -TERM "$nginx_pid" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # Give them 10 s to close their ports, then force.
  for _ in $(seq 100); do
    alive=0
    for pid in "$nginx_pid" "${pids[@]}"; do
      [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && alive=1
    done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "$nginx_pid" "${pids[@]}"; do
    [[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$run_dir"
  echo "stopped: nginx and ${#pids[@]} Streamlit process(es)" >&2
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

set -a
# shellcheck source=hosted.env
. "$repo/deploy/hosted.env"
set +a
export STREAMLIT_SERVER_COOKIE_SECRET=${STREAMLIT_SERVER_COOKIE_SECRET:-$("$python" -c "import secrets; print(secrets.token_hex(32))")}

# Free loopback ports for the processes (held open together, so they differ).
read -r -a ports <<<"$("$python" - "$replicas" <<'EOF'
import socket, sys
sockets = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in sockets))
EOF
)"

cd "$repo"
backends=()
for i in $(seq 0 $((replicas - 1))); do
  # Each process's output goes to this terminal, each line marked with its name.
  "$python" -m streamlit run app.py --server.address 127.0.0.1 --server.port "${ports[$i]}" \
    > >(sed -u "s/^/[r$i] /") 2>&1 &
  pids+=($!)
  backends+=(--backend "127.0.0.1:${ports[$i]}")
done

healthy() { "$python" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)" "$1" 2>/dev/null; }
for i in "${!pids[@]}"; do
  for attempt in $(seq 600); do
    healthy "http://127.0.0.1:${ports[$i]}/_stcore/health" && break
    if ! kill -0 "${pids[$i]}" 2>/dev/null || ((attempt == 600)); then
      echo "Streamlit process r$i did not start (see its output above)" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "replica r$i: http://127.0.0.1:${ports[$i]} pid ${pids[$i]}"
done

user_args=()
[[ $EUID -eq 0 ]] && user_args=(--user "$(id -un)")
"$python" "$repo/deploy/nginx_conf.py" --listen "$address:$port" "${backends[@]}" --run-dir "$run_dir" \
  "${user_args[@]}" > "$run_dir/nginx.conf"
"$nginx" -q -t -p "$run_dir" -c "$run_dir/nginx.conf"
"$nginx" -p "$run_dir" -c "$run_dir/nginx.conf" -g "daemon off;" &
nginx_pid=$!
probe=$address
[[ $address == 0.0.0.0 ]] && probe=127.0.0.1
for attempt in $(seq 100); do
  healthy "http://$probe:$port/_stcore/health" && break
  if ! kill -0 "$nginx_pid" 2>/dev/null || ((attempt == 100)); then
    echo "nginx did not start (see its messages above)" >&2
    exit 1
  fi
  sleep 0.1
done
shown=$address
[[ $address == 0.0.0.0 ]] && shown=$(hostname)
echo "serving ${replicas} Streamlit process(es) at http://$shown:$port (nginx pid $nginx_pid); Ctrl-C stops everything"

# The proxy is the service: when nginx ends, everything ends. A process that dies is routed around.
wait "$nginx_pid" || true
echo "nginx stopped" >&2
