#!/usr/bin/env bash
# One node of a cluster started by scripts/cluster/start.sh:
#   scripts/cluster/node.sh [--dir target/cluster] start N [--no-wait]  start it (waits until it is ready)
#   scripts/cluster/node.sh [--dir target/cluster] wait N               wait until it is ready
#   scripts/cluster/node.sh [--dir target/cluster] stop N               graceful stop (SIGTERM): drains, then exits
#   scripts/cluster/node.sh [--dir target/cluster] kill N               kill -9, as a crash or a power cut would
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$root/target/cluster"
if [[ "${1:-}" == "--dir" ]]; then
  dir="$2"
  shift 2
fi
action="${1:?start|wait|stop|kill}"
n="${2:?node number}"
source "$dir/cluster.env"
node_dir="$dir/node$n"
port_var="NODE${n}_PORT"
port="${!port_var:?no node $n in $dir}"
timeout="${CHESTLENS_NODE_START_TIMEOUT:-600}"

alive() {
  [[ -f "$node_dir/pid" ]] && kill -0 "$(cat "$node_dir/pid")" 2>/dev/null
}

wait_ready() {
  local deadline=$((SECONDS + timeout))
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/actuator/health/readiness" 2>/dev/null; do
    if ! alive; then
      echo "node$n exited while starting; the end of $node_dir/node.log:" >&2
      tail -n 40 "$node_dir/node.log" >&2
      exit 1
    fi
    if ((SECONDS > deadline)); then
      echo "node$n not ready after ${timeout} s; see $node_dir/node.log" >&2
      exit 1
    fi
    sleep 0.5
  done
}

case "$action" in
  start)
    if alive; then
      echo "node$n is already running (pid $(cat "$node_dir/pid"))" >&2
      exit 1
    fi
    setsid nohup "$node_dir/run.sh" </dev/null >/dev/null 2>&1 &
    echo $! >"$node_dir/pid"
    [[ "${3:-}" == "--no-wait" ]] || wait_ready
    ;;
  wait)
    wait_ready
    ;;
  stop)
    if alive; then
      pid="$(cat "$node_dir/pid")"
      kill -TERM "$pid"
      for _ in $(seq 1 1200); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$node_dir/pid"
    ;;
  kill)
    if alive; then
      pid="$(cat "$node_dir/pid")"
      kill -KILL "$pid"
      while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    fi
    rm -f "$node_dir/pid"
    ;;
  *)
    echo "Unknown action: $action (start|wait|stop|kill)" >&2
    exit 2
    ;;
esac
