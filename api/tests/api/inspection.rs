use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::TestApp;
use crate::storage_test;
use crate::workflow::{World, day};

async fn board_escalation_assessment_exports_and_feed(app: &TestApp) {
    let w = World::new(app).await;
    let a_items = [
        w.task(app, "A按期办结", 10, w.a, &[]).await[0],
        w.task(app, "A按期办结2", 20, w.a, &[]).await[0],
    ];
    let worst = w.task(app, "B逾期未办", -30, w.b, &[]).await[0];
    let late = w.task(app, "B逾期较短", -2, w.b, &[]).await[0];
    for id in a_items {
        app.post(
            &format!("/assignments/{id}/acknowledge"),
            &w.staff_a,
            json!({}),
        )
        .await;
        app.post(
            &format!("/assignments/{id}/reports"),
            &w.staff_a,
            json!({"kind": "completion", "text": "已完成"}),
        )
        .await;
        let r = app
            .post(
                &format!("/assignments/{id}/review"),
                &w.office,
                json!({"decision": "approve"}),
            )
            .await;
        assert_eq!(r.body["status"], "completed");
        assert_eq!(r.body["light"], "green");
    }
    // The board: most overdue first, calendar and working days.
    let r = app.get("/supervision/overdue", &w.inspector).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let items = r.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        (items[0]["id"].as_i64(), items[1]["id"].as_i64()),
        (Some(worst), Some(late))
    );
    assert_eq!(items[0]["days_overdue"], 30);
    assert_eq!(items[1]["days_overdue"], 2);
    assert!(items[0]["working_days_overdue"].as_i64().unwrap() < 30);
    assert!(items[0]["working_days_overdue"].as_i64().unwrap() >= 18);
    assert_eq!(items[0]["light"], "red");
    for tok in [&w.office, &w.leader] {
        assert_eq!(
            app.get("/supervision/overdue", tok).await.status,
            StatusCode::OK
        );
    }
    for tok in [&w.staff_a, &w.head_b, &app.admin_token] {
        app.get("/supervision/overdue", tok)
            .await
            .assert_problem(StatusCode::FORBIDDEN);
        app.get("/supervision/at-risk", tok)
            .await
            .assert_problem(StatusCode::FORBIDDEN);
    }
    assert_eq!(
        app.get("/supervision/overdue?min_days=10", &w.inspector)
            .await
            .body["total"],
        1
    );
    assert_eq!(
        app.get(
            &format!("/supervision/overdue?unit_id={}", w.a),
            &w.inspector
        )
        .await
        .body["total"],
        0
    );
    // At risk: due within a week and not near done.
    let soon = w.task(app, "下周到期", 4, w.a, &[]).await[0];
    let r = app
        .get("/supervision/at-risk?within_days=7", &w.inspector)
        .await;
    assert!(
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == soon),
        "{}",
        r.body
    );
    assert_eq!(
        app.get(&format!("/assignments/{soon}"), &w.staff_a)
            .await
            .body["light"],
        "green"
    );
    let sooner = w.task(app, "后天到期", 2, w.a, &[]).await[0];
    assert_eq!(
        app.get(&format!("/assignments/{sooner}"), &w.staff_a)
            .await
            .body["light"],
        "yellow"
    );

    // Comments reach the unit; a manual escalation raises the level and is recorded.
    let r = app
        .post(
            &format!("/assignments/{worst}/comments"),
            &w.inspector,
            json!({"text": "请于三日内报送整改情况"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let seen = app.get(&format!("/assignments/{worst}"), &w.staff_b).await;
    assert_eq!(seen.body["comments"][0]["text"], "请于三日内报送整改情况");
    assert!(
        app.get("/notifications", &w.staff_b).await.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "remark")
    );
    let r = app
        .post(
            &format!("/assignments/{worst}/escalate"),
            &w.inspector,
            json!({"note": "挂牌督办"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["escalation_level"], 1);
    app.post(
        &format!("/assignments/{worst}/escalate"),
        &w.staff_b,
        json!({"note": "x"}),
    )
    .await
    .assert_problem(StatusCode::FORBIDDEN);
    app.post(
        &format!("/assignments/{worst}/escalate"),
        &w.office,
        json!({"note": "x"}),
    )
    .await
    .assert_problem(StatusCode::FORBIDDEN);
    app.post(
        &format!("/assignments/{worst}/escalate"),
        &w.inspector,
        json!({"note": " "}),
    )
    .await
    .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    app.post(
        &format!("/assignments/{}/escalate", a_items[0]),
        &w.inspector,
        json!({"note": "x"}),
    )
    .await
    .assert_problem(StatusCode::CONFLICT);
    for _ in 0..2 {
        app.post(
            &format!("/assignments/{worst}/escalate"),
            &w.inspector,
            json!({"note": "再次督办"}),
        )
        .await;
    }
    assert_eq!(
        app.get(&format!("/assignments/{worst}"), &w.inspector)
            .await
            .body["escalation_level"],
        3
    );
    app.post(
        &format!("/assignments/{worst}/escalate"),
        &w.inspector,
        json!({"note": "顶格"}),
    )
    .await
    .assert_problem(StatusCode::CONFLICT);
    let hist = app
        .get(&format!("/assignments/{worst}/history"), &w.office)
        .await;
    assert_eq!(
        hist.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "escalate")
            .count(),
        3
    );
    assert!(
        app.get("/notifications", &w.leader).await.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "escalation"),
        "level 3 tells leaders"
    );
    assert_eq!(
        app.get("/supervision/overdue?level=3", &w.inspector)
            .await
            .body["total"],
        1
    );

    // Assessment.
    let r = app
        .get(&format!("/stats/units?plan_id={}", w.plan), &w.inspector)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rows = r.body["items"].as_array().unwrap();
    let a = rows.iter().find(|x| x["unit_id"] == w.a).unwrap();
    let b = rows.iter().find(|x| x["unit_id"] == w.b).unwrap();
    assert_eq!(
        (
            a["assigned"].as_u64(),
            a["completed"].as_u64(),
            a["completed_on_time"].as_u64()
        ),
        (Some(4), Some(2), Some(2))
    );
    assert_eq!(
        (
            b["assigned"].as_u64(),
            b["overdue"].as_u64(),
            b["level3_count"].as_u64()
        ),
        (Some(2), Some(2), Some(1))
    );
    assert!(a["score"].as_f64().unwrap() > b["score"].as_f64().unwrap());
    assert_eq!(a["rank"], 1);
    let mine = app
        .get(&format!("/stats/units?plan_id={}", w.plan), &w.staff_b)
        .await;
    let mine = mine.body["items"].as_array().unwrap();
    assert_eq!(mine.len(), 1, "a unit sees its own row only");
    assert_eq!(mine[0]["unit_id"], w.b);
    app.get("/stats/plans", &w.staff_b)
        .await
        .assert_problem(StatusCode::FORBIDDEN);
    let tasks = app
        .get(&format!("/stats/tasks?plan_id={}", w.plan), &w.leader)
        .await;
    let behind: Vec<&str> = tasks.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["behind"].as_array().unwrap())
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(behind, ["市财政局", "市财政局"]);
    assert_eq!(
        app.get("/stats/plans", &w.office).await.body["items"][0]["assigned"],
        6
    );

    // Files.
    let r = app
        .call(
            Method::GET,
            &format!("/stats/units.csv?plan_id={}", w.plan),
            Some(&w.inspector),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type().starts_with("text/csv"));
    assert!(r.bytes.starts_with(b"\xef\xbb\xbf"), "a BOM for Excel");
    let text = String::from_utf8(r.bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with("排名,责任单位,交办事项"), "{text}");
    assert_eq!(text.lines().count(), 3);
    for path in [
        format!("/stats/units.xlsx?plan_id={}", w.plan),
        "/supervision/overdue.xlsx".into(),
        format!("/plans/{}/indicators.xlsx", w.plan),
    ] {
        let r = app.call(Method::GET, &path, Some(&w.inspector), None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.content_type().contains("spreadsheetml"), "{path}");
        assert!(
            r.bytes.starts_with(b"PK\x03\x04"),
            "{path} is a zip container"
        );
        assert!(
            r.bytes.windows(13).any(|w| w == b"xl/workbook.x"),
            "{path} holds a workbook"
        );
    }
    app.call(
        Method::GET,
        "/supervision/overdue.xlsx",
        Some(&w.staff_a),
        None,
    )
    .await
    .assert_problem(StatusCode::FORBIDDEN);

    // The calendar feed: no header needed, one event per open deadline, revocable.
    let joint = w.task(app, "AB联合推进", 5, w.a, &[w.b]).await;
    assert_eq!(joint.len(), 2);
    let r = app
        .client
        .post(app.url("/me/calendar-feed"))
        .bearer_auth(&w.staff_b)
        .header("X-Forwarded-Host", "evil.example")
        .header("X-Forwarded-Proto", "https")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let body: serde_json::Value = r.json().await.unwrap();
    let public = body["url"].as_str().unwrap().to_owned();
    assert!(
        public.starts_with(&app.settings.server.public_url) && !public.contains("evil"),
        "built from server.public_url, never from the client's headers: {public}"
    );
    let url = app.local(&public);
    let ics = app.client.get(&url).send().await.unwrap();
    assert!(
        ics.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let ics = ics.text().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR"), "{ics}");
    let ics = ics.replace("\r\n ", "");
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 3, "{ics}");
    assert!(ics.contains("B逾期未办"));
    assert!(ics.contains("AB联合推进"));
    assert!(ics.contains("已逾期 30 天"), "{ics}");
    assert!(
        !ics.contains("A按期办结"),
        "another unit's deadlines stay out"
    );
    // All-day events last their day: DTEND (exclusive) is the next day.
    let dates = |prop: &str| -> Vec<chrono::NaiveDate> {
        ics.lines()
            .filter_map(|l| l.strip_prefix(prop))
            .map(|v| chrono::NaiveDate::parse_from_str(v.trim(), "%Y%m%d").unwrap())
            .collect()
    };
    let (starts, ends) = (dates("DTSTART;VALUE=DATE:"), dates("DTEND;VALUE=DATE:"));
    assert_eq!(starts.len(), 3, "{ics}");
    assert_eq!(
        ends,
        starts
            .iter()
            .map(|d| d.succ_opt().unwrap())
            .collect::<Vec<_>>()
    );
    assert!(
        ics.contains(&format!(
            "URL:{}/assignments/{}",
            app.settings.server.public_url.trim_end_matches('/'),
            joint[1]
        )),
        "{ics}"
    );
    // A reminder at 09:00 the day before, for what is still ahead only.
    assert_eq!(ics.matches("TRIGGER:-PT54000S").count(), 1, "{ics}");
    assert!(ics.contains("UID:alarm-assignment-"), "{ics}");
    // Those who supervise get every open deadline, one event per task,
    // naming the units that still owe it.
    for tok in [&w.office, &w.inspector, &w.leader] {
        let ics = feed(app, tok).await;
        // B's two, two of A's and the joint one (two units, one event).
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 5, "{ics}");
        assert!(ics.contains("AB联合推进（2 个单位未办结）"), "{ics}");
        assert!(ics.contains("B逾期未办（1 个单位未办结）"), "{ics}");
        assert!(
            !ics.contains("A按期办结"),
            "finished work is not a deadline"
        );
        assert!(ics.contains("共 6 项"), "{ics}");
    }
    app.call(Method::DELETE, "/me/calendar-feed", Some(&w.staff_b), None)
        .await;
    assert_eq!(
        app.client.get(&url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.client
            .get(format!("{}/feeds/not-a-token.ics", app.base))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let _ = day(0);
}
storage_test!(board_escalation_assessment_exports_and_feed);

async fn escalated_items_stay_on_the_board_until_closed(app: &TestApp) {
    let w = World::new(app).await;
    let id = w.task(app, "提前挂牌", 10, w.b, &[]).await[0];
    assert_eq!(
        app.get("/supervision/overdue", &w.inspector).await.body["total"],
        0
    );
    app.post(
        &format!("/assignments/{id}/escalate"),
        &w.inspector,
        json!({"note": "重点事项挂牌督办"}),
    )
    .await;
    let r = app.get("/supervision/overdue", &w.inspector).await;
    assert_eq!(r.body["total"], 1, "escalated, not yet late: {}", r.body);
    assert_eq!(
        (
            r.body["items"][0]["days_overdue"].as_i64(),
            r.body["items"][0]["overdue"].as_bool()
        ),
        (Some(0), Some(false))
    );
    app.post(&format!("/assignments/{id}/cancel"), &w.office, json!({}))
        .await;
    assert_eq!(
        app.get("/supervision/overdue", &w.inspector).await.body["total"],
        0
    );
}
storage_test!(escalated_items_stay_on_the_board_until_closed);

/// The caller's calendar feed as a calendar app reads it (lines unfolded).
async fn feed(app: &TestApp, token: &str) -> String {
    let r = app
        .call(Method::POST, "/me/calendar-feed", Some(token), None)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let ics = app
        .client
        .get(app.local(r.body["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    ics.text().await.unwrap().replace("\r\n ", "")
}

/// A feed larger than its limit keeps the nearest deadlines and says what
/// it left out, in the calendar's description.
async fn a_full_feed_says_what_it_left_out(app: &TestApp) {
    let w = World::new(app).await;
    for (title, due) in [("最近", 1), ("其次", 2), ("较远", 30), ("最远", 60)] {
        w.task(app, title, due, w.b, &[]).await;
    }
    let ics = feed(app, &w.staff_b).await;
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 2, "{ics}");
    assert!(ics.contains("最近") && ics.contains("其次"), "{ics}");
    assert!(!ics.contains("最远"), "{ics}");
    assert!(
        ics.contains("X-WR-CALDESC:本单位未办结的督办事项，共 4 项；只列出时限最近的 2 项，其余 2 项请在系统中查看"),
        "{ics}"
    );
}

storage_test!(
    a_full_feed_says_what_it_left_out,
    &[("DUBAN__FEEDS__MAX_ITEMS", "2")]
);
