#!/usr/bin/env bash
# Load benchmark of the workflow API (docs/BENCHMARKS.md).
# usage: [DUBAN_BIN_DIR=dir] bench/run.sh sqlite|postgres [assignments] [seconds] [api|ui]
# (ui: the web UI's 事项 page and item page instead of the JSON API)
# Needs wrk (apt-get install wrk) and, for postgres, the server at 127.0.0.1:5432.
set -euo pipefail
cd "$(dirname "$0")/.."
store=${1:-sqlite}
n=${2:-100000}
secs=${3:-15}
work=$(mktemp -d /tmp/duban-bench.XXXXXX)
export DUBAN__AUTH__JWT_SECRET=bench-secret-bench-secret-bench-secret
export DUBAN__SERVER__BIND=127.0.0.1:18181
export RUST_LOG=warn
export DUBAN__STORAGE__ATTACHMENTS_DIR=$work/files
if [ "$store" = sqlite ]; then
  export DUBAN__DATABASE__URL="sqlite://$work/bench.db?mode=rwc"
else
  db=duban_bench_$$
  psql -h 127.0.0.1 -U postgres -d test -qc "CREATE DATABASE $db"
  export DUBAN__DATABASE__URL="postgres://postgres@127.0.0.1:5432/$db"
fi
# DUBAN_BIN_DIR: a folder holding duban and duban-bench built already (to
# compare two builds in the same minutes); else a release build here.
if [ -n "${DUBAN_BIN_DIR:-}" ]; then
  bin=$DUBAN_BIN_DIR
else
  cargo build --release --quiet --bin duban --bin duban-bench
  bin=${CARGO_TARGET_DIR:-target}/release
fi
"$bin/duban-bench" seed --assignments "$n" --units 30 --out bench/out
"$bin/duban" serve --no-jobs > "$work/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; [ "$store" = sqlite ] || psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:18181/healthz >/dev/null && break; sleep 0.1; done
sleep 2
echo "== $store, $n assignments: idle RSS $(ps -o rss= -p $pid) KiB, anonymous (heap) $(awk '/^Anonymous/ {print $2}' /proc/$pid/smaps_rollup) KiB"
staff=$(python3 -c 'import json;print(json.load(open("bench/out/tokens.json"))["staff_token"])')
insp=$(python3 -c 'import json;print(json.load(open("bench/out/tokens.json"))["inspector_token"])')
base=http://127.0.0.1:18181
if [ "${4:-api}" = ui ]; then
  echo "== UI: the clerk's 事项 page (HTML, 25 a page), 16 sessions"
  wrk -t2 -c16 -d"${secs}s" --latency -s bench/ui_list.lua "$base"
  echo "== UI: the item page, each opened by its unit's clerk, 16 sessions"
  wrk -t2 -c16 -d"${secs}s" --latency -s bench/ui_item.lua "$base"
  echo "== after load: RSS $(ps -o rss= -p $pid) KiB"
  grep -c '" 500\|panicked' "$work/serve.log" || true
  exit 0
fi
echo "== list: one unit's open assignments, 25 a page, 16 connections"
wrk -t2 -c16 -d"${secs}s" --latency -s bench/list.lua -H "Authorization: Bearer $staff" "$base"
echo "== overdue filter (inspector, all units), 25 a page, 16 connections"
wrk -t2 -c16 -d"${secs}s" --latency -s bench/overdue.lua -H "Authorization: Bearer $insp" "$base"
echo "== acknowledge (issued -> acknowledged), 16 connections"
# About 20 % of the items are issued: keep the run short enough that they do
# not run out (a second acknowledge is a fast 409, which would flatter the figure).
wrk -t2 -c16 -d"$(( secs < 8 ? secs : 8 ))s" --latency -s bench/acknowledge.lua "$base"
echo "== progress reports, 16 connections"
wrk -t2 -c16 -d"${secs}s" --latency -s bench/progress.lua "$base"
echo "== after load: RSS $(ps -o rss= -p $pid) KiB, anonymous (heap) $(awk '/^Anonymous/ {print $2}' /proc/$pid/smaps_rollup) KiB"
grep -c '" 500\|panicked' "$work/serve.log" || true
