//! The office corrects what it wrote: plans, tasks and their due dates,
//! and tasks of a plan not yet issued.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;
use crate::storage_test;
use crate::workflow::{World, day};

async fn a_new_due_date_moves_the_items_that_keep_the_old_one(app: &TestApp) {
    let w = World::new(app).await;
    let ids = w.task(app, "承接政务便民服务", 10, w.a, &[w.b]).await;
    let (mine, theirs) = (ids[0], ids[1]);
    let task = app
        .get(&format!("/assignments/{mine}"), &w.office)
        .await
        .body["task_id"]
        .as_i64()
        .unwrap();
    // Unit B has a date of its own by an approved extension.
    app.post(
        &format!("/assignments/{theirs}/acknowledge"),
        &w.staff_b,
        json!({}),
    )
    .await;
    let ext = app
        .post(
            &format!("/assignments/{theirs}/extension-requests"),
            &w.staff_b,
            json!({"due_on": day(40), "reason": "资金未到位"}),
        )
        .await
        .id();
    app.post(
        &format!("/extension-requests/{ext}/decision"),
        &w.office,
        json!({"approve": true}),
    )
    .await;

    let r = app
        .patch(
            &format!("/tasks/{task}"),
            &w.office,
            json!({"due_on": day(20)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["moved"].as_array().unwrap().len(), 1, "{}", r.body);
    assert_eq!(r.body["kept"], 1);
    let a = app
        .get(&format!("/assignments/{mine}"), &w.office)
        .await
        .body;
    assert_eq!(a["due_on"], day(20));
    let b = app
        .get(&format!("/assignments/{theirs}"), &w.office)
        .await
        .body;
    assert_eq!(b["due_on"], day(40), "the extension stands");
    let h = app
        .get(&format!("/assignments/{mine}/history"), &w.office)
        .await
        .body;
    let last = h["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "change_due");
    assert_eq!(last["action_label"], "调整完成时限");
    let n = app.get("/notifications", &w.staff_a).await.body;
    assert!(
        n["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["kind"] == "due_changed" && x["body"].as_str().unwrap().contains(&day(20))),
        "{n}"
    );
    // A date in the past needs saying so.
    let r = app
        .patch(
            &format!("/tasks/{task}"),
            &w.office,
            json!({"due_on": day(-3)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body["detail"].as_str().unwrap().contains("早于今天"),
        "{}",
        r.body
    );
    let r = app
        .patch(
            &format!("/tasks/{task}"),
            &w.office,
            json!({"due_on": day(-3), "allow_past_due": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Units cannot correct the office's plan.
    let r = app
        .patch(&format!("/tasks/{task}"), &w.staff_a, json!({"title": "x"}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // An issued task is not deleted: its items are cancelled instead.
    let r = app.delete(&format!("/tasks/{task}"), &w.office).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
}
storage_test!(a_new_due_date_moves_the_items_that_keep_the_old_one);

async fn a_draft_plan_is_corrected_and_trimmed(app: &TestApp) {
    let w = World::new(app).await;
    let r = app
        .patch(
            &format!("/plans/{}", w.plan),
            &w.office,
            json!({"title": "2026年重点工作责任分解（修订）"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["title"], "2026年重点工作责任分解（修订）");
    let r = app
        .post(
            &format!("/plans/{}/tasks", w.plan),
            &w.office,
            json!({"title": "多余的任务", "due_on": day(30), "lead_unit_id": w.a, "assist_unit_ids": [w.b]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let task = r.id();
    let r = app.delete(&format!("/tasks/{task}"), &w.office).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let plan = app.get(&format!("/plans/{}", w.plan), &w.office).await.body;
    assert!(plan["tasks"].as_array().unwrap().is_empty(), "{plan}");
    app.delete(&format!("/tasks/{task}"), &w.office)
        .await
        .assert_problem(StatusCode::NOT_FOUND);
    let r = app
        .post(
            &format!("/plans/{}/tasks", w.plan),
            &w.office,
            json!({"title": "补登任务", "due_on": day(-3), "lead_unit_id": w.a}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}
storage_test!(a_draft_plan_is_corrected_and_trimmed);
