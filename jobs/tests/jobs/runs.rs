use std::sync::Arc;

use chrono::Duration;
use duban_domain::clock::Clock;
use duban_jobs::{JobsSettings, run_once, spawn_scheduler};
use sea_orm::{ConnectionTrait, Statement};

use crate::helpers::{TestEnv, date, jobs_settings};
use crate::storage_test;

async fn insert_run(env: &TestEnv, job: &str, worker: &str, lease_minutes: i64) {
    insert_run_as(env, job, worker, "running", lease_minutes).await;
}

/// A job run of `job` at the clock's slot, written as another replica would.
async fn insert_run_as(env: &TestEnv, job: &str, worker: &str, status: &str, lease_minutes: i64) {
    let backend = env.db.backend();
    let lease = env.lease_clock.now() + Duration::minutes(lease_minutes);
    let sql = match env.store {
        crate::helpers::Store::Sqlite => {
            "INSERT INTO job_runs (job, slot, status, worker, attempt, started_at, lease_until) VALUES (?, ?, ?, ?, 1, ?, ?)"
        }
        crate::helpers::Store::Postgres => {
            "INSERT INTO job_runs (job, slot, status, worker, attempt, started_at, lease_until) VALUES ($1, $2, $3, $4, 1, $5, $6)"
        }
    };
    env.db
        .schema_conn()
        .execute(Statement::from_sql_and_values(
            backend,
            sql,
            [
                job.into(),
                env.now().into(),
                status.into(),
                worker.into(),
                env.lease_clock.now().into(),
                lease.into(),
            ],
        ))
        .await
        .unwrap();
}

async fn a_slot_held_by_a_live_run_is_skipped_and_an_interrupted_one_resumed(env: &TestEnv) {
    let plan = env.plan("通政办发〔2026〕60号").await;
    env.assignment(
        plan,
        env.cast.unit_a,
        "槽位事项",
        date("2026-03-05"),
        "issued",
        env.now(),
    )
    .await;
    insert_run(env, "reminders", "other-replica", 10).await;
    let busy = run_once(&env.ctx, "reminders", env.now()).await.unwrap();
    assert!(busy.skipped.is_some(), "{busy}");
    assert!(env.notifications().await.is_empty());

    // The other replica died: its lease runs out and the slot is taken over.
    env.lease_clock.advance(Duration::minutes(11));
    let resumed = run_once(&env.ctx, "reminders", env.now()).await.unwrap();
    assert_eq!(
        (resumed.skipped.as_deref(), resumed.notices),
        (None, 2),
        "{resumed}"
    );
    // A manual re-run of a finished slot runs and adds nothing.
    let again = run_once(&env.ctx, "ack-reminders", env.now())
        .await
        .unwrap();
    assert!(again.skipped.is_none(), "{again}");
    let again = run_once(&env.ctx, "reminders", env.now()).await.unwrap();
    assert_eq!(
        (again.skipped.as_deref(), again.notices),
        (None, 0),
        "{again}"
    );
    assert!(run_once(&env.ctx, "nonsense", env.now()).await.is_err());
}
storage_test!(a_slot_held_by_a_live_run_is_skipped_and_an_interrupted_one_resumed);

#[tokio::test]
async fn the_scheduler_starts_the_enabled_jobs_and_stops_on_request() {
    let env = TestEnv::with(
        crate::helpers::Store::Sqlite,
        {
            let mut s: JobsSettings = jobs_settings();
            s.schedules.report_reminders = String::new();
            s
        },
        |_| {},
    )
    .await
    .unwrap();
    let ctx = Arc::new(env.ctx);
    let handle = spawn_scheduler(ctx.clone());
    assert_eq!(
        handle.job_count(),
        duban_jobs::Job::ALL.len() - 1,
        "report reminders are disabled"
    );
    tokio::time::timeout(std::time::Duration::from_secs(10), handle.stop())
        .await
        .expect("stops promptly");
}

#[test]
fn an_invalid_schedule_stops_start_up_naming_the_key() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let err = rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let db =
            crate::helpers::connect(&format!("sqlite://{}/x.db?mode=rwc", dir.path().display()))
                .await;
        let mut s = jobs_settings();
        s.schedules.escalations = "every day".into();
        duban_jobs::JobContext::standalone(
            db,
            Arc::new(duban_domain::clock::SystemClock),
            s,
            duban_jobs::MailSettings::default(),
            "http://x",
        )
        .unwrap_err()
        .to_string()
    });
    assert!(err.contains("jobs.schedules.escalations"), "{err}");
}

