#!/usr/bin/env bash
# What following the similar-case change sequence costs PostgreSQL (README, "Several nodes"): a throw-away
# PostgreSQL 15 (Debian's binaries) with the project's migrations and CHANGES rows in similar_case_change, then
# pgbench for 10 s each: a node's idle poll (nothing new: what every node runs once a second), a poll that reads a
# page of 1,000 changes, and commits of reference cases from 2 clients with and without the change triggers (they
# serialise commits on one advisory lock). Usage: scripts/cluster/similar-case-poll-cost.sh [CHANGES]
set -euo pipefail
changes="${1:-1000000}"
pg_bin="${CHESTLENS_PG_BIN:-/usr/lib/postgresql/15/bin}"
[[ -x "$pg_bin/pgbench" ]] || { echo "No PostgreSQL binaries in $pg_bin (apt-get install postgresql-15)" >&2; exit 1; }
repo="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$(mktemp -d /tmp/chestlens-pollcost.XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  pg_user=postgres
  id "$pg_user" >/dev/null 2>&1 || pg_user=nobody
  chown -R "$pg_user" "$dir"
  as_pg=(runuser -u "$pg_user" --)
fi
stop() {
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
# Trust on loopback only, for a database that lives for this script.
"${as_pg[@]}" "$pg_bin/initdb" -D "$dir/data" -U chestlens --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >/dev/null
psql=("$pg_bin/psql" -h 127.0.0.1 -p "$port" -U chestlens -q -v ON_ERROR_STOP=1)
"${psql[@]}" -d postgres -c "create database chestlens"
for f in $(ls "$repo"/db/migration/V*__*.sql | sort -t V -k2 -n); do
  "${psql[@]}" -d chestlens -f "$f" >/dev/null
done
"${psql[@]}" -d chestlens -c "insert into similar_case_change (kind, item) select 'R', g from generate_series(1, $changes) g; analyze similar_case_change"
last="$("${psql[@]}" -d chestlens -At -c "select max(id) from similar_case_change")"

bench() { # name, clients, script
  local out
  out="$("$pg_bin/pgbench" -h 127.0.0.1 -p "$port" -U chestlens -n -c "$2" -j "$2" -T 10 -f "$3" chestlens 2>&1)"
  printf '%-52s %10s tps, latency %s\n' "$1" "$(grep -oP 'tps = \K[0-9.]+' <<<"$out" | head -1)" \
    "$(grep -oP 'latency average = \K.*' <<<"$out")"
}
printf '\\set last %s\nselect id, kind, item from similar_case_change where id > :last order by id limit 1000;\n' "$last" >"$dir/idle.sql"
printf '\\set last %s\nselect id, kind, item from similar_case_change where id > :last order by id limit 1000;\n' "$((last - 1000))" >"$dir/page.sql"
cat >"$dir/commit.sql" <<'SQL'
insert into reference_case (source_path, findings, thumbnail, embedding, embedding_space, imported_at)
values ('bench/' || :client_id || '/' || random(), 'pneumonia', '\x00', '\x00', 'bench', now());
SQL
echo "similar_case_change holds $changes rows (PostgreSQL 15, loopback, pgbench, 10 s each)"
bench "poll, nothing new (each node, once a second)" 1 "$dir/idle.sql"
bench "poll reading a page of 1,000 changes" 1 "$dir/page.sql"
bench "reference case commits, 2 clients, with triggers" 2 "$dir/commit.sql"
"${psql[@]}" -d chestlens -c "alter table reference_case disable trigger reference_case_changed"
bench "reference case commits, 2 clients, without triggers" 2 "$dir/commit.sql"
