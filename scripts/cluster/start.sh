#!/usr/bin/env bash
# Starts a ChestLens cluster on this machine, all on loopback and free ports: a PostgreSQL server from Debian's
# binaries in a throw-away data directory, N nodes (the packaged jar, each with its own port and data directory)
# and HAProxy in front (sticky by cookie, health-checked on /actuator/health/readiness).
#
#   scripts/cluster/start.sh [--nodes 2] [--dir target/cluster] [--jar target/chestlens.jar] [--models models]
#
# Everything it starts is written to DIR/cluster.env (ports, pids, database URL); scripts/cluster/stop.sh stops it,
# scripts/cluster/node.sh stops, kills or restarts one node. CHESTLENS_ADMIN_EMAIL/_PASSWORD, when set, are passed
# to the nodes. Needs: java 17, /usr/lib/postgresql/15/bin (package postgresql-15), /usr/sbin/haproxy, curl, python3.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
nodes=2
dir="$root/target/cluster"
jar="$root/target/chestlens.jar"
models="$root/models"
while (($#)); do
  case "$1" in
    --nodes) nodes="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --jar) jar="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    *) echo "Unknown option: $1" >&2; exit 2 ;;
  esac
done
pg_bin="${CHESTLENS_PG_BIN:-/usr/lib/postgresql/15/bin}"
haproxy_bin="${CHESTLENS_HAPROXY:-/usr/sbin/haproxy}"
[[ -x "$pg_bin/initdb" ]] || { echo "No PostgreSQL server binaries in $pg_bin (apt-get install postgresql-15)" >&2; exit 1; }
[[ -x "$haproxy_bin" ]] || { echo "No HAProxy at $haproxy_bin (apt-get install haproxy)" >&2; exit 1; }
[[ -f "$jar" ]] || { echo "No jar at $jar (./mvnw -B -DskipTests package)" >&2; exit 1; }
[[ -f "$models/manifest.json" ]] || { echo "No models in $models" >&2; exit 1; }
((nodes >= 1)) || { echo "--nodes must be at least 1" >&2; exit 2; }

if [[ -f "$dir/cluster.env" ]]; then
  "$root/scripts/cluster/stop.sh" --dir "$dir" >/dev/null 2>&1 || true
fi
rm -rf "$dir"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
jar="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"
models="$(cd "$models" && pwd)"

# Free loopback ports, chosen by the kernel: PostgreSQL, the balancer, one per node.
read -r -a ports <<<"$(python3 - "$((nodes + 2))" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
)"
pg_port="${ports[0]}"
lb_port="${ports[1]}"

# --- PostgreSQL: initdb in a throw-away directory; as root the server runs as the postgres (or nobody) user.
pg_dir="$dir/pg"
mkdir -p "$pg_dir"
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  pg_user=postgres
  id "$pg_user" >/dev/null 2>&1 || pg_user=nobody
  # The server's user must reach its directory: when DIR's parents are closed to it, use one under /tmp.
  if ! runuser -u "$pg_user" -- test -x "$dir"; then
    pg_dir="$(mktemp -d /tmp/chestlens-pg.XXXXXX)"
    echo "$pg_dir" >"$dir/pg-dir-outside"
  fi
  chown -R "$pg_user" "$pg_dir"
  as_pg=(runuser -u "$pg_user" --)
