//! Escalations written in batches (issue 16: one JSON document per
//! statement) leave exactly what writing them one item at a time leaves, and
//! the rows bulk-inserted are the rows sea-orm's own insert writes, value for
//! value, on both stores.

use chrono::Duration;
use duban_domain::entities::notification::{self, DeliveryStatus, NoticeKind};
use duban_domain::escalation::{Escalation, record_escalation, record_escalations};
use duban_domain::notify::Address;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set, Statement};

use crate::helpers::{Store, TestEnv, date};

/// Every row of `table` but its id, each column as text, sorted.
async fn rows(env: &TestEnv, table: &str, columns: &[&str]) -> Vec<Vec<Option<String>>> {
    // JSON columns compared as documents: PostgreSQL prints a `json` value
    // as it was written (sqlx sends jsonb, whose text is spaced and ordered).
    let json = ["payload", "recipients", "before", "after"];
    let select: Vec<String> = columns
        .iter()
        .map(|c| match env.store {
            Store::Postgres if json.contains(c) => format!("CAST(CAST({c} AS jsonb) AS TEXT)"),
            _ => format!("CAST({c} AS TEXT)"),
        })
        .collect();
    let sql = format!("SELECT {} FROM {table}", select.join(", "));
    let mut out: Vec<Vec<Option<String>>> = env
        .db
        .conn()
        .query_all(Statement::from_string(env.db.backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (0..columns.len())
                .map(|i| r.try_get_by_index::<Option<String>>(i).unwrap())
                .collect()
        })
        .collect();
    out.sort();
    out
}

const NOTIFICATION: &[&str] = &[
    "dedupe_key",
    "kind",
    "channel",
    "recipient_user_id",
    "recipient_unit_id",
    "channel_id",
    "assignment_id",
    "payload",
    "status",
    "attempts",
    "next_attempt_at",
    "created_at",
];
const EVENT: &[&str] = &[
    "assignment_id",
    "level",
    "at",
    "manual",
    "actor_user_id",
    "recipients",
];
const AUDIT: &[&str] = &[
    "at",
    "actor_user_id",
    "actor_name",
    "entity",
    "entity_id",
    "action",
    "before",
    "after",
];

/// The same backlog in two fresh databases: twelve overdue items.
async fn backlog(env: &TestEnv) -> Vec<Escalation> {
    let c = env.cast;
    let plan = env.plan("通政办发〔2026〕16号").await;
    let mut out = Vec::new();
    for i in 0..12 {
        let unit = if i % 2 == 0 { c.unit_a } else { c.unit_b };
        let due = date("2026-02-02") + Duration::days(i);
        let id = env
            .assignment(
                plan,
                unit,
                &format!("事项{i}"),
                due,
                "in_progress",
                env.now(),
            )
            .await;
        let to = i32::try_from(1 + i % 3).unwrap();
        out.push(Escalation {
            assignment_id: id,
            from_level: 0,
            to_level: to,
            steps: (1..=to)
                .map(|l| {
                    let mut told = vec![Address::User(c.staff_a), Address::User(c.head_a)];
                    if l >= 2 {
                        told.push(Address::User(c.inspector));
                        told.push(Address::UnitEmail(unit));
                    }
                    (l, told)
                })
                .collect(),
            due_on: due,
            overdue: Some((i + 20, i + 14)),
            about: (i % 4 == 0).then(|| "第一季度".to_owned()),
        });
    }
    out
}

async fn written(env: &TestEnv) -> [Vec<Vec<Option<String>>>; 3] {
    [
        rows(env, "notifications", NOTIFICATION).await,
        rows(env, "escalation_events", EVENT).await,
        rows(env, "audit_events", AUDIT).await,
    ]
}

async fn one_batch_writes_what_one_item_at_a_time_writes(store: Store) {
    let (Some(batched), Some(single)) = (TestEnv::new(store).await, TestEnv::new(store).await)
    else {
        return;
    };
    let at = batched.now();
    let steps = backlog(&batched).await;
    assert_eq!(backlog(&single).await.len(), steps.len());

    let txn = batched.db.begin().await.unwrap();
    let recorded = record_escalations(&txn, None, at, &steps, None)
        .await
        .unwrap();
    txn.commit().await.unwrap();
    for s in &steps {
        let txn = single.db.begin().await.unwrap();
        assert!(
            record_escalation(&txn, None, at, s.clone(), None)
                .await
                .unwrap()
        );
        txn.commit().await.unwrap();
    }
    assert_eq!(recorded.raised, 12);
    let (a, b) = (written(&batched).await, written(&single).await);
    assert!(a[0].len() > 30, "{} notices", a[0].len());
    assert_eq!(recorded.notices, a[0].len() as u64);
    assert_eq!(a, b, "batched and one at a time differ");

    // Run again: levels are never raised twice, no notice is written twice.
    let txn = batched.db.begin().await.unwrap();
    let again = record_escalations(&txn, None, at, &steps, None)
        .await
        .unwrap();
    txn.commit().await.unwrap();
    assert_eq!((again.raised, again.notices), (0, 0));
    assert_eq!(written(&batched).await, a);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batched_escalations_equal_one_at_a_time_sqlite() {
    one_batch_writes_what_one_item_at_a_time_writes(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batched_escalations_equal_one_at_a_time_postgres() {
    one_batch_writes_what_one_item_at_a_time_writes(Store::Postgres).await;
}

/// A notice row as the outbox writes it, with every kind of value filled.
fn notice(env: &TestEnv, key: &str) -> notification::ActiveModel {
    let at = env.now() + Duration::milliseconds(250);
    notification::ActiveModel {
        dedupe_key: Set(key.to_owned()),
        kind: Set(NoticeKind::Escalation),
        channel: Set(notification::Channel::Email),
        recipient_user_id: Set(Some(env.cast.staff_a)),
        recipient_unit_id: Set(None),
        channel_id: Set(None),
        assignment_id: Set(None),
        payload: Set(
            serde_json::json!({"kind": "x", "text": "逾期 \"引号\" \\ 与 ünïcode", "n": 1.5, "list": [null, true]}),
        ),
        status: Set(DeliveryStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(at),
        message_id: Set(None),
        last_error: Set(Some(String::new())),
        read_at: Set(None),
        sent_at: Set(Some(at)),
        created_at: Set(env.now()),
        claimed_by: Set(None),
        claimed_until: Set(None),
        ..Default::default()
    }
}

async fn bulk_rows_are_the_rows_sea_orm_writes(store: Store) {
    let Some(env) = TestEnv::new(store).await else {
        return;
    };
    notice(&env, "one").insert(env.db.conn()).await.unwrap();
    let n = duban_domain::bulk::insert(
        env.db.conn(),
        &[notice(&env, "two"), notice(&env, "one")],
        Some(duban_domain::bulk::SkipConflicts(&["dedupe_key"])),
    )
    .await
    .unwrap();
    assert_eq!(n, 1, "the row already written is skipped");
    let mut cols: Vec<&str> = NOTIFICATION[1..].to_vec();
    cols.extend([
        "message_id",
        "last_error",
        "read_at",
        "sent_at",
        "claimed_by",
    ]);
    let all = rows(&env, "notifications", &cols).await;
    assert_eq!(all.len(), 2);
    assert_eq!(all[0], all[1], "bulk and sea-orm wrote different values");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_rows_are_the_rows_sea_orm_writes_sqlite() {
    bulk_rows_are_the_rows_sea_orm_writes(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_rows_are_the_rows_sea_orm_writes_postgres() {
    bulk_rows_are_the_rows_sea_orm_writes(Store::Postgres).await;
}
