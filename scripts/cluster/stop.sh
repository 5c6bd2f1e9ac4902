#!/usr/bin/env bash
# Stops everything scripts/cluster/start.sh started in DIR: the nodes (gracefully, then by force), HAProxy and
# PostgreSQL. Logs stay in DIR; --delete removes it (and the database with it).
#   scripts/cluster/stop.sh [--dir target/cluster] [--delete]
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$root/target/cluster"
delete=false
while (($#)); do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --delete) delete=true; shift ;;
    *) echo "Unknown option: $1" >&2; exit 2 ;;
  esac
done
[[ -f "$dir/cluster.env" ]] || { echo "No cluster in $dir" >&2; exit 1; }
source "$dir/cluster.env"

for ((i = 1; i <= NODES; i++)); do
  "$root/scripts/cluster/node.sh" --dir "$dir" stop "$i" &
done
wait
if [[ -s "$dir/haproxy.pid" ]]; then
  kill "$(cat "$dir/haproxy.pid")" 2>/dev/null || true
  rm -f "$dir/haproxy.pid"
fi
if [[ -f "$PG_DIR/data/postmaster.pid" ]]; then
  if [[ $(id -u) -eq 0 && -n "$PG_USER" ]]; then
    runuser -u "$PG_USER" -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
  else
    "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
  fi
fi
if $delete; then
  [[ "$PG_DIR" != "$dir/pg" ]] && rm -rf "$PG_DIR"
  rm -rf "$dir"
fi
echo "Stopped the cluster in $dir"
