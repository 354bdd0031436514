//! Several processes writing one SQLite file: transactions that read and then
//! write must wait for each other, never fail with "database is locked".
#![allow(clippy::unwrap_used, clippy::expect_used)]

use duban_domain::db::{DatabaseSettings, Db};
use sea_orm::{ConnectionTrait, Statement};

async fn open(url: &str) -> Db {
    Db::connect(&DatabaseSettings {
        url: url.to_owned(),
        max_connections: 4,
        acquire_timeout_secs: 5,
        busy_timeout_ms: 10_000,
        ..Default::default()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_pools_on_one_file_read_then_write_without_busy_errors() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/w.db?mode=rwc", dir.path().display());
    // Two independent pools stand in for two processes (serve + a job run).
    let a = open(&url).await;
    let b = open(&url).await;
    for sql in [
        "CREATE TABLE write_lock (id INTEGER PRIMARY KEY, n BIGINT NOT NULL DEFAULT 0)",
        "INSERT INTO write_lock (id, n) VALUES (1, 0)",
        "CREATE TABLE counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)",
        "INSERT INTO counter (id, n) VALUES (1, 0)",
    ] {
        a.schema_conn().execute_unprepared(sql).await.unwrap();
    }
    let mut tasks = Vec::new();
    for i in 0..60 {
        let db = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            let txn = db.begin().await?;
            // Read, then write what was read: the lost-update shape.
            let row = txn
                .query_one(Statement::from_string(
                    db.backend(),
                    "SELECT n FROM counter WHERE id = 1",
                ))
                .await?
                .expect("row");
            let n: i64 = row.try_get("", "n")?;
            txn.execute_unprepared(&format!("UPDATE counter SET n = {} WHERE id = 1", n + 1))
                .await?;
            txn.commit().await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let row = a
        .conn()
        .query_one(Statement::from_string(
            a.backend(),
            "SELECT n FROM counter WHERE id = 1",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.try_get::<i64>("", "n").unwrap(),
        60,
        "no update was lost"
    );
}
