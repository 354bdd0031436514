#!/usr/bin/env bash
# Fault runs of issue 17, with real processes (docs/BENCHMARKS.md, "Faults"):
#   A. kill -9 of `duban jobs run` in the middle of dispatching (SQLite)
#   B. three `duban jobs run` dispatchers at once on one PostgreSQL database
#   C. PostgreSQL stopped for 15 s under API load (a private cluster on
#      port 5499, so the machine's own server is not touched)
# Each prints what was tried, lost, duplicated and answered.
# usage: [DUBAN_BIN=path/to/duban] bench/faults.sh [A] [B] [C]   (default: all three)
# Needs python3, curl, and for C PostgreSQL's server binaries (Debian).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${*:-A B C}
# DUBAN_BIN: a duban binary built already (else a release build here).
if [ -n "${DUBAN_BIN:-}" ]; then
  bin=$DUBAN_BIN
else
  cargo build --release --quiet --bin duban
  target=${CARGO_TARGET_DIR:-target}
  [[ $target == /* ]] || target=$PWD/$target
  bin=$target/release/duban
fi
work=$(mktemp -d /tmp/duban-faults.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  if [ -d "$work/pg" ]; then runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true; fi
  [ -n "${pgdb:-}" ] && psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" || true
  rm -rf "$work"
}
trap cleanup EXIT
export DUBAN_CONFIG_DIR=$PWD/config RUST_LOG=warn
export DUBAN__AUTH__JWT_SECRET=faults-secret-faults-secret-faults-secret
export DUBAN__MAIL__TRANSPORT=smtp DUBAN__MAIL__SMTP__HOST=127.0.0.1 DUBAN__MAIL__SMTP__TLS=none
# Claims held by a killed dispatcher run out after claim_secs: short here.
export DUBAN__MAIL__CLAIM_SECS=10 DUBAN__MAIL__SMTP__TIMEOUT_SECS=3 DUBAN__JOBS__ROBOTS__TIMEOUT_SECS=3
export DUBAN__JOBS__SCHEDULES__DISPATCH="* * * * * *"
for j in REMINDERS ACK_REMINDERS REPORT_REMINDERS ESCALATIONS; do export "DUBAN__JOBS__SCHEDULES__$j="; done

# Counts outbox rows by status and the sink's messages: sent, unique, duplicated.
report() { # url sink-file
  python3 - "$1" "$2" <<'PY'
import collections, json, sys
url, out = sys.argv[1], sys.argv[2]
if url.startswith("sqlite://"):
    import sqlite3
    c = sqlite3.connect(url[len("sqlite://"):].split("?")[0])
    rows = c.execute("SELECT status, COUNT(*), COUNT(DISTINCT message_id) FROM notifications GROUP BY status").fetchall()
else:
    import subprocess
    q = "SELECT status, COUNT(*), COUNT(DISTINCT message_id) FROM notifications GROUP BY status"
    res = subprocess.run(["psql", url, "-Atc", q], capture_output=True, text=True, check=True).stdout
    rows = [tuple(int(x) if x.isdigit() else x for x in l.split("|")) for l in res.split()]
status = {r[0]: (r[1], r[2]) for r in rows}
got = [json.loads(l)["message_id"] for l in open(out)] if __import__("os").path.exists(out) else []
count = collections.Counter(got)
sent_messages = status.get("sent", (0, 0))[1]
print(f"  outbox: {dict((k, v[0]) for k, v in status.items())}; messages recorded sent: {sent_messages}")
print(f"  sink received {len(got)} messages, {len(count)} distinct Message-IDs, duplicated: {sum(n - 1 for n in count.values())}")
lost = set(m for m in () )
missing = sent_messages - len(count)
print(f"  lost (recorded sent, never received): {max(missing, 0)}; still due: {status.get('pending', (0, 0))[0] + status.get('sending', (0, 0))[0]}")
PY
}

drained() { # url: no row pending or sending
  python3 - "$1" <<'PY'
import sys
url = sys.argv[1]
q = "SELECT COUNT(*) FROM notifications WHERE status IN ('pending', 'sending')"
if url.startswith("sqlite://"):
    import sqlite3
    n = sqlite3.connect(url[len("sqlite://"):].split("?")[0]).execute(q).fetchone()[0]
else:
    import subprocess
    n = int(subprocess.run(["psql", url, "-Atc", q], capture_output=True, text=True, check=True).stdout)
sys.exit(0 if n == 0 else 1)
PY
}

wait_drained() { # url seconds
  for _ in $(seq 1 "$2"); do drained "$1" && return 0; sleep 1; done
  echo "  not drained after $2 s"; return 1
}

if [[ " $runs " == *" A "* ]]; then
  echo "== A. kill -9 of the dispatcher mid-run (SQLite, demo outbox, sink answers each message after 150 ms)"
  url="sqlite://$work/a.db?mode=rwc"
  (cd "$work" && DUBAN__DATABASE__URL=$url "$bin" demo >/dev/null)
  python3 bench/smtp_sink.py 2526 "$work/a.jsonl" 150 & pids+=($!)
  sleep 0.5
  export DUBAN__MAIL__SMTP__PORT=2526
  for round in 1 2 3; do
    DUBAN__DATABASE__URL=$url "$bin" jobs run >"$work/a-$round.log" 2>&1 & jp=$!
    want=$((round * 8))
    for _ in $(seq 1 300); do [ "$(cat "$work/a.jsonl" 2>/dev/null | wc -l)" -ge "$want" ] && break; sleep 0.1; done
    kill -9 "$jp"; wait "$jp" 2>/dev/null || true
    echo "  round $round: killed after $(wc -l < "$work/a.jsonl") messages received"
  done
  DUBAN__DATABASE__URL=$url "$bin" jobs run >"$work/a-final.log" 2>&1 & jp=$!; pids+=($jp)
  wait_drained "$url" 120 || true
  kill -TERM "$jp"; wait "$jp" 2>/dev/null || true
  report "$url" "$work/a.jsonl"
fi

if [[ " $runs " == *" B "* ]]; then
  echo "== B. three dispatchers at once on one PostgreSQL database (demo outbox)"
  pgdb=duban_faults_$$
  psql -h 127.0.0.1 -U postgres -d test -qc "CREATE DATABASE $pgdb"
  url="postgres://postgres@127.0.0.1:5432/$pgdb"
  (cd "$work" && DUBAN__DATABASE__URL=$url "$bin" demo >/dev/null)
  python3 bench/smtp_sink.py 2527 "$work/b.jsonl" 20 & pids+=($!)
  sleep 0.5
  export DUBAN__MAIL__SMTP__PORT=2527
  bp=()
  for k in 1 2 3; do DUBAN__DATABASE__URL=$url "$bin" jobs run >"$work/b-$k.log" 2>&1 & bp+=($!); pids+=($!); done
  wait_drained "$url" 120 || true
  for p in "${bp[@]}"; do kill -TERM "$p"; wait "$p" 2>/dev/null || true; done
  report "$url" "$work/b.jsonl"
fi

if [[ " $runs " == *" C "* ]]; then
  echo "== C. PostgreSQL stopped for 15 s under load (4 clients listing items for 40 s; the server stops at 10 s, starts at 25 s)"
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
  mkdir "$work/pg" && chown postgres "$work/pg"
  runuser -u postgres -- "$pgbin/initdb" -D "$work/pg" -A trust -U postgres >/dev/null
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -o "-p 5499 -k $work/pg -c listen_addresses=127.0.0.1" -l "$work/pg/log" -w start >/dev/null
  url="postgres://postgres@127.0.0.1:5499/postgres"
  (cd "$work" && DUBAN__DATABASE__URL=$url "$bin" demo > "$work/demo.txt")
  DUBAN__DATABASE__URL=$url DUBAN__SERVER__BIND=127.0.0.1:18282 "$bin" serve --no-jobs >"$work/c.log" 2>&1 & sp=$!; pids+=($sp)
  for _ in $(seq 1 100); do curl -sf http://127.0.0.1:18282/healthz >/dev/null && break; sleep 0.1; done
  pass=$(awk '$1 == "office" {print $2; exit}' "$work/demo.txt")
  token=$(curl -s -H 'content-type: application/json' -d "{\"username\":\"office\",\"password\":\"$pass\"}" http://127.0.0.1:18282/api/v1/auth/login | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  python3 - "$token" "$work" "$pgbin" <<'PY'
import collections, subprocess, sys, threading, time, urllib.request, urllib.error
token, work, pgbin = sys.argv[1:4]
url = "http://127.0.0.1:18282/api/v1/assignments?per_page=25"
counts = collections.Counter(); lock = threading.Lock(); t0 = time.time()
by_phase = collections.defaultdict(collections.Counter); last_down = [None]; first_ok_after = [None]
def phase(t):
    return "before" if t < 10 else ("down" if t < 25 else "after")
def client():
    while time.time() - t0 < 40:
        req = urllib.request.Request(url, headers={"authorization": "Bearer " + token})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                code = str(r.status)
        except urllib.error.HTTPError as e:
            code = f"{e.code} retry-after={e.headers.get('retry-after')}" if e.code == 503 else str(e.code)
        except Exception as e:
            code = "no answer: " + type(e).__name__
        t = time.time() - t0
        with lock:
            counts[code] += 1; by_phase[phase(t)][code] += 1
            if t >= 25 and code == "200" and first_ok_after[0] is None: first_ok_after[0] = t - 25
        if code != "200": time.sleep(0.05)
threads = [threading.Thread(target=client) for _ in range(4)]
[t.start() for t in threads]
time.sleep(10)
subprocess.run(["runuser", "-u", "postgres", "--", f"{pgbin}/pg_ctl", "-D", f"{work}/pg", "-m", "fast", "-w", "stop"], check=True, capture_output=True)
time.sleep(15)
subprocess.run(["runuser", "-u", "postgres", "--", f"{pgbin}/pg_ctl", "-D", f"{work}/pg", "-o", f"-p 5499 -k {work}/pg -c listen_addresses=127.0.0.1", "-l", f"{work}/pg/log", "-w", "start"], check=True, capture_output=True)
[t.join() for t in threads]
print(f"  answered: {sum(counts.values())} requests: {dict(counts)}")
for p in ("before", "down", "after"):
    print(f"  {p:6}: {dict(by_phase[p])}")
print(f"  first 200 after the restart: {first_ok_after[0]:.1f} s" if first_ok_after[0] is not None else "  no 200 after the restart")
PY
  kill -TERM "$sp"; wait "$sp" 2>/dev/null || true
  echo "  service: $(grep -c ' ERROR ' "$work/c.log" || true) error lines in its log; exited after SIGTERM"
fi
