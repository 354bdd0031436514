//! The HTTP contract of milestones, recurring duties, handing down and
//! suspension: shapes the acceptance checks read, and bad input as 4xx
//! problems that write nothing.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;
use crate::storage_test;
use crate::workflow::{World, day};

async fn tasks_take_milestones_and_a_recurrence_and_refuse_bad_ones(app: &TestApp) {
    let w = World::new(app).await;
    let path = format!("/plans/{}/tasks", w.plan);
    let before = app.count("milestones").await;
    for (body, field) in [
        (
            json!({"title": "t", "due_on": day(30), "lead_unit_id": w.a,
                   "milestones": [{"due_on": day(40), "title": "晚于时限"}]}),
            "milestones[0].due_on",
        ),
        (
            json!({"title": "t", "due_on": day(30), "lead_unit_id": w.a,
                   "milestones": [{"due_on": day(10), "title": " "}]}),
            "milestones[0].title",
        ),
        (
            json!({"title": "t", "due_on": day(30), "lead_unit_id": w.a,
                   "recurrence": {"per": "month", "times": 0}}),
            "recurrence.times",
        ),
    ] {
        let r = app.post(&path, &w.office, body).await;
        r.assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.to_string().contains(field), "{field}: {}", r.body);
    }
    app.post(
        &path,
        &w.office,
        json!({"title": "t", "due_on": day(30), "lead_unit_id": w.a, "recurrence": {"per": "fortnight", "times": 1}}),
    )
    .await
    .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("milestones").await, before);

    let r = app
        .post(
            &path,
            &w.office,
            json!({"title": "建设农村牧区社区", "due_on": day(60), "lead_unit_id": w.a,
                   "milestones": [{"due_on": day(60), "title": "3000个"}, {"due_on": day(5), "title": "1200个", "target": "1200个"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.body["assignments"][0]["id"].as_i64().unwrap();
    let r = app
        .post(
            &path,
            &w.office,
            json!({"title": "调研", "due_on": day(60), "lead_unit_id": w.a, "recurrence": {"per": "month", "times": 2}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let rec = r.body["assignments"][0]["id"].as_i64().unwrap();
    app.post(&format!("/plans/{}/issue", w.plan), &w.office, json!({}))
        .await;
    let r = app.get(&format!("/assignments/{id}"), &w.staff_a).await;
    let ms = r.body["milestones"].as_array().unwrap();
    assert_eq!(ms.len(), 2, "{}", r.body);
    assert_eq!(ms[0]["due_on"], day(5), "in date order");
    assert_eq!(ms[0]["target"], "1200个");
    assert_eq!(ms[0]["reached_on"], serde_json::Value::Null);
    assert_eq!(r.body["suspended"], false);
    assert_eq!(r.body["parent_id"], serde_json::Value::Null);
    assert_eq!(r.body["children"], json!([]));

    app.post(
        &format!("/assignments/{rec}/acknowledge"),
        &w.staff_a,
        json!({}),
    )
    .await;
    let r = app
        .get(&format!("/assignments/{rec}/occurrences"), &w.staff_a)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let items = r.body["items"].as_array().unwrap();
    assert!(items.len() >= 2, "{}", r.body);
    assert!(items.iter().all(|o| o["required"] == 2 && o["done"] == 0));
    for k in ["period_start", "period_end", "due_on", "status"] {
        assert!(items[0].get(k).is_some(), "{k}");
    }
    let r = app
        .post(
            &format!("/assignments/{rec}/reports"),
            &w.staff_a,
            json!({"kind": "occurrence", "text": "到社区调研"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app
        .get(&format!("/assignments/{rec}/occurrences"), &w.staff_a)
        .await;
    assert_eq!(r.body["items"][0]["done"], 1, "{}", r.body);
    // A milestone id of another item, an unknown one: 422, nothing written.
    let reports = app.count("reports").await;
    app.post(
        &format!("/assignments/{rec}/reports"),
        &w.staff_a,
        json!({"kind": "progress", "text": "x", "milestone_id": ms[0]["id"]}),
    )
    .await
    .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("reports").await, reports);
}
storage_test!(tasks_take_milestones_and_a_recurrence_and_refuse_bad_ones);

async fn suspend_and_resume_over_http(app: &TestApp) {
    let w = World::new(app).await;
    let id = w.task(app, "推进政务公开", 3, w.a, &[]).await[0];
    app.post(&format!("/assignments/{id}/resume"), &w.office, json!({}))
        .await
        .assert_problem(StatusCode::CONFLICT);
    app.post(&format!("/assignments/{id}/suspend"), &w.office, json!({}))
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post(
            &format!("/assignments/{id}/suspend"),
            &w.office,
            json!({"reason": "上级政策调整"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["suspended"], true);
    assert_eq!(r.body["light"], "grey");
    let r = app.get(&format!("/assignments/{id}"), &w.staff_a).await;
    assert_eq!(r.body["suspend_reason"], "上级政策调整");
    app.post(
        &format!("/assignments/{id}/resume"),
        &w.office,
        json!({"due_on": day(-1)}),
    )
    .await
    .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post(
            &format!("/assignments/{id}/resume"),
            &w.office,
            json!({"due_on": day(20)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["due_on"], day(20));
    assert_eq!(r.body["suspended"], false);
}
storage_test!(suspend_and_resume_over_http);