#[tokio::test]
async fn a_missing_calendar_year_is_visible_and_the_admins_are_told_once() {
    let empty = tempfile::tempdir().unwrap();
    let mut s = jobs_settings();
    s.calendar_dir = empty.path().to_path_buf();
    let env = TestEnv::with(crate::helpers::Store::Sqlite, s, |_| {})
        .await
        .unwrap();
    assert_eq!(env.ctx.calendar_gaps(), vec![2026]);
    let out = duban_jobs::run_reminders(&env.ctx, env.now())
        .await
        .unwrap();
    assert_eq!(out.notices, 1, "{out}");
    let again = duban_jobs::run_reminders(&env.ctx, env.now())
        .await
        .unwrap();
    assert_eq!(again.notices, 0, "{again}");
    let n = &env.notifications_of(env.cast.admin).await[0];
    assert_eq!(
        n.dedupe_key,
        format!("calendar_gap:2026:{}", env.cast.admin)
    );
    assert_eq!(n.payload["year"], 2026, "{}", n.payload);
    // In December next year's schedule is due too.
    env.clock
        .set(crate::helpers::at("2026-12-02T09:00:00+08:00"));
    assert_eq!(env.ctx.calendar_gaps(), vec![2026, 2027]);
}

async fn job_runs(env: &TestEnv, job: &str) -> Vec<(chrono::DateTime<chrono::Utc>, String, i32)> {
    use duban_domain::entities::job_run;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    job_run::Entity::find()
        .filter(job_run::Column::Job.eq(job))
        .order_by_asc(job_run::Column::Slot)
        .all(env.db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.slot, format!("{:?}", r.status), r.attempt))
        .collect()
}

/// The clock stands at 09:00 Beijing (T0); reminders are scheduled at 09:00,
/// escalations at 08:00.
async fn a_slot_missed_while_down_or_failed_runs_when_it_can_and_only_once(env: &TestEnv) {
    let plan = env.plan("通政办发〔2026〕61号").await;
    env.assignment(
        plan,
        env.cast.unit_a,
        "补跑事项",
        date("2026-03-05"),
        "issued",
        env.now(),
    )
    .await;
    let eight = crate::helpers::at("2026-03-02T08:00:00+08:00");
    // Nobody ran 08:00's escalations (no process was up): it runs now.
    let caught = duban_jobs::catch_up(&env.ctx, duban_jobs::Job::Escalations, env.now())
        .await
        .unwrap();
    assert!(caught.is_some(), "the missed slot ran");
    assert_eq!(
        job_runs(env, "escalations").await,
        vec![(eight, "Done".to_owned(), 1)]
    );
    // Done is done: a second catch-up (another replica starting) runs nothing.
    let again = duban_jobs::catch_up(&env.ctx, duban_jobs::Job::Escalations, env.now())
        .await
        .unwrap();
    assert!(again.is_none());

    // The 09:00 reminders failed (a database blip): the slot is tried again.
    let nine = env.now();
    insert_run_as(env, "reminders", "replica-1", "failed", 0).await;
    assert!(env.notifications().await.is_empty());
    let later = nine + Duration::minutes(5);
    let retried = duban_jobs::catch_up(&env.ctx, duban_jobs::Job::Reminders, later)
        .await
        .unwrap()
        .expect("the failed slot ran again");
    assert_eq!(retried.notices, 2, "{retried}");
    assert_eq!(
        job_runs(env, "reminders").await,
        vec![(nine, "Done".to_owned(), 2)]
    );
    assert!(
        duban_jobs::catch_up(&env.ctx, duban_jobs::Job::Reminders, later)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(env.notifications().await.len(), 2, "nothing twice");
}
storage_test!(a_slot_missed_while_down_or_failed_runs_when_it_can_and_only_once);

#[tokio::test]
async fn the_scheduler_catches_up_missed_slots_as_it_starts() {
    let env = TestEnv::with(crate::helpers::Store::Sqlite, jobs_settings(), |_| {})
        .await
        .unwrap();
    let ctx = Arc::new(env.ctx);
    spawn_scheduler(ctx.clone()).stop().await;
    let ran: Vec<String> = {
        use duban_domain::entities::job_run;
        use sea_orm::EntityTrait;
        job_run::Entity::find()
            .all(env.db.conn())
            .await
            .unwrap()
            .into_iter()
            .map(|r| format!("{} {:?}", r.job, r.status))
            .collect()
    };
    // At 09:00 the day's 08:00 escalations and 09:00 reminders are due; ack
    // reminders (10:00) and report reminders (09:30) fall on yesterday.
    for job in [
        "escalations",
        "reminders",
        "ack_reminders",
        "report_reminders",
    ] {
        assert!(
            ran.contains(&format!("{job} Done")),
            "{job} caught up: {ran:?}"
        );
    }
}
