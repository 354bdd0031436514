//! The web UI's oversight screens against the API: every table shows the
//! same items, in the same order, as the API answers for the same query.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;
use crate::storage_test;
use crate::ui::signed_in;
use crate::workflow::World;

/// The item ids a page links to, in page order.
pub(crate) fn linked_items(html: &str) -> Vec<i64> {
    html.split("href=\"/assignments/")
        .skip(1)
        .filter_map(|s| {
            let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

fn api_ids(body: &serde_json::Value) -> Vec<i64> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

async fn the_board_and_its_risk_tab_show_what_the_api_shows(app: &TestApp) {
    let w = World::new(app).await;
    let late_a = w.task(app, "A逾期较短", -3, w.a, &[]).await[0];
    let late_b = w.task(app, "B逾期最久", -20, w.b, &[w.a]).await;
    let soon = w.task(app, "B即将到期", 2, w.b, &[]).await[0];
    let twice = w.task(app, "A两次退回", 30, w.a, &[]).await[0];
    app.post(
        &format!("/assignments/{twice}/acknowledge"),
        &w.staff_a,
        json!({}),
    )
    .await;
    for _ in 0..2 {
        app.post(
            &format!("/assignments/{twice}/reports"),
            &w.staff_a,
            json!({"kind": "completion", "text": "已完成"}),
        )
        .await;
        let r = app
            .post(
                &format!("/assignments/{twice}/review"),
                &w.office,
                json!({"decision": "return", "comment": "材料不全"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = app
        .post(
            &format!("/plans/{}/tasks", w.plan),
            &w.office,
            json!({"title": "A每小时反馈", "due_on": crate::workflow::day(40), "lead_unit_id": w.a, "report_cron": "0 * * * *"}),
        )
        .await;
    let hourly = r.body["assignments"][0]["id"].as_i64().unwrap();
    app.post(&format!("/plans/{}/issue", w.plan), &w.office, json!({}))
        .await;
    app.post(
        &format!("/assignments/{hourly}/acknowledge"),
        &w.staff_a,
        json!({}),
    )
    .await;
    let r = app
        .post(
            &format!("/assignments/{}/escalate", late_b[0]),
            &w.inspector,
            json!({"note": "挂牌督办"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Two hours on: an hourly period has ended with no report in it.
    app.clock.advance(Duration::hours(2));
    let inspector = app.login("inspector", "Pass-inspector-1").await;
    let (mut br, _) = signed_in(app, "inspector").await;

    for (page, api) in [
        ("/board", "/supervision/overdue"),
        ("/board?level=1", "/supervision/overdue?level=1"),
        (
            &format!("/board?unit_id={}", w.a),
            &format!("/supervision/overdue?unit_id={}", w.a),
        ),
        ("/board?min_days=10", "/supervision/overdue?min_days=10"),
        ("/board?tab=risk", "/supervision/at-risk"),
        (
            "/board?tab=risk&within_days=1",
            "/supervision/at-risk?within_days=1",
        ),
    ] {
        let (s, html, _) = br.get(page).await;
        assert_eq!(s, StatusCode::OK, "{page}: {html}");
        let r = app
            .get(
                &format!(
                    "{api}{}per_page=50",
                    if api.contains('?') { "&" } else { "?" }
                ),
                &inspector,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(
            linked_items(&html),
            api_ids(&r.body),
            "{page} against {api}"
        );
        assert!(
            html.contains(&format!("共 {} 项", r.body["total"])),
            "{page}: the count"
        );
    }
    let (_, html, _) = br.get("/board").await;
    let ids = linked_items(&html);
    assert_eq!(ids[0], late_b[0], "most overdue first");
    assert!(ids.contains(&late_a) && html.contains("1 级 催办") && html.contains("个工作日"));
    let (_, html, _) = br.get("/board?tab=risk").await;
    let ids = linked_items(&html);
    for (id, why) in [
        (soon, "临近时限"),
        (twice, "多次退回"),
        (hourly, "未按期反馈"),
    ] {
        assert!(ids.contains(&id), "{why}: {id} in {ids:?}");
        assert!(html.contains(why), "{why}");
    }
    // The export is the API's workbook for the same filter.
    let r = reqwest::Client::new()
        .get(format!("{}/board.xlsx?level=1", app.base))
        .header("cookie", br.cookie())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    // A clerk has no board.
    let (mut clerk, _) = signed_in(app, "staff_a").await;
    let (s, _, _) = clerk.get("/board").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = clerk.get("/board.xlsx").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
storage_test!(the_board_and_its_risk_tab_show_what_the_api_shows);
