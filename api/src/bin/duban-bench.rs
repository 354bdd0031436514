//! Seeds a database for the benchmarks in docs/BENCHMARKS.md: N assignments
//! across U units, with due dates spread from 60 days past to 60 days ahead,
//! and writes the bearer tokens and a wrk script for the load runs.
//!
//! DUBAN__DATABASE__URL=... DUBAN__AUTH__JWT_SECRET=... duban-bench seed --assignments 100000 --units 30 --out bench/out

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use chrono::{Duration, Utc};
use clap::Parser;
use duban_api::settings::Settings;
use duban_api::startup::environment;
use duban_api::tokens::TokenKeys;
use duban_domain::clock::SystemClock;
use duban_domain::directory::units::{self};
use duban_domain::directory::{NewUnit, NewUser, users};
use duban_domain::entities::assignment::AssignmentRole;
use duban_domain::entities::plan::PlanStatus;
use duban_domain::entities::unit::UnitKind;
use duban_domain::entities::{assignment, plan, task};
use duban_domain::policy::Actor;
use duban_domain::time::zone_of;
use duban_domain::workflow::Status;
use sea_orm::{EntityTrait, Set};

#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Subcommand)]
enum Cmd {
    /// Fill the configured database.
    Seed {
        #[arg(long, default_value_t = 100_000)]
        assignments: usize,
        #[arg(long, default_value_t = 30)]
        units: usize,
        /// Where to write tokens.json and the wrk scripts.
        #[arg(long, default_value = "bench/out")]
        out: PathBuf,
    },
}

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
async fn main() -> anyhow::Result<()> {
    let Cmd::Seed {
        assignments: n,
        units: u,
        out,
    } = Args::parse().cmd;
    let settings = Settings::load()?;
    let (env, _) = environment(&settings, Arc::new(SystemClock)).await?;
    let db = env.db.clone();
    let system = Actor::system();
    let sys = env.ctx(&system);
    let now = sys.now;
    let started = std::time::Instant::now();

    let office_unit = units::create(
        &sys,
        NewUnit::parse("基准办公室", UnitKind::Office, None, &[], None)?,
    )
    .await?;
    let mut unit_ids = Vec::with_capacity(u);
    for i in 0..u {
        let m = units::create(
            &sys,
            NewUnit::parse(
                &format!("基准单位{i:02}"),
                UnitKind::Department,
                None,
                &[],
                None,
            )?,
        )
        .await?;
        unit_ids.push(m.id);
    }
    let password = "Bench-pass-1";
    let mk = |name: String, role: &str, unit: Option<i64>| {
        NewUser::parse(&name, None, None, unit, &[role.to_owned()], password)
    };
    let office = users::create(
        &sys,
        mk("bench_office".into(), "office", Some(office_unit.id))?,
    )
    .await?;
    let inspector = users::create(
        &sys,
        mk("bench_inspector".into(), "inspector", Some(office_unit.id))?,
    )
    .await?;
    let mut staff = Vec::with_capacity(u);
    for (i, unit) in unit_ids.iter().enumerate() {
        staff.push(
            users::create(
                &sys,
                mk(format!("bench_staff_{i:02}"), "unit_staff", Some(*unit))?,
            )
            .await?,
        );
    }
    let tz_name = "Asia/Shanghai";
    let tz = zone_of(tz_name);
    let today = now.with_timezone(&tz).date_naive();
    let plan = plan::Entity::insert(plan::ActiveModel {
        doc_no: Set("基准〔2026〕1号".into()),
        title: Set("性能基准".into()),
        issuer_unit_id: Set(Some(office_unit.id)),
        issued_on: Set(today - Duration::days(90)),
        year: Set(2026),
        timezone: Set(tz_name.into()),
        status: Set(PlanStatus::Issued),
        reminder_offsets: Set(None),
        escalation_policy: Set(None),
        created_by: Set(Some(office.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(db.schema_conn())
    .await?
    .last_insert_id;

    let tasks = n.div_ceil(u);
    let mut task_ids = Vec::with_capacity(tasks);
    for chunk in (0..tasks).collect::<Vec<_>>().chunks(500) {
        let rows = chunk.iter().map(|t| task::ActiveModel {
            plan_id: Set(plan),
            section_id: Set(None),
            number: Set(format!("({t})")),
            title: Set(format!("基准任务{t:05}：推进社区综合服务设施建设")),
            requirements: Set("每个城乡社区都建有综合服务站，服务率达95%以上。".into()),
            due_on: Set(today),
            due_text: Set(None),
            report_cron: Set(None),
            position: Set(*t as i32),
            created_by: Set(Some(office.id)),
            created_at: Set(now),
            ..Default::default()
        });
        let txn = db.begin().await?;
        task::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await?;
        txn.commit().await?;
    }
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    for t in task::Entity::find()
        .filter(task::Column::PlanId.eq(plan))
        .order_by_asc(task::Column::Id)
        .all(db.conn())
        .await?
    {
        task_ids.push(t.id);
    }
    let mut k = 0usize;
    let mut batch = Vec::with_capacity(1000);
    while k < n {
        let t = task_ids[k / u];
        let unit = unit_ids[k % u];
        // A cheap, fixed spread: due -60..+60 days, statuses by a multiplicative hash.
        let h = (k as u64).wrapping_mul(2_654_435_761) >> 7;
        let due = today + Duration::days((h % 121) as i64 - 60);
        let status = STATUSES[((h >> 8) % 10) as usize];
        let role = if k.is_multiple_of(u) {
            AssignmentRole::Lead
        } else {
            AssignmentRole::Assist
        };
        let mut row = assignment::ActiveModel::new_row(t, plan, unit, role, status, due, tz, now);
        row.issued_at = Set(Some(now - Duration::days(90)));
        row.acknowledged_at = Set((status != Status::Issued).then_some(now - Duration::days(80)));
        row.completed_at = Set((status == Status::Completed).then_some(now - Duration::days(1)));
        batch.push(row);
        k += 1;
        if batch.len() == 1000 || k == n {
            let txn = db.begin().await?;
            assignment::Entity::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(&txn)
                .await?;
            txn.commit().await?;
        }
    }
    // What autovacuum (PostgreSQL) or PRAGMA optimize (SQLite) would do after
    // a bulk load: give the planner statistics and mark pages all-visible.
    use sea_orm::ConnectionTrait;
    let maintenance = match db.store() {
        duban_domain::db::Store::Postgres => "VACUUM ANALYZE",
        duban_domain::db::Store::Sqlite => "ANALYZE",
    };
    db.schema_conn().execute_unprepared(maintenance).await?;
    let seeded = started.elapsed();

    // Tokens for the load runs, and the ids each unit's clerk may act on.
    let keys = TokenKeys::new(&settings.auth);
    let token = |id: i64| {
        keys.issue(id, 1, Utc::now())
            .map(|t| t.token)
            .map_err(|e| anyhow::anyhow!("{e}"))
    };
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let staff_tokens: Vec<String> = staff
        .iter()
        .map(|s| token(s.id))
        .collect::<Result<_, _>>()?;
    let all = assignment::Entity::find()
        .filter(assignment::Column::PlanId.eq(plan))
        .order_by_asc(assignment::Column::Id)
        .all(db.conn())
        .await?;
    let index = |pred: &dyn Fn(&assignment::Model) -> bool| -> String {
        all.iter()
            .filter(|a| pred(a))
            .map(|a| {
                format!(
                    "{{{},{}}}",
                    a.id,
                    unit_ids.iter().position(|u| *u == a.unit_id).unwrap_or(0) + 1
                )
            })
            .collect::<Vec<_>>()
            .join(",\n")
    };
    let lua_tokens = staff_tokens
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(",\n");
    std::fs::write(
        out.join("tokens.lua"),
        format!("tokens = {{\n{lua_tokens}\n}}\n"),
    )?;
    std::fs::write(
        out.join("issued.lua"),
        format!(
            "items = {{\n{}\n}}\n",
            index(&|a| a.status == Status::Issued)
        ),
    )?;
    std::fs::write(
        out.join("working.lua"),
        format!(
            "items = {{\n{}\n}}\n",
            index(&|a| a.status == Status::Acknowledged || a.status == Status::InProgress)
        ),
    )?;
    let summary = serde_json::json!({
        "assignments": n, "units": u, "tasks": tasks, "seconds": seeded.as_secs_f64(),
        "office_token": token(office.id)?, "inspector_token": token(inspector.id)?,
        "staff_token": staff_tokens.first(), "unit_id": unit_ids.first(),
    });
    std::fs::write(
        out.join("tokens.json"),
        serde_json::to_string_pretty(&summary)?,
    )?;
    println!(
        "seeded {n} assignments across {u} units in {:.1} s; tokens in {}",
        seeded.as_secs_f64(),
        out.display()
    );
    Ok(())
}
