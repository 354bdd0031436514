//! Times the reminder and escalation scans, with their writes, at several
//! sizes. Results go in docs/BENCHMARKS-jobs.md.
//!
//! cargo run --release -p duban-jobs --example scan_bench -- sqlite 10000,100000,1000000
//! DUBAN_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
//!   cargo run --release -p duban-jobs --example scan_bench -- postgres 10000,100000,1000000
//!
//! Each size gets a fresh database: 30 units (a clerk and a head each), an
//! inspector and a leader, one plan, N/30 tasks each given to all 30 units;
//! due dates spread evenly from 60 days past to 60 days ahead; statuses 20 %
//! issued, 20 % acknowledged, 30 % in progress, 10 % pending review, 20 %
//! completed. With a third argument K (`scan_bench sqlite 100000,1000000
//! 10000`), only the first K assignments are spread so; the rest are due
//! 200 to 565 days ahead, so the due work stays the same as the table grows
//! (do the scans grow with the due items only?). Then the stores'
//! statistics are refreshed (ANALYZE), and the scans run at the same instant
//! three times: the first escalates the whole
//! backlog, the second finds nothing new; then once more a day later.
//! Last, one dispatch run sends the whole outbox the scans wrote, through
//! the log transport (composed as for SMTP, no network).
//!
//! `RUST_LOG=sqlx::query=debug` prints every SQLite statement with its time
//! (how the profiles in docs/BENCHMARKS.md were taken).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: failing loudly is the point

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use duban_domain::clock::ManualClock;
use duban_domain::db::{DatabaseSettings, Db, Store};
use duban_domain::entities::{assignment, plan, task, unit, user};
use duban_domain::time::{local_date, zone_of};
use duban_domain::workflow::Status;
use duban_jobs::{JobContext, JobsSettings, MailSettings, Outcome, Transport};
use duban_migrations::{Migrator, MigratorTrait};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

const UNITS: usize = 30;
const STATUSES: [Status; 10] = [
    Status::Issued,
    Status::Issued,
    Status::Acknowledged,
    Status::Acknowledged,
    Status::InProgress,
    Status::InProgress,
    Status::InProgress,
    Status::PendingReview,
    Status::Completed,
    Status::Completed,
];

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().collect();
    let store = args.get(1).map_or("sqlite", String::as_str).to_owned();
    let sizes: Vec<usize> = args
        .get(2)
        .map_or("10000,100000", String::as_str)
        .split(',')
        .map(|s| s.parse().expect("sizes: 10000,100000"))
        .collect();
    let spread: Option<usize> = args.get(3).map(|s| s.parse().expect("K: 10000"));
    println!(
        "| store | assignments | due (open, overdue or within 8 days) | scan | run | scanned | notices written | escalated | time |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for n in sizes {
        let dir = tempfile::tempdir().unwrap();
        let url = match store.as_str() {
            "sqlite" => format!("sqlite://{}/bench.db?mode=rwc", dir.path().display()),
            _ => fresh_pg(n).await,
        };
        bench(&store, &url, n, spread.unwrap_or(n).min(n)).await;
    }
}

async fn fresh_pg(n: usize) -> String {
    use sqlx::Connection;
    let admin = std::env::var("DUBAN_TEST_DATABASE_URL")
        .expect("set DUBAN_TEST_DATABASE_URL to a PostgreSQL server");
    let name = format!("duban_jobs_bench_{n}");
    let mut c = sqlx::PgConnection::connect(&admin).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(&mut c)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut c)
        .await
        .unwrap();
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    format!("{base}/{name}")
}

