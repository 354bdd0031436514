//! Upgrading a database written before the message catalogue: its
//! notifications keep their text (as legacy messages), their kinds take the
//! catalogue's names, their attempts stay attached, and new rows follow the
//! old ids. On both stores.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Utc;
use duban_domain::db::{DatabaseSettings, Db, Store};
use duban_domain::entities::notification::{self, NoticeKind};
use duban_domain::entities::notification_attempt;
use duban_domain::messages::{Message, Stored};
use duban_domain::notify::{self, Address, Notice};
use duban_domain::testing::TestDatabase;
use duban_migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

async fn upgrade(store: Store) {
    let Some(database) = TestDatabase::fresh(store).await else {
        return;
    };
    let db = Db::connect(&DatabaseSettings {
        url: database.url.clone(),
        ..Default::default()
    })
    .await
    .unwrap();
    // The schema as the version before the catalogue left it.
    Migrator::up(db.schema_conn(), Some(4)).await.unwrap();
    let now = Utc::now().to_rfc3339();
    for sql in [
        "INSERT INTO users (id, username, display_name, unit_id, roles, active, password_hash, failed_logins, created_at, updated_at) \
         VALUES (1, 'clerk', '张科员', NULL, 'inspector', true, 'x', 0, '{now}', '{now}')".to_owned(),
        "INSERT INTO notifications (id, dedupe_key, kind, recipient_user_id, assignment_id, subject, body, status, attempts, next_attempt_at, created_at) \
         VALUES (7, 'comment:1:1', 'comment', 1, NULL, '【督查意见】旧事项', '督查意见：请抓紧', 'sent', 1, '{now}', '{now}')".to_owned(),
        "INSERT INTO notifications (id, dedupe_key, kind, recipient_user_id, assignment_id, subject, body, status, attempts, next_attempt_at, created_at) \
         VALUES (8, 'reviewed:1:2:1', 'reviewed', 1, NULL, '【督办】事项被退回', '经审核退回，请补充。', 'pending', 0, '{now}', '{now}')".to_owned(),
        "INSERT INTO notification_attempts (id, notification_id, attempt, at, outcome, message_id, error) \
         VALUES (3, 7, 1, '{now}', 'sent', '<m@x>', NULL)".to_owned(),
    ] {
        db.schema_conn()
            .execute_unprepared(&sql.replace("{now}", &now))
            .await
            .unwrap();
    }
    Migrator::up(db.schema_conn(), None).await.unwrap();

    let rows = notification::Entity::find()
        .order_by_asc(notification::Column::Id)
        .all(db.conn())
        .await
        .unwrap();
    assert_eq!(
        rows.iter().map(|r| (r.id, r.kind)).collect::<Vec<_>>(),
        vec![(7, NoticeKind::Remark), (8, NoticeKind::Returned)]
    );
    assert_eq!(
        Stored::from_json(&rows[0].payload),
        Stored::Legacy {
            subject: "【督查意见】旧事项".into(),
            body: "督查意见：请抓紧".into()
        }
    );
    assert_eq!(rows[0].recipient_user_id, Some(1));
    let attempts = notification_attempt::Entity::find()
        .all(db.conn())
        .await
        .unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].notification_id, 7);

    // New rows continue after the copied ids.
    let txn = db.begin().await.unwrap();
    notify::enqueue(
        &txn,
        Utc::now(),
        vec![Notice {
            key: "calendar_gap:2031".into(),
            to: Address::User(1),
            assignment_id: None,
            message: Message::CalendarGap {
                year: 2031,
                dir: "config/calendar".into(),
            },
        }],
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    let newest = notification::Entity::find()
        .order_by_desc(notification::Column::Id)
        .one(db.conn())
        .await
        .unwrap()
        .unwrap();
    assert!(newest.id > 8, "{}", newest.id);
    assert_eq!(newest.kind, NoticeKind::CalendarGap);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_outbox_upgrades_on_sqlite() {
    upgrade(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_outbox_upgrades_on_postgres() {
    upgrade(Store::Postgres).await;
}
