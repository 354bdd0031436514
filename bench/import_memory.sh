#!/usr/bin/env bash
# Memory amplification of the notice importer's dry run (issue 17, fault 11):
# the answer's size for 4 MiB notices, and the server's resident memory
# (peak and after) for one of them and for four sent at once.
#
#   bench/import_memory.sh [path/to/duban]   (default target/release/duban)
#
# Runs a fresh server on 127.0.0.1:18391 over a SQLite file in a temporary
# directory; stops it when done. Prints one line per measurement.
set -euo pipefail
BIN=${1:-target/release/duban}
BIN=$(realpath "$BIN")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
PORT=18391
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
cd "$WORK"
export DUBAN_CONFIG_DIR="$ROOT/config" DUBAN__DATABASE__URL="sqlite://$WORK/duban.db?mode=rwc" \
  DUBAN__SERVER__BIND="127.0.0.1:$PORT" DUBAN__JOBS__CALENDAR_DIR="$ROOT/config/calendar" \
  DUBAN__JOBS__TEMPLATES_DIR="$ROOT/config/templates" RUST_LOG=warn
"$BIN" migrate >/dev/null
"$BIN" user create --username office --password 'Bench-office-1' --role office >/dev/null
"$BIN" serve --no-jobs >server.log 2>&1 &
PID=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
TOKEN=$(curl -fs -H 'content-type: application/json' -d '{"username":"office","password":"Bench-office-1"}' \
  "http://127.0.0.1:$PORT/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
python3 - "$ROOT/domain/tests/fixtures/nantong-2013-35.txt" <<'PY'
import sys
limit = 4 * 1024 * 1024
def fill(name, unit):
    b = unit.encode()
    open(name, "wb").write(b * (limit // len(b)))
fill("empty-tasks.txt", "（一）责任单位:\n")
fill("nantong.txt", open(sys.argv[1], encoding="utf-8").read())
fill("one-task-many-units.txt", "（一）承接政务便民服务\n责任单位：" + "市卫生局、" * 1)
# one task whose 责任单位 line names units until the file is full
head = "（一）承接政务便民服务\n责任单位：".encode()
units = "市卫生局、".encode()
open("one-task-many-units.txt", "wb").write(head + units * ((limit - len(head)) // len(units)))
PY
rss() { awk '/^(VmRSS|VmHWM)/ {printf "%s=%d MB ", $1, $2/1024}' "/proc/$PID/status"; }
echo "idle: $(rss)"
for f in empty-tasks nantong one-task-many-units; do
  out=$(curl -s -o "$f.json" -w '%{http_code} %{size_download}' -H "authorization: Bearer $TOKEN" \
    -H 'content-type: text/plain' --data-binary "@$f.txt" "http://127.0.0.1:$PORT/api/v1/plans/import?dry_run=true")
  echo "$f: input $(stat -c %s "$f.txt") bytes -> status ${out% *}, answer ${out#* } bytes; $(rss)"
done
for i in 1 2 3 4; do
  curl -s -o /dev/null -H "authorization: Bearer $TOKEN" -H 'content-type: text/plain' \
    --data-binary @empty-tasks.txt "http://127.0.0.1:$PORT/api/v1/plans/import?dry_run=true" &
done
wait $(jobs -p | grep -v "^$PID$") 2>/dev/null || true
echo "4 x empty-tasks at once: $(rss)"