async fn bench(store: &str, url: &str, n: usize, spread: usize) {
    let db = Db::connect(&DatabaseSettings {
        url: url.to_owned(),
        max_connections: 4,
        ..DatabaseSettings::default()
    })
    .await
    .unwrap();
    Migrator::up(db.schema_conn(), None).await.unwrap();
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-06-15T08:00:00+08:00")
        .unwrap()
        .with_timezone(&Utc);
    let seeded = Instant::now();
    let due = seed(&db, n, spread, now).await;
    eprintln!("seeded {n} in {:.1} s", seeded.elapsed().as_secs_f64());

    print_plans(&db).await;
    let clock = ManualClock::new(now);
    let jobs = JobsSettings {
        calendar_dir: concat!(env!("CARGO_MANIFEST_DIR"), "/../config/calendar").into(),
        templates_dir: concat!(env!("CARGO_MANIFEST_DIR"), "/../config/templates").into(),
        ..JobsSettings::default()
    };
    let mail = MailSettings {
        transport: Transport::Log,
        ..MailSettings::default()
    };
    let ctx =
        JobContext::standalone(db.clone(), Arc::new(clock), jobs, mail, "http://bench").unwrap();
    for (run, at) in [
        ("first (backlog)", now),
        ("re-run", now),
        ("next day", now + Duration::days(1)),
    ] {
        for scan in ["reminders", "escalations"] {
            let t = Instant::now();
            let out: Outcome = match scan {
                "reminders" => duban_jobs::run_reminders(&ctx, at).await.unwrap(),
                _ => duban_jobs::run_escalations(&ctx, at).await.unwrap(),
            };
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            println!(
                "| {store} | {n} | {due} | {scan} | {run} | {} | {} | {} | {ms:.0} ms |",
                out.scanned, out.notices, out.escalated
            );
        }
    }
    // Then the whole outbox the scans wrote goes out (the log transport:
    // each message composed as for SMTP, then written to the log instead).
    let t = Instant::now();
    let out = duban_jobs::run_dispatch(&ctx, now + Duration::days(1))
        .await
        .unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "\n| store | assignments | dispatch: notifications sent | messages | skipped | time | per notification |\n|---|---|---|---|---|---|---|\n| {store} | {n} | {} | {} | {} | {:.0} ms | {:.1} µs |\n",
        out.notifications_sent,
        out.messages_sent,
        out.notifications_skipped,
        secs * 1000.0,
        secs * 1e6 / (out.notifications_sent + out.notifications_skipped).max(1) as f64
    );
    if db.store() == Store::Postgres {
        db.close().await.unwrap();
    }
}

