//! Group robots per unit through the API: added, listed without their
//! secrets, refused when not a web address, removed; and where an item's
//! messages went.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;
use crate::storage_test;
use crate::workflow::World;

const SECRET: &str = "SECa1b2c3d4e5f6-never-shown";

async fn robots_are_added_listed_without_secrets_and_removed(app: &TestApp) {
    let w = World::new(app).await;
    let units = format!("/units/{}/channels", w.a);
    let r = app
        .post(
            &units,
            &w.office,
            json!({"kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789", "secret": SECRET, "name": "民政局工作群"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let ding = r.id();
    assert_eq!(r.body["kind"], "dingtalk");
    assert_eq!(r.body["signed"], true);
    assert_eq!(
        r.body["url"], "https://oapi.dingtalk.com/robot/send?access_token=****6789",
        "the key is masked"
    );
    let r = app
        .post(&units, &app.admin_token, json!({"kind": "feishu", "url": "https://open.feishu.cn/open-apis/bot/v2/hook/0a1b2c3d"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    let r = app.get(&units, &w.office).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 2, "{}", r.body);
    let text = r.body.to_string();
    assert!(
        !text.contains(SECRET) && !text.contains("abcdef0123"),
        "{text}"
    );
    assert_eq!(
        app.count("audit_events WHERE entity = 'channel'").await,
        2,
        "both recorded"
    );
    assert_eq!(
        app.count(&format!(
            "audit_events WHERE CAST(after AS TEXT) LIKE '%{SECRET}%'"
        ))
        .await,
        0,
        "the secret is not in the audit"
    );

    for (body, field) in [
        (
            json!({"kind": "dingtalk", "url": "file:///etc/passwd"}),
            "url",
        ),
        (
            json!({"kind": "wecom", "url": "ftp://qyapi.weixin.qq.com/x"}),
            "url",
        ),
        (
            json!({"kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "secret": "s"}),
            "secret",
        ),
        (
            json!({"kind": "email", "url": "https://x.example/"}),
            "kind",
        ),
    ] {
        let r = app.post(&units, &w.office, body.clone()).await;
        r.assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.to_string().contains(field), "{body}: {}", r.body);
    }
    let r = app
        .post(
            &units,
            &w.office,
            json!({"kind": "slack", "url": "https://x.example/"}),
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    r.assert_problem(r.status);
    let r = app
        .post(
            "/units/999999/channels",
            &w.office,
            json!({"kind": "wecom", "url": "https://x.example/?key=k"}),
        )
        .await;
    r.assert_problem(StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("unit_channels").await,
        2,
        "nothing written by the refusals"
    );

    // Unit B's path does not reach unit A's robot.
    let r = app
        .delete(&format!("/units/{}/channels/{ding}", w.b), &w.office)
        .await;
    r.assert_problem(StatusCode::NOT_FOUND);
    let r = app.delete(&format!("{units}/{ding}"), &w.office).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app.delete(&format!("{units}/{ding}"), &w.office).await;
    r.assert_problem(StatusCode::NOT_FOUND);
    let r = app.get(&units, &w.office).await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1, "{}", r.body);
}
storage_test!(robots_are_added_listed_without_secrets_and_removed);

async fn the_office_sees_where_an_items_messages_went(app: &TestApp) {
    let w = World::new(app).await;
    let r = app
        .post(
            &format!("/units/{}/channels", w.a),
            &w.office,
            json!({"kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "name": "民政群"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let a = w.task(app, "送达情况", 20, w.a, &[]).await[0];
    let r = app
        .get(&format!("/assignments/{a}/deliveries"), &w.office)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let items = r.body["items"].as_array().unwrap();
    let channels: Vec<&str> = items
        .iter()
        .map(|d| d["channel"].as_str().unwrap())
        .collect();
    assert!(
        channels.contains(&"email") && channels.contains(&"wecom"),
        "{}",
        r.body
    );
    let robot = items.iter().find(|d| d["channel"] == "wecom").unwrap();
    assert_eq!(robot["status"], "pending", "not dispatched yet: {robot}");
    assert!(
        robot["recipient"].as_str().unwrap().contains("民政群"),
        "{robot}"
    );
    assert!(robot["at"].is_string());
    let r = app
        .get(&format!("/assignments/{a}/deliveries"), &w.inspector)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app
        .get(&format!("/assignments/{a}/deliveries"), &w.staff_a)
        .await;
    r.assert_problem(StatusCode::FORBIDDEN);
    let r = app
        .get(&format!("/assignments/{a}/deliveries"), &w.staff_b)
        .await;
    r.assert_problem(StatusCode::NOT_FOUND);
    let r = app.get("/assignments/999999/deliveries", &w.office).await;
    r.assert_problem(StatusCode::NOT_FOUND);
}
storage_test!(the_office_sees_where_an_items_messages_went);
