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
# 190,000 empty "tasks": the input that answered 38 MB of JSON
fill("empty-tasks.txt", "（一）责任单位:\n")
# the Nantong notice repeated to 4 MiB (6,182 tasks)
fill("nantong.txt", open(sys.argv[1], encoding="utf-8").read())
# the largest notice an import takes: 2,000 tasks, each ~2 KB of text
head = "关于印发2026年重点工作任务分解的通知\n\n"
body = []
for i in range(2000):
    if i % 500 == 0:
        n = "一二三四"[i // 500]
        body.append(f"{n}、第{n}部分重点任务\n")
    k = i % 500 + 1
    body.append(f"{k}. 推进第{k}项重点工作，" + "加强统筹协调，细化工作措施，" * 48 + "年内完成。\n责任单位：市卫生局\n")
text = (head + "".join(body)).encode()
open("largest-notice.txt", "wb").write(text[:limit] if len(text) > limit else text)
PY
rss() { awk '/^(VmRSS|VmHWM)/ {printf "%s=%d MB ", $1, $2/1024}' "/proc/$PID/status"; }
echo "idle: $(rss)"
for f in empty-tasks nantong largest-notice; do
  out=$(curl -s -o "$f.json" -w '%{http_code} %{size_download}' -H "authorization: Bearer $TOKEN" \
    -H 'content-type: text/plain' --data-binary "@$f.txt" "http://127.0.0.1:$PORT/api/v1/plans/import?dry_run=true")
  echo "$f: input $(stat -c %s "$f.txt") bytes -> status ${out% *}, answer ${out#* } bytes; $(rss)"
done
for f in empty-tasks largest-notice; do
  pids=()
  for i in 1 2 3 4; do
    curl -s -o /dev/null -H "authorization: Bearer $TOKEN" -H 'content-type: text/plain' \
      --data-binary "@$f.txt" "http://127.0.0.1:$PORT/api/v1/plans/import?dry_run=true" &
    pids+=($!)
  done
  wait "${pids[@]}"
  echo "4 x $f at once: $(rss)"
done
