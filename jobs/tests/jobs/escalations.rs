use std::collections::BTreeMap;

use duban_domain::entities::assignment;
use duban_domain::entities::audit_event;
use duban_domain::entities::notification::NoticeKind;
use duban_domain::escalation::{Escalation, event, record_escalation};
use duban_domain::notify::Address;
use duban_jobs::{run_dispatch, run_escalations};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::helpers::{TestEnv, at, date};
use crate::storage_test;

/// An inspector's step to `level`, telling `inspector`.
fn by_hand(row: &assignment::Model, level: i32, inspector: i64) -> Escalation {
    Escalation {
        assignment_id: row.id,
        from_level: row.escalation_level,
        to_level: level,
        steps: vec![(level, vec![Address::User(inspector)])],
        due_on: row.due_on,
        overdue: None,
        about: None,
    }
}

/// Level and the user ids each recorded level told.
async fn history(env: &TestEnv, assignment: i64) -> BTreeMap<i32, Vec<i64>> {
    event::Entity::find()
        .filter(event::Column::AssignmentId.eq(assignment))
        .order_by_asc(event::Column::Level)
        .all(env.db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|e| {
            // People are recorded by id; unit addresses and robots as unitN / robotN.
            let told: Vec<String> = serde_json::from_value(e.recipients).unwrap();
            let mut users: Vec<i64> = told.iter().filter_map(|t| t.parse().ok()).collect();
            users.sort_unstable();
            (e.level, users)
        })
        .collect()
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort_unstable();
    v
}

/// Due Friday 26 September 2025, before National Day (1–8 October off;
/// Sunday 28 September and Saturday 11 October worked).
async fn the_ladder_climbs_on_working_days_across_national_day(env: &TestEnv) {
    let c = env.cast;
    let plan = env.plan("通政办发〔2025〕9号").await;
    let issued = at("2025-09-01T09:00:00+08:00");
    let a = env
        .assignment(
            plan,
            c.unit_a,
            "国庆前到期事项",
            date("2025-09-26"),
            "in_progress",
            issued,
        )
        .await;
    let level = async |day: &str| {
        run_escalations(&env.ctx, at(&format!("{day}T08:00:00+08:00")))
            .await
            .unwrap();
        env.assignment_row(a).await.escalation_level
    };
    assert_eq!(level("2025-09-26").await, 0, "the due date itself");
    assert_eq!(level("2025-09-27").await, 1, "the day after");
    assert_eq!(
        level("2025-10-09").await,
        1,
        "four working days: the holiday does not count"
    );
    assert_eq!(level("2025-10-10").await, 2, "five working days");
    assert_eq!(level("2025-10-22").await, 2);
    assert_eq!(level("2025-10-23").await, 3, "fifteen working days");
    assert_eq!(level("2025-12-01").await, 3);

    assert_eq!(
        history(env, a).await,
        BTreeMap::from([
            (1, sorted(vec![c.staff_a, c.staff_a_no_mail, c.head_a])),
            (2, sorted(vec![c.head_a, c.inspector])),
            (3, sorted(vec![c.leader, c.inspector])),
        ])
    );
    let audits = audit_event::Entity::find()
        .filter(audit_event::Column::EntityId.eq(a))
        .filter(audit_event::Column::Action.eq("escalate"))
        .count_rows(env)
        .await;
    assert_eq!(audits, 3, "one audit event per step");
    let keys: Vec<String> = env
        .notifications()
        .await
        .into_iter()
        .filter(|n| n.kind == NoticeKind::Escalation)
        .map(|n| n.dedupe_key)
        .collect();
    assert!(
        keys.contains(&format!("escalate:{a}:2:{}", c.inspector)),
        "{keys:?}"
    );
    assert!(
        keys.contains(&format!("escalate:{a}:3:{}", c.leader)),
        "{keys:?}"
    );
    assert_eq!(keys.len(), 3 + 2 + 2);
}
storage_test!(the_ladder_climbs_on_working_days_across_national_day);

trait CountRows {
    async fn count_rows(self, env: &TestEnv) -> usize;
}

impl CountRows for sea_orm::Select<audit_event::Entity> {
    async fn count_rows(self, env: &TestEnv) -> usize {
        self.all(env.db.conn()).await.unwrap().len()
    }
}