/// Seeds `n` assignments, the first `spread` of them due from 60 days past
/// to 60 days ahead and the rest far ahead; answers how many are due (open
/// and overdue, or due within the reminder window).
async fn seed(db: &Db, n: usize, spread: usize, now: DateTime<Utc>) -> usize {
    let conn = db.schema_conn();
    let tz = zone_of("Asia/Shanghai");
    let today = local_date(now, tz);
    let office = unit::ActiveModel {
        name: Set("基准办公室".into()),
        kind: Set(unit::UnitKind::Office),
        parent_id: Set(None),
        aliases: Set(serde_json::json!([])),
        email: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap()
    .id;
    let mk_user = |name: String, roles: &str, unit: i64| user::ActiveModel {
        username: Set(name.clone()),
        display_name: Set(name.clone()),
        email: Set(Some(format!("{name}@bench.example"))),
        unit_id: Set(Some(unit)),
        roles: Set(duban_domain::role::RoleSet::from_stored(roles)),
        active: Set(true),
        password_hash: Set("x".into()),
        failed_logins: Set(0),
        locked_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    mk_user("inspector".into(), "inspector", office)
        .insert(conn)
        .await
        .unwrap();
    mk_user("leader".into(), "leader", office)
        .insert(conn)
        .await
        .unwrap();
    let mut units = Vec::new();
    for i in 0..UNITS {
        let u = unit::ActiveModel {
            name: Set(format!("基准单位{i:02}")),
            kind: Set(unit::UnitKind::Department),
            parent_id: Set(None),
            aliases: Set(serde_json::json!([])),
            email: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(conn)
        .await
        .unwrap()
        .id;
        mk_user(format!("staff{i:02}"), "unit_staff", u)
            .insert(conn)
            .await
            .unwrap();
        mk_user(format!("head{i:02}"), "unit_head", u)
            .insert(conn)
            .await
            .unwrap();
        units.push(u);
    }
    let plan_id = plan::ActiveModel {
        doc_no: Set("基准〔2026〕1号".into()),
        title: Set("基准".into()),
        issuer_unit_id: Set(Some(office)),
        issued_on: Set(today - Duration::days(90)),
        year: Set(2026),
        timezone: Set("Asia/Shanghai".into()),
        status: Set(duban_domain::entities::plan::PlanStatus::Issued),
        reminder_offsets: Set(None),
        escalation_policy: Set(None),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap()
    .id;
    let tasks = n.div_ceil(UNITS);
    let spread_tasks = spread.div_ceil(UNITS).max(1) as i64;
    let due_of = |t: usize| {
        let t = t as i64;
        if t < spread_tasks {
            today + Duration::days(t * 121 / spread_tasks - 60)
        } else {
            today + Duration::days(200 + t % 366)
        }
    };
    let mut due_count = 0;
    let mut made = 0;
    let issued = now - Duration::days(90);
    for chunk_start in (0..tasks).step_by(1000) {
        let txn = db.begin().await.unwrap();
        let chunk_end = (chunk_start + 1000).min(tasks);
        let task_rows: Vec<task::ActiveModel> = (chunk_start..chunk_end)
            .map(|t| {
                let due_on = due_of(t);
                task::ActiveModel {
                    plan_id: Set(plan_id),
                    section_id: Set(None),
                    number: Set(format!("({t})")),
                    title: Set(format!("基准任务{t}")),
                    requirements: Set(String::new()),
                    due_on: Set(due_on),
                    due_text: Set(None),
                    report_cron: Set(None),
                    position: Set(t as i32),
                    created_by: Set(None),
                    created_at: Set(now),
                    ..Default::default()
                }
            })
            .collect();
        let first_id = task::Entity::insert_many(task_rows)
            .exec(&txn)
            .await
            .unwrap()
            .last_insert_id
            - (chunk_end - chunk_start) as i64
            + 1;
        let mut rows = Vec::with_capacity((chunk_end - chunk_start) * UNITS);
        for t in chunk_start..chunk_end {
            let due_on = due_of(t);
            for (k, u) in units.iter().enumerate() {
                if made == n {
                    break;
                }
                let status = STATUSES[(t * UNITS + k) % STATUSES.len()];
                let open = status != Status::Completed;
                let days_left = (due_on - today).num_days();
                if open && status != Status::PendingReview && days_left <= 8 {
                    due_count += 1;
                }
                made += 1;
                let mut row = assignment::ActiveModel::new_row(
                    first_id + (t - chunk_start) as i64,
                    plan_id,
                    *u,
                    duban_domain::entities::assignment::AssignmentRole::Lead,
                    status,
                    due_on,
                    tz,
                    now,
                );
                row.issued_at = Set(Some(issued));
                rows.push(row);
            }
        }
        for c in rows.chunks(1000) {
            assignment::Entity::insert_many(c.to_vec())
                .exec_without_returning(&txn)
                .await
                .unwrap();
        }
        txn.commit().await.unwrap();
    }
    let analyze = match db.store() {
        Store::Sqlite => "ANALYZE",
        Store::Postgres => "VACUUM ANALYZE",
    };
    conn.execute_unprepared(analyze).await.unwrap();
    due_count
}

/// How each store plans the scans' window queries (written as the jobs
/// build them), to show they read the partial index over open items.
async fn print_plans(db: &Db) {
    let open = duban_domain::workflow::listing::OPEN_SQL;
    let cols =
        "\"assignments\".\"id\", \"assignments\".\"due_on\", \"assignments\".\"escalation_level\"";
    let queries = [
        format!(
            "SELECT {cols} FROM \"assignments\" WHERE {open} AND \"assignments\".\"status\" <> 'pending_review' \
             AND \"assignments\".\"due_at\" <= '2026-06-15 00:00:00+00:00' AND \"assignments\".\"escalation_level\" < 3 \
             ORDER BY \"assignments\".\"due_at\", \"assignments\".\"id\""
        ),
        format!(
            "SELECT {cols} FROM \"assignments\" WHERE {open} AND \"assignments\".\"status\" <> 'pending_review' \
             AND \"assignments\".\"due_at\" <= '2026-06-24 00:00:00+00:00' AND \"assignments\".\"due_at\" > '2026-06-15 00:00:00+00:00' \
             ORDER BY \"assignments\".\"due_at\", \"assignments\".\"id\""
        ),
    ];
    let explain = match db.store() {
        Store::Sqlite => "EXPLAIN QUERY PLAN",
        Store::Postgres => "EXPLAIN",
    };
    for q in queries {
        let rows = db
            .conn()
            .query_all(sea_orm::Statement::from_string(
                db.backend(),
                format!("{explain} {q}"),
            ))
            .await
            .unwrap();
        let lines: Vec<String> = rows
            .iter()
            .map(|r| {
                r.try_get_by_index::<String>(if db.store() == Store::Sqlite { 3 } else { 0 })
                    .unwrap_or_default()
            })
            .collect();
        eprintln!("plan: {}", lines.join(" | "));
    }
}