fi
pg_password="$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')"
printf '%s\n' "$pg_password" >"$pg_dir/.pwfile"
chmod 600 "$pg_dir/.pwfile"
[[ ${#as_pg[@]} -gt 0 ]] && chown "$pg_user" "$pg_dir/.pwfile"
"${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U chestlens --pwfile="$pg_dir/.pwfile" \
  --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
rm -f "$pg_dir/.pwfile"
mkdir -p "$pg_dir/socket"
[[ ${#as_pg[@]} -gt 0 ]] && chown "$pg_user" "$pg_dir/socket"
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 120 \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir/socket -c max_connections=200" start >/dev/null
PGPASSWORD="$pg_password" "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U chestlens -d postgres -q \
  -c "create database chestlens" >/dev/null
jdbc_url="jdbc:postgresql://127.0.0.1:$pg_port/chestlens"

cat >"$dir/cluster.env" <<ENV
CLUSTER_DIR='$dir'
PG_BIN='$pg_bin'
PG_DIR='$pg_dir'
PG_USER='${pg_user:-}'
PG_PORT=$pg_port
PG_PASSWORD='$pg_password'
JDBC_URL='$jdbc_url'
LB_PORT=$lb_port
NODES=$nodes
ENV
chmod 600 "$dir/cluster.env"

# --- Nodes: each one a run.sh, so node.sh can start it again after a stop or kill.
for ((i = 1; i <= nodes; i++)); do
  node_dir="$dir/node$i"
  mkdir -p "$node_dir"
  port="${ports[$((i + 1))]}"
  cat >"$node_dir/run.sh" <<RUN
#!/usr/bin/env bash
# Node $i of the cluster in $dir (written by scripts/cluster/start.sh).
cd '$node_dir'
export PORT=$port
export CHESTLENS_NODE_NAME=node$i
export CHESTLENS_DATA_DIR='$node_dir/data'
export CHESTLENS_MODELS_DIR='$models'
export SPRING_DATASOURCE_URL='$jdbc_url'
export SPRING_DATASOURCE_USERNAME=chestlens
export SPRING_DATASOURCE_PASSWORD='$pg_password'
export CHESTLENS_DRAIN_DELAY=\${CHESTLENS_DRAIN_DELAY:-10s}
export OPT_OUT_TRACKING=true
exec java -Xmx1g -Duser.home='$node_dir' \${CHESTLENS_JAVA_OPTS:-} -jar '$jar' >>'$node_dir/node.log' 2>&1
RUN
  chmod 700 "$node_dir/run.sh"
  echo "NODE${i}_PORT=$port" >>"$dir/cluster.env"
done

"$root/scripts/cluster/node.sh" --dir "$dir" start 1
for ((i = 2; i <= nodes; i++)); do
  "$root/scripts/cluster/node.sh" --dir "$dir" start "$i" --no-wait
done
for ((i = 2; i <= nodes; i++)); do
  "$root/scripts/cluster/node.sh" --dir "$dir" wait "$i"
done

# --- HAProxy: round robin for API calls; a browser stays on the node holding its Vaadin session (cookie), and
# moves only when that node is down. Readiness decides; a refused connection is retried on another node.
{
  cat <<CFG
global
    maxconn 4096
    pidfile $dir/haproxy.pid

defaults
    mode http
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    timeout http-request 30s
    # Vaadin push (batch progress) keeps a WebSocket open; it reconnects if this ends it.
    timeout tunnel 1h
    retries 3
    option redispatch
    option forwardfor

frontend chestlens
    bind 127.0.0.1:$lb_port
    # Metrics are scraped from each node directly; only health is served through the balancer.
    http-request deny deny_status 403 if { path_beg /actuator } !{ path /actuator/health } !{ path_beg /actuator/health/ }
    default_backend nodes

backend nodes
    balance roundrobin
    cookie CHESTLENS_NODE insert indirect nocache httponly
    option httpchk GET /actuator/health/readiness
    http-check expect status 200
    default-server inter 1s fall 2 rise 2
CFG
  for ((i = 1; i <= nodes; i++)); do
    echo "    server node$i 127.0.0.1:${ports[$((i + 1))]} check cookie node$i"
  done
} >"$dir/haproxy.cfg"
"$haproxy_bin" -c -q -f "$dir/haproxy.cfg"
"$haproxy_bin" -D -f "$dir/haproxy.cfg"
for _ in $(seq 1 100); do
  [[ -s "$dir/haproxy.pid" ]] && break
  sleep 0.1
done
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$lb_port/actuator/health/readiness" && break
  sleep 0.2
done
curl -fsS -o /dev/null "http://127.0.0.1:$lb_port/actuator/health/readiness" \
  || { echo "HAProxy on port $lb_port does not answer" >&2; exit 1; }

echo "ChestLens cluster in $dir"
echo "  balancer   http://127.0.0.1:$lb_port/"
for ((i = 1; i <= nodes; i++)); do
  echo "  node$i      http://127.0.0.1:${ports[$((i + 1))]}/  (pid $(cat "$dir/node$i/pid"), log $dir/node$i/node.log)"
done
echo "  PostgreSQL $jdbc_url (user chestlens, password in $dir/cluster.env)"
echo "Stop: scripts/cluster/stop.sh --dir $dir"