async fn a_late_scan_goes_straight_to_the_level_due_and_records_each_step(env: &TestEnv) {
    let c = env.cast;
    let plan = env.plan("通政办发〔2025〕10号").await;
    let a = env
        .assignment(
            plan,
            c.unit_a,
            "久拖未办事项",
            date("2025-09-26"),
            "acknowledged",
            at("2025-09-01T09:00:00+08:00"),
        )
        .await;
    // 20 working days after the due date, never scanned before.
    let out = run_escalations(&env.ctx, at("2025-10-30T08:00:00+08:00"))
        .await
        .unwrap();
    assert_eq!(out.escalated, 1, "{out}");
    assert_eq!(env.assignment_row(a).await.escalation_level, 3);
    assert_eq!(
        history(env, a).await.keys().copied().collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    // Everyone on the way is told once, of the level reached.
    let told: Vec<i64> = sorted(
        env.notifications()
            .await
            .into_iter()
            .filter(|n| n.dedupe_key.starts_with(&format!("escalate:{a}:3:")))
            .filter_map(|n| n.recipient_user_id)
            .collect(),
    );
    assert_eq!(
        told,
        sorted(vec![
            c.staff_a,
            c.staff_a_no_mail,
            c.head_a,
            c.inspector,
            c.leader
        ])
    );
    // A re-run adds nothing.
    let again = run_escalations(&env.ctx, at("2025-10-30T09:00:00+08:00"))
        .await
        .unwrap();
    assert_eq!((again.escalated, again.notices), (0, 0), "{again}");

    // Through SMTP: the leader and the inspector hear of it, in Chinese first.
    let sent = run_dispatch(&env.ctx, at("2025-10-30T09:00:00+08:00"))
        .await
        .unwrap();
    assert_eq!(sent.messages_sent, 4, "{sent}");
    let boss = env.sink.to("boss@example.gov");
    assert_eq!(boss.len(), 1);
    assert!(
        boss[0].subject.starts_with("【通报】"),
        "{}",
        boss[0].subject
    );
    assert!(
        boss[0].text.contains("久拖未办事项") && boss[0].text.contains("3 级"),
        "{}",
        boss[0].text
    );
}
storage_test!(a_late_scan_goes_straight_to_the_level_due_and_records_each_step);

async fn levels_are_never_lowered(env: &TestEnv) {
    let c = env.cast;
    let plan = env.plan("通政办发〔2025〕11号").await;
    let a = env
        .assignment(
            plan,
            c.unit_b,
            "人工督办事项",
            date("2025-09-26"),
            "in_progress",
            at("2025-09-01T09:00:00+08:00"),
        )
        .await;
    // An inspector escalated to level 2 by hand; the scan one day late must not lower it.
    let txn = env.db.begin().await.unwrap();
    let row = env.assignment_row(a).await;
    let raised = record_escalation(
        &txn,
        None,
        env.now(),
        by_hand(&row, 2, c.inspector),
        Some("督查发现进展缓慢"),
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    assert!(raised);
    let out = run_escalations(&env.ctx, at("2025-09-27T08:00:00+08:00"))
        .await
        .unwrap();
    assert_eq!(out.escalated, 0, "{out}");
    assert_eq!(env.assignment_row(a).await.escalation_level, 2);
    let txn = env.db.begin().await.unwrap();
    let row = env.assignment_row(a).await;
    let lower = record_escalation(&txn, None, env.now(), by_hand(&row, 1, c.inspector), None)
        .await
        .unwrap();
    txn.commit().await.unwrap();
    assert!(!lower, "a lower level changes nothing");
    assert_eq!(env.assignment_row(a).await.escalation_level, 2);
    // Completed items are not escalated.
    let done = env
        .assignment(
            plan,
            c.unit_b,
            "已办结事项",
            date("2025-09-26"),
            "completed",
            at("2025-09-01T09:00:00+08:00"),
        )
        .await;
    run_escalations(&env.ctx, at("2025-11-30T08:00:00+08:00"))
        .await
        .unwrap();
    assert_eq!(env.assignment_row(done).await.escalation_level, 0);
    assert_eq!(env.assignment_row(a).await.escalation_level, 3);
}
storage_test!(levels_are_never_lowered);
