//! Reads routed to `database.read_url` (issue 16): lists, the board and
//! statistics read the replica, except for someone who just wrote, whose
//! reads go to the primary; identity is always read from the primary.
//! PostgreSQL only. The "replica" here is a second database with the schema
//! and none of the data, so which store answered is plain to see; a real
//! streaming standby is exercised by bench/replica.sh.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Store, TestApp};
use crate::workflow::World;
use duban_domain::testing::TestDatabase;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_go_to_the_replica_except_for_whoever_just_wrote() {
    let Some(replica) = TestDatabase::fresh(Store::Postgres).await else {
        return;
    };
    {
        use duban_migrations::{Migrator, MigratorTrait};
        let db = duban_domain::db::Db::connect(&duban_domain::db::DatabaseSettings {
            url: replica.url.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
        Migrator::up(db.schema_conn(), None).await.unwrap();
        db.close().await.unwrap();
    }
    let app = TestApp::spawn_with(
        Store::Postgres,
        &[
            ("DUBAN__DATABASE__READ_URL", replica.url.as_str()),
            ("DUBAN__DATABASE__READ_YOUR_WRITES_SECS", "600"),
        ],
    )
    .await
    .expect("PostgreSQL is set up");
    let w = World::new(&app).await;
    let ids = w.task(&app, "承接政务便民服务", 10, w.a, &[]).await;

    // The clerk has written nothing: their list comes from the replica,
    // which has none of the primary's items.
    let mine = "/assignments?per_page=25";
    let r = app.get(mine, &w.staff_a).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["total"], 0, "read from the replica: {}", r.body);
    let board = app.get("/supervision/overdue", &w.inspector).await;
    assert_eq!(board.status, StatusCode::OK, "{}", board.body);
    assert_eq!(board.body["total"], 0);
    let stats = app.get("/stats/units", &w.inspector).await;
    assert_eq!(stats.status, StatusCode::OK, "{}", stats.body);
    assert!(
        stats.body["items"].as_array().is_some_and(Vec::is_empty),
        "statistics from the replica: {}",
        stats.body
    );

    // The clerk acts: from now on (within the window) they read the primary
    // and see what they did; the answer carries the cookie that tells the
    // service's other replicas so.
    let r = app
        .post(
            &format!("/assignments/{}/acknowledge", ids[0]),
            &w.staff_a,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let cookie = r
        .headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("duban_primary_until="))
        .expect("the write sets the read-your-writes cookie")
        .to_owned();
    let r = app.get(mine, &w.staff_a).await;
    assert_eq!(r.body["total"], 1, "{}", r.body);
    assert_eq!(r.body["items"][0]["status"], "acknowledged");

    // Others still read the replica.
    assert_eq!(app.get(mine, &w.staff_b).await.body["total"], 0);
    assert_eq!(app.get("/assignments", &w.inspector).await.body["total"], 0);

    // Another replica of the service would know only from the cookie: with
    // it, a reader who wrote nowhere here reads the primary too.
    let until = cookie
        .trim_start_matches("duban_primary_until=")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let r = app
        .client
        .get(app.url("/assignments"))
        .bearer_auth(&w.inspector)
        .header(
            reqwest::header::COOKIE,
            format!("duban_primary_until={until}"),
        )
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["total"], 1, "{body}");
    // A cookie whose window has passed changes nothing.
    let r = app
        .client
        .get(app.url("/assignments"))
        .bearer_auth(&w.staff_b)
        .header(reqwest::header::COOKIE, "duban_primary_until=1000")
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["total"], 0, "{body}");

    // Identity is the primary's: a user deactivated there is refused at
    // once, whatever the replica holds.
    app.deactivate_holder_of(&w.staff_b).await;
    app.get(mine, &w.staff_b)
        .await
        .assert_problem(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_sqlite_store_refuses_a_read_replica() {
    let err = duban_domain::db::Db::connect(&duban_domain::db::DatabaseSettings {
        url: "sqlite::memory:".into(),
        read_url: Some("postgres://postgres@127.0.0.1:5432/x".into()),
        ..Default::default()
    })
    .await
    .unwrap_err()
    .to_string();
    assert!(err.contains("read_url"), "{err}");
}
