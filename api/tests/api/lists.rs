//! Lists answer from memory what they read at the same data generation
//! (issue 16): these tests show that nothing stale is ever served — after
//! a write through the service, after a write straight to the database that
//! bypasses it, and that a deactivated caller is refused at once.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;
use crate::storage_test;
use crate::workflow::World;

fn statuses(r: &crate::helpers::Resp) -> Vec<(i64, String)> {
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_i64().unwrap(),
                i["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn a_list_read_twice_is_never_staler_than_the_data(app: &TestApp) {
    let w = World::new(app).await;
    let ids = w.task(app, "承接政务便民服务", 10, w.a, &[]).await;
    let mine = "/assignments?status=issued,acknowledged&per_page=25";
    let first = app.get(mine, &w.staff_a).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(statuses(&first), [(ids[0], "issued".to_owned())]);
    assert_eq!(first.body["total"], 1);
    // The same page again, nothing written: the same answer.
    let again = app.get(mine, &w.staff_a).await;
    assert_eq!(again.body, first.body);

    // A write through the service shows at once.
    let r = app
        .post(
            &format!("/assignments/{}/acknowledge", ids[0]),
            &w.staff_a,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let after = app.get(mine, &w.staff_a).await;
    assert_eq!(statuses(&after), [(ids[0], "acknowledged".to_owned())]);

    // A write straight to the database, past the service's own write path
    // (another program on the same store): it shows at once too.
    let more = w.task(app, "优化营商环境", 20, w.a, &[]).await;
    let listed = app.get(mine, &w.staff_a).await;
    assert_eq!(listed.body["total"], 2);
    use sea_orm::{ConnectionTrait, Statement};
    app.db
        .conn()
        .execute(Statement::from_string(
            app.db.backend(),
            format!(
                "UPDATE assignments SET status = 'cancelled' WHERE id = {}",
                more[0]
            ),
        ))
        .await
        .unwrap();
    let listed = app.get(mine, &w.staff_a).await;
    assert_eq!(listed.body["total"], 1, "{}", listed.body);
    assert_eq!(statuses(&listed), [(ids[0], "acknowledged".to_owned())]);

    // The caller is read fresh: deactivated, refused on the very next list.
    app.deactivate_holder_of(&w.staff_a).await;
    app.get(mine, &w.staff_a)
        .await
        .assert_problem(StatusCode::UNAUTHORIZED);
}
storage_test!(a_list_read_twice_is_never_staler_than_the_data);

async fn overdue_pages_follow_the_clock_without_a_write(app: &TestApp) {
    let w = World::new(app).await;
    let ids = w.task(app, "承接政务便民服务", 1, w.a, &[]).await;
    let overdue = "/assignments?overdue=true";
    assert_eq!(app.get(overdue, &w.inspector).await.body["total"], 0);
    // Nothing is written, but time passes: the item is overdue now.
    app.clock.advance(chrono::Duration::days(3));
    let r = app.get(overdue, &w.inspector).await;
    assert_eq!(r.body["total"], 1, "{}", r.body);
    assert_eq!(r.body["items"][0]["id"], ids[0]);
    assert_eq!(r.body["items"][0]["overdue"], true);
}
storage_test!(overdue_pages_follow_the_clock_without_a_write);

/// A list's answer is remembered for the caller who asked: another unit's
/// staff asking the very same URL in the same second get their own unit's
/// items, and the answer follows the clock (the derived overdue flag)
/// without a write.
async fn a_remembered_answer_is_the_callers_own(app: &TestApp) {
    let w = World::new(app).await;
    let a_ids = w.task(app, "承接政务便民服务", 1, w.a, &[]).await;
    let b_ids = w.task(app, "优化营商环境", 2, w.b, &[]).await;
    let url = "/assignments?per_page=25";
    let ids = |r: &crate::helpers::Resp| -> Vec<i64> {
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    };
    let a1 = app.get(url, &w.staff_a).await;
    let a2 = app.get(url, &w.staff_a).await;
    assert_eq!(a1.body, a2.body);
    assert_eq!(ids(&a1), [a_ids[0]]);
    let b = app.get(url, &w.staff_b).await;
    assert_eq!(ids(&b), [b_ids[0]], "{}", b.body);
    // Nothing written, time passes past unit A's due date: a new answer.
    assert_eq!(a1.body["items"][0]["overdue"], false);
    app.clock.advance(chrono::Duration::days(2));
    let late = app.get(url, &w.staff_a).await;
    assert_eq!(late.body["items"][0]["overdue"], true, "{}", late.body);
}
storage_test!(a_remembered_answer_is_the_callers_own);
