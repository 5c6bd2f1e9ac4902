#!/usr/bin/env bash
# Throughput and latency through the balancer for 1 and 2 nodes (and straight to the single node, to see what
# HAProxy adds): starts each cluster with start.sh, runs the jar's `load` mode against it, stops it.
#   scripts/cluster/load.sh [--clients 8] [--n 200] [--images DIR]
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$root/target/cluster-load"
jar="$root/target/chestlens.jar"
load_args=(--clients 8 --n 200 --warmup 24)
if (($#)); then
  load_args=("$@")
fi
load() {
  echo "== $1"
  java -jar "$jar" load --url "$2" "${load_args[@]}" | tail -n 1
}
trap '"$root/scripts/cluster/stop.sh" --dir "$dir" --delete >/dev/null 2>&1 || true' EXIT
# A new cluster's first node embeds the default reference library in the background (about 30 s of both cores):
# measured during it, the first run was the slowest by far. Wait until the log says it is done.
library_loaded() {
  for _ in $(seq 1 600); do
    if grep -q "Reference library: .* cases imported from the default library" "$dir"/node*/node.log 2>/dev/null; then
      # And a discarded round to warm the JVMs: the first round on a new node was slower than the next ones.
      java -jar "$jar" load --url "http://127.0.0.1:$LB_PORT" "${load_args[@]}" >/dev/null
      return
    fi
    sleep 1
  done
  echo "the default reference library was not loaded within 10 minutes" >&2
  exit 1
}

echo "$(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$root/scripts/cluster/start.sh" --nodes 1 --dir "$dir" >/dev/null
source "$dir/cluster.env"
library_loaded
load "1 node, straight" "http://127.0.0.1:$NODE1_PORT"
load "1 node, through HAProxy" "http://127.0.0.1:$LB_PORT"
"$root/scripts/cluster/stop.sh" --dir "$dir" --delete >/dev/null

"$root/scripts/cluster/start.sh" --nodes 2 --dir "$dir" >/dev/null
source "$dir/cluster.env"
library_loaded
load "2 nodes, through HAProxy" "http://127.0.0.1:$LB_PORT"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
