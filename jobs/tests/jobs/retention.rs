//! The retention job: delivered notifications, attempts and finished job
//! runs past their days go; failed and waiting notifications, each job's
//! latest run and every audit event stay. Ages by the injected clock.

use chrono::Duration;
use duban_domain::entities::job_run::{self, RunStatus};
use duban_domain::entities::notification::{self, Channel, DeliveryStatus, NoticeKind};
use duban_domain::entities::notification_attempt::{self as attempt, AttemptOutcome};
use duban_jobs::run_once;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use crate::helpers::TestEnv;
use crate::storage_test;

async fn notice(env: &TestEnv, key: &str, status: DeliveryStatus, days_ago: i64) -> i64 {
    let when = env.now() - Duration::days(days_ago);
    notification::ActiveModel {
        dedupe_key: Set(key.to_owned()),
        kind: Set(NoticeKind::Reminder),
        channel: Set(Channel::Email),
        recipient_user_id: Set(Some(env.cast.staff_a)),
        payload: Set(serde_json::json!({})),
        status: Set(status),
        attempts: Set(1),
        next_attempt_at: Set(when),
        sent_at: Set((status == DeliveryStatus::Sent).then_some(when)),
        created_at: Set(when),
        ..Default::default()
    }
    .insert(env.db.schema_conn())
    .await
    .unwrap()
    .id
}

async fn tried(env: &TestEnv, notification_id: i64, days_ago: i64) {
    attempt::ActiveModel {
        notification_id: Set(notification_id),
        attempt: Set(1),
        at: Set(env.now() - Duration::days(days_ago)),
        outcome: Set(AttemptOutcome::Sent),
        ..Default::default()
    }
    .insert(env.db.schema_conn())
    .await
    .unwrap();
}

async fn ran(env: &TestEnv, job: &str, days_ago: i64) -> i64 {
    let when = env.now() - Duration::days(days_ago);
    job_run::ActiveModel {
        job: Set(job.to_owned()),
        slot: Set(when),
        status: Set(RunStatus::Done),
        worker: Set("test".into()),
        attempt: Set(1),
        started_at: Set(when),
        lease_until: Set(when + Duration::minutes(10)),
        finished_at: Set(Some(when)),
        ..Default::default()
    }
    .insert(env.db.schema_conn())
    .await
    .unwrap()
    .id
}

async fn keys(env: &TestEnv) -> Vec<String> {
    let mut all = notification::Entity::find()
        .all(env.db.conn())
        .await
        .unwrap();
    all.sort_by_key(|n| n.id);
    all.into_iter().map(|n| n.dedupe_key).collect()
}

async fn count(env: &TestEnv, table: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let row = env
        .db
        .conn()
        .query_one(Statement::from_string(
            env.db.backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn what_is_past_its_days_goes_and_the_record_stays(env: &TestEnv) {
    // Defaults: notifications 180 days, attempts and job runs 90.
    let old_sent = notice(env, "old-sent", DeliveryStatus::Sent, 200).await;
    let new_sent = notice(env, "new-sent", DeliveryStatus::Sent, 10).await;
    let old_failed = notice(env, "old-failed", DeliveryStatus::Failed, 400).await;
    notice(env, "old-skipped", DeliveryStatus::Skipped, 200).await;
    notice(env, "old-pending", DeliveryStatus::Pending, 200).await;
    tried(env, old_sent, 200).await;
    tried(env, old_failed, 400).await;
    tried(env, old_failed, 20).await;
    tried(env, new_sent, 10).await;
    let oldest = ran(env, "reminders", 100).await;
    let latest = ran(env, "reminders", 95).await;
    let recent = ran(env, "escalations", 5).await;
    let audit_before = count(env, "audit_events").await;

    let out = run_once(&env.ctx, "retention", env.now()).await.unwrap();
    // Attempts over 90 days (2), the delivered and skipped notifications
    // over 180 (2), the reminders run of 100 days ago (1).
    assert_eq!(out.removed, 5, "{out}");
    let left = keys(env).await;
    assert_eq!(left, ["new-sent", "old-failed", "old-pending"]);
    let attempts: Vec<(i64, i64)> = attempt::Entity::find()
        .all(env.db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.notification_id, (env.now() - a.at).num_days()))
        .collect();
    assert_eq!(attempts, [(old_failed, 20), (new_sent, 10)]);
    let runs: Vec<i64> = job_run::Entity::find()
        .all(env.db.conn())
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.job != "retention")
        .map(|r| r.id)
        .collect();
    assert!(!runs.contains(&oldest));
    assert_eq!(runs, [latest, recent], "each job keeps its latest run");
    assert_eq!(
        count(env, "audit_events").await,
        audit_before,
        "audit events are kept"
    );

    // Nothing more to remove at the same time; 100 days on, the rest of
    // the delivered rows have aged out too (the failed one stays).
    assert_eq!(
        run_once(&env.ctx, "retention", env.now())
            .await
            .unwrap()
            .removed,
        0
    );
    env.clock.advance(Duration::days(200));
    run_once(&env.ctx, "retention", env.now()).await.unwrap();
    let left = keys(env).await;
    assert_eq!(left, ["old-failed", "old-pending"]);
}
storage_test!(what_is_past_its_days_goes_and_the_record_stays);

async fn zero_days_keeps_forever(env: &TestEnv) {
    let mut jobs = crate::helpers::jobs_settings();
    jobs.retention.notifications_days = 0;
    jobs.retention.attempts_days = 0;
    jobs.retention.job_runs_days = 0;
    let ctx = env.context_with(jobs).await;
    let n = notice(env, "ancient", DeliveryStatus::Sent, 5000).await;
    tried(env, n, 5000).await;
    ran(env, "reminders", 5000).await;
    ran(env, "reminders", 4000).await;
    let out = run_once(&ctx, "retention", env.now()).await.unwrap();
    assert_eq!(out.removed, 0);
    assert_eq!(count(env, "notifications").await, 1);
    assert_eq!(count(env, "notification_attempts").await, 1);
}
storage_test!(zero_days_keeps_forever);
