#!/usr/bin/env bash
# Read replica end to end (issue 16, target 6): a PostgreSQL primary and a
# streaming standby made with pg_basebackup, both private clusters on their
# own ports (the machine's PostgreSQL is not touched), two `duban serve`
# replicas with database.read_url on the standby. Checks, with replay on
# the standby paused so that its lag is certain rather than timed:
#   1. someone who did not write reads lists from the standby (old data);
#   2. the person who just wrote reads their write (primary), on the service
#      replica that took it and, with its cookie, on the other one;
#   3. a user deactivated on one service replica is refused at once on the
#      other (identity is read from the primary on every request);
#   4. once replay resumes, everyone sees the write.
# usage: bench/replica.sh            (needs PostgreSQL 15 binaries, run as root or postgres)
# Exit status 0 when every check passes.
set -euo pipefail
cd "$(dirname "$0")/.."
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d /tmp/duban-replica.XXXXXX)
chmod 777 "$work"
p_port=${REPLICA_PRIMARY_PORT:-55432}
s_port=${REPLICA_STANDBY_PORT:-55433}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  as_pg "$pgbin/pg_ctl" -D "$work/standby" -m immediate stop >/dev/null 2>&1 || true
  as_pg "$pgbin/pg_ctl" -D "$work/primary" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; for f in "$work"/serve*.log; do echo "== $f"; tail -20 "$f"; done >&2; exit 1; }

echo "== primary on $p_port, standby on $s_port"
as_pg "$pgbin/initdb" -D "$work/primary" -U postgres -A trust >/dev/null
cat >> "$work/primary/postgresql.conf" <<CONF
port = $p_port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work'
wal_level = replica
max_wal_senders = 4
fsync = off
CONF
echo "host replication all 127.0.0.1/32 trust" >> "$work/primary/pg_hba.conf"
as_pg "$pgbin/pg_ctl" -D "$work/primary" -l "$work/primary.log" -w start >/dev/null
as_pg "$pgbin/pg_basebackup" -h 127.0.0.1 -p "$p_port" -U postgres -D "$work/standby" -R -X stream
sed -i "s/^port = .*/port = $s_port/" "$work/standby/postgresql.conf"
as_pg "$pgbin/pg_ctl" -D "$work/standby" -l "$work/standby.log" -w start >/dev/null
psql() { command psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
[ "$(psql -p "$s_port" -d postgres -c 'SELECT pg_is_in_recovery()')" = t ] || fail "the standby is not in recovery"
psql -p "$p_port" -d postgres -c "CREATE DATABASE duban"

export DUBAN__AUTH__JWT_SECRET=replica-secret-replica-secret-replica-secret
export DUBAN__DATABASE__URL="postgres://postgres@127.0.0.1:$p_port/duban"
export DUBAN__DATABASE__READ_URL="postgres://postgres@127.0.0.1:$s_port/duban"
export DUBAN__DATABASE__READ_YOUR_WRITES_SECS=30
export DUBAN__STORAGE__ATTACHMENTS_DIR=$work/files
export RUST_LOG=warn
cargo build --release --quiet --bin duban --bin duban-bench
bin=${CARGO_TARGET_DIR:-target}/release
"$bin/duban-bench" seed --assignments 300 --units 3 --out "$work/out" >/dev/null
"$bin/duban" user create --username rr-admin --password 'Replica-Admin-1' --role admin >/dev/null
wait_lsn() { # until the standby has replayed what the primary wrote
  local lsn; lsn=$(psql -p "$p_port" -d postgres -c 'SELECT pg_current_wal_lsn()')
  for _ in $(seq 1 200); do
    [ "$(psql -p "$s_port" -d postgres -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" = t ] && return 0
    sleep 0.05
  done
  fail "the standby did not catch up"
}
wait_lsn
serve() { # port
  DUBAN__SERVER__BIND=127.0.0.1:$1 "$bin/duban" serve --no-jobs > "$work/serve-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return 0; sleep 0.1; done
  fail "duban serve on $1 did not start"
}
serve 18291
serve 18292
a=http://127.0.0.1:18291/api/v1
b=http://127.0.0.1:18292/api/v1
tok() { python3 -c "import json;print(json.load(open('$work/out/tokens.json'))['$1'])"; }
staff=$(tok staff_token); insp=$(tok inspector_token)
item=$(python3 -c "import re;print(re.search(r'\{(\d+),1\}', open('$work/out/issued.lua').read()).group(1))")
status_of() { # base token [cookie-jar]: the item's status as the list says
  curl -sf ${3:+-b "$3"} -H "Authorization: Bearer $2" "$1/assignments?status=issued,acknowledged&per_page=200" |
    python3 -c "import json,sys;print(next((i['status'] for i in json.load(sys.stdin)['items'] if i['id']==$item),'absent'))"
}
[ "$(status_of "$a" "$insp")" = issued ] || fail "item $item should start issued"

echo "== replay paused on the standby; the clerk acknowledges item $item on service replica A"
psql -p "$s_port" -d postgres -c "SELECT pg_wal_replay_pause()"
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$work/jar" -X POST -H "Authorization: Bearer $staff" \
  -H 'Content-Type: application/json' -d '{}' "$a/assignments/$item/acknowledge")
[ "$code" = 200 ] || fail "acknowledge answered $code"
grep -q duban_primary_until "$work/jar" || fail "the write's answer set no read-your-writes cookie"
[ "$(status_of "$a" "$insp")" = issued ] || fail "1: the inspector's list should come from the lagging standby"
echo "ok 1: a reader who did not write reads the standby (still issued)"
[ "$(status_of "$a" "$staff")" = acknowledged ] || fail "2: the writer should read their write on A"
[ "$(status_of "$b" "$staff" "$work/jar")" = acknowledged ] || fail "2: with the cookie, B should read the primary"
[ "$(status_of "$b" "$insp")" = issued ] || fail "2: B should read the standby for others"
echo "ok 2: the writer reads their write on A, and on B with the cookie"

echo "== deactivating the inspector on A while the standby is still paused"
admin=$(curl -sf -H 'Content-Type: application/json' -d '{"username":"rr-admin","password":"Replica-Admin-1"}' "$a/auth/login" |
  python3 -c "import json,sys;print(json.load(sys.stdin)['access_token'])")
insp_id=$(curl -sf -H "Authorization: Bearer $insp" "$b/me" | python3 -c "import json,sys;print(json.load(sys.stdin)['id'])")
code=$(curl -s -o /dev/null -w '%{http_code}' -X PATCH -H "Authorization: Bearer $admin" \
  -H 'Content-Type: application/json' -d '{"active":false}' "$a/users/$insp_id")
[ "$code" = 200 ] || fail "deactivating answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $insp" "$b/assignments")
[ "$code" = 401 ] || fail "3: a deactivated user got $code on B"
echo "ok 3: deactivated on A, refused at once on B (401)"

psql -p "$s_port" -d postgres -c "SELECT pg_wal_replay_resume()"
wait_lsn
office=$(tok office_token)
[ "$(status_of "$b" "$office")" = acknowledged ] || fail "4: after replay the standby should have the write"
echo "ok 4: replay resumed, everyone reads the write"
echo "replica: all checks passed"
