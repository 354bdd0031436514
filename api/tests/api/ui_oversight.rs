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

/// Ids linked by `prefix` (e.g. "/assessment/units/"), in page order.
fn linked(html: &str, prefix: &str) -> Vec<i64> {
    html.split(&format!("href=\"{prefix}"))
        .skip(1)
        .filter_map(|s| {
            s.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .ok()
        })
        .collect()
}

async fn the_assessment_pages_show_what_the_api_shows(app: &TestApp) {
    let w = World::new(app).await;
    let done = w.task(app, "A按期办结", 10, w.a, &[]).await[0];
    let late = w.task(app, "B逾期未办", -30, w.b, &[w.a]).await;
    app.post(
        &format!("/assignments/{done}/acknowledge"),
        &w.staff_a,
        json!({}),
    )
    .await;
    app.post(
        &format!("/assignments/{done}/reports"),
        &w.staff_a,
        json!({"kind": "completion", "text": "已完成"}),
    )
    .await;
    app.post(
        &format!("/assignments/{done}/review"),
        &w.office,
        json!({"decision": "approve"}),
    )
    .await;
    for _ in 0..3 {
        app.post(
            &format!("/assignments/{}/escalate", late[0]),
            &w.inspector,
            json!({"note": "挂牌督办"}),
        )
        .await;
    }
    let silent = app.unit("市交通局", "department").await;
    let (mut br, _) = signed_in(app, "leader").await;
    let today = crate::workflow::today();
    let year = chrono::Datelike::year(&today);
    for (q, api_q) in [
        (String::new(), String::new()),
        (
            format!("?plan_id={}", w.plan),
            format!("?plan_id={}", w.plan),
        ),
        (
            format!("?period={year}"),
            format!("?from={year}-01-01&to={year}-12-31"),
        ),
        (
            format!(
                "?from={}&to={}",
                crate::workflow::day(0),
                crate::workflow::day(20)
            ),
            format!(
                "?from={}&to={}",
                crate::workflow::day(0),
                crate::workflow::day(20)
            ),
        ),
    ] {
        let (s, html, _) = br.get(&format!("/assessment{q}")).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        let r = app.get(&format!("/stats/units{api_q}"), &w.leader).await;
        let api: Vec<i64> = r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["unit_id"].as_i64().unwrap())
            .collect();
        assert_eq!(
            linked(&html, "/assessment/units/"),
            api,
            "/assessment{q} against /stats/units{api_q}"
        );
        for u in r.body["items"].as_array().unwrap() {
            let score = u["score"].as_f64().unwrap();
            assert!(
                html.contains(&format!("<strong>{}</strong>", score + 0.0)),
                "{q}: score {score} of {}",
                u["unit_name"]
            );
        }
        if !api.is_empty() {
            assert!(
                html.contains("<svg") && html.contains("各单位得分"),
                "the ranking chart"
            );
        }
    }
    // The per-unit detail: every point the API names, and their sum is the score.
    for unit in [w.a, w.b] {
        let (s, html, _) = br.get(&format!("/assessment/units/{unit}")).await;
        assert_eq!(s, StatusCode::OK);
        let r = app.get(&format!("/stats/units/{unit}"), &w.leader).await;
        let points = r.body["points"].as_array().unwrap();
        assert!(!points.is_empty());
        let api: Vec<i64> = points
            .iter()
            .map(|p| p["assignment_id"].as_i64().unwrap())
            .collect();
        assert_eq!(linked_items(&html), api, "unit {unit}");
        for p in points {
            assert!(html.contains(p["rule_label"].as_str().unwrap()));
        }
        let sum: f64 = points.iter().map(|p| p["points"].as_f64().unwrap()).sum();
        assert!((sum - r.body["score"].as_f64().unwrap()).abs() < 1e-9);
    }
    // Exports: every unit in the directory's order, zeros included.
    let r = reqwest::Client::new()
        .get(format!("{}/assessment.csv", app.base))
        .header("cookie", br.cookie())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let text = String::from_utf8(r.bytes().await.unwrap()[3..].to_vec()).unwrap();
    let names: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(names, ["市民政局", "市财政局", "市交通局"], "{text}");
    assert!(
        text.lines()
            .nth(3)
            .unwrap()
            .starts_with(",市交通局,0,0,0,0,0"),
        "{text}"
    );
    let _ = silent;
    let r = reqwest::Client::new()
        .get(format!("{}/assessment.xlsx?period={year}", app.base))
        .header("cookie", br.cookie())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    // The printable 通报: the level-3 item and its unit, the overall figures.
    let (s, html, _) = br.get("/assessment/circular").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("督办工作通报")
            && html.contains("B逾期未办")
            && html.contains("市财政局（1 项）"),
        "{html}"
    );
    assert!(html.contains("承担督办事项 3 项"), "{html}");
    // Bad periods are said, not a 5xx.
    let (s, html, _) = br.get("/assessment?period=2026-Q9").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("无法识别的考核期间"));
    let (mut clerk, _) = signed_in(app, "staff_a").await;
    let (s, _, _) = clerk.get(&format!("/assessment/units/{}", w.b)).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a unit sees its own detail only");
}
storage_test!(the_assessment_pages_show_what_the_api_shows);

const NANTONG: &str = include_str!("../../data/nantong-2013-35.txt");

/// The `K` of the fix-in-place controls for an unmatched name.
fn unknown_key(html: &str, name: &str) -> String {
    let tail = format!("\" value=\"{name}\">");
    let at = html
        .find(&tail)
        .unwrap_or_else(|| panic!("{name} is not listed as unmatched"));
    html[..at]
        .rsplit("name=\"unknown.")
        .next()
        .unwrap()
        .to_owned()
}

async fn the_office_imports_a_notice_fixing_units_in_place(app: &TestApp) {
    let office = crate::import::office(app).await;
    let health = app.unit("市卫生健康委员会", "department").await;
    let civil = app.unit("市民政局", "department").await;
    let (mut br, csrf) = signed_in(app, "office").await;
    let (s, html, _) = br.get("/plans/import").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("通知全文") && html.contains("enctype=\"multipart/form-data\""));
    let origin = Some(app.base.as_str());
    let post = |step: &str| {
        vec![
            ("csrf".to_owned(), csrf.clone()),
            ("text".to_owned(), NANTONG.to_owned()),
            ("step".to_owned(), step.to_owned()),
        ]
    };
    let send = async |br: &mut crate::ui::Browser, form: Vec<(String, String)>| {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        br.post("/plans/import", &pairs, origin).await
    };
    let (s, html, _) = send(&mut br, post("preview")).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(
        html.contains("通政办发〔2013〕35号") && html.contains("共 22 项任务"),
        "{html}"
    );
    assert!(html.contains("<mark class=\"unmatched\">市卫生局</mark>") && html.contains("原文："));
    assert!(
        !html.contains("<mark class=\"unmatched\">市民政局</mark>"),
        "a unit in the directory matches"
    );
    assert_eq!(app.count("plans").await, 0, "a preview writes nothing");
    // 市卫生局 is the directory's 市卫生健康委员会: taught as its alias.
    let k = unknown_key(&html, "市卫生局");
    let mut form = post(&format!("alias:{k}"));
    form.push((format!("unknown.{k}"), "市卫生局".into()));
    form.push((format!("pick.{k}"), health.to_string()));
    let (s, html, _) = send(&mut br, form).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(
        html.contains("已将“市卫生局”设为“市卫生健康委员会”的简称"),
        "{html}"
    );
    assert!(!html.contains("<mark class=\"unmatched\">市卫生局</mark>"));
    let u = app.get(&format!("/units/{health}"), &app.admin_token).await;
    assert_eq!(u.body["aliases"], json!(["市卫生局"]));
    // 市财政局 is created; 市文广新局 is read as 市民政局 for this import only.
    let k = unknown_key(&html, "市财政局");
    let mut form = post(&format!("create:{k}"));
    form.push((format!("unknown.{k}"), "市财政局".into()));
    let (_, html, _) = send(&mut br, form).await;
    assert!(html.contains("已新建单位“市财政局”"), "{html}");
    let k = unknown_key(&html, "市文广新局");
    let mut form = post(&format!("pick:{k}"));
    form.push((format!("unknown.{k}"), "市文广新局".into()));
    form.push((format!("pick.{k}"), civil.to_string()));
    let (_, html, _) = send(&mut br, form).await;
    assert!(
        html.contains("value=\"市文广新局→市民政局\""),
        "the choice rides along: {html}"
    );
    // A bad date is the form's error; then save with a corrected date.
    let mut form = post("save");
    form.push(("rename".into(), "市文广新局→市民政局".into()));
    form.push(("due.0".into(), "明年".into()));
    let (s, html, _) = send(&mut br, form).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("第 1 项任务的完成时限须为日期"));
    assert_eq!(app.count("plans").await, 0);
    let mut form = post("save");
    form.push(("rename".into(), "市文广新局→市民政局".into()));
    form.push(("due.0".into(), "2013-11-30".into()));
    form.push(("create_units".into(), "1".into()));
    let (s, html, h) = send(&mut br, form.clone()).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let to = h.get("location").unwrap().to_str().unwrap().to_owned();
    let plan: i64 = to.trim_start_matches("/plans/").parse().unwrap();
    let p = app.get(&format!("/plans/{plan}"), &office).await;
    assert_eq!(p.body["status"], "draft");
    let tasks = p.body["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 22);
    assert_eq!(tasks[0]["due_on"], "2013-11-30");
    let units_of = |title_has: &str| -> Vec<i64> {
        tasks
            .iter()
            .filter(|t| t["title"].as_str().unwrap().contains(title_has))
            .flat_map(|t| {
                t["assignments"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a["unit_id"].as_i64().unwrap())
            })
            .collect()
    };
    assert!(units_of("医疗卫生").contains(&health), "the alias matched");
    let (s, html, _) = br.get(&to).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("交办（") && html.contains("通知已导入为草稿"),
        "{html}"
    );
    // The same notice again is refused on the preview, not a 5xx.
    let (s, html, _) = send(&mut br, form).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("请勿重复导入"), "{html}");
    // Nothing pasted: said on the form.
    let (s, html, _) = br
        .post(
            "/plans/import",
            &[("csrf", &csrf), ("text", "  "), ("step", "preview")],
            origin,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("请粘贴通知全文"));
    // Only the office imports.
    let (_, clerk) = app.user("clerk", "unit_staff", Some(civil)).await;
    let _ = clerk;
    let (mut c, _) = signed_in(app, "clerk").await;
    let (s, _, _) = c.get("/plans/import").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
storage_test!(the_office_imports_a_notice_fixing_units_in_place);

/// 管理: a unit created, moved, renamed, given aliases, an address and a
/// robot; an account created that can then sign in, its roles and unit
/// changed, its password reset, deactivated; the calendar's years; failed
/// messages retried.
async fn an_administrator_manages_units_accounts_and_the_outbox(app: &TestApp) {
    use duban_domain::entities::notification::{self, DeliveryStatus};
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let w = World::new(app).await;
    w.task(app, "承接政务便民服务", 10, w.a, &[]).await;
    app.user("root", "admin", None).await;
    let (mut br, csrf) = signed_in(app, "root").await;
    let origin = Some(app.base.as_str());
    let (s, html, _) = br.get("/admin").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("市民政局") && html.contains("工作日历") && html.contains("发送失败的消息")
    );
    // A unit under 市民政局.
    let (s, html, h) = br
        .post(
            "/admin/units",
            &[
                ("csrf", &csrf),
                ("name", "市民政局社会救助科"),
                ("kind", "department"),
                ("parent_id", &w.a.to_string()),
                ("aliases", "救助科、社救科"),
                ("email", ""),
            ],
            origin,
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let to = h.get("location").unwrap().to_str().unwrap().to_owned();
    let id: i64 = to.trim_start_matches("/admin/units/").parse().unwrap();
    let u = app.get(&format!("/units/{id}"), &app.admin_token).await;
    assert_eq!(
        (u.body["parent_id"].as_i64(), u.body["aliases"].clone()),
        (Some(w.a), json!(["救助科", "社救科"]))
    );
    let (_, html, _) = br.get("/admin").await;
    assert!(
        html.contains("class=\"title depth-1\"><a href=\"/admin/units/"),
        "the tree shows it under its parent"
    );
    // The same name twice is the form's error.
    let (s, html, _) = br
        .post(
            "/admin/units",
            &[
                ("csrf", &csrf),
                ("name", "市民政局社会救助科"),
                ("kind", "department"),
            ],
            origin,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    // Renamed, moved to the top, an address.
    let (s, _, _) = br
        .post(
            &to,
            &[
                ("csrf", &csrf),
                ("name", "市社会救助中心"),
                ("kind", "department"),
                ("parent_id", ""),
                ("aliases", "救助中心"),
                ("email", "jiuzhu@example.gov"),
            ],
            origin,
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let u = app.get(&format!("/units/{id}"), &app.admin_token).await;
    assert_eq!(u.body["name"], "市社会救助中心");
    assert_eq!(u.body["parent_id"], serde_json::Value::Null);
    assert_eq!(u.body["email"], "jiuzhu@example.gov");
    // A robot, shown masked, then removed.
    let (s, html, _) = br
        .post(
            &format!("{to}/channels"),
            &[
                ("csrf", &csrf),
                ("robot_kind", "dingtalk"),
                ("robot_name", "救助中心工作群"),
                (
                    "robot_url",
                    "https://oapi.dingtalk.com/robot/send?access_token=abcdef123456",
                ),
                ("robot_secret", "SECabc"),
            ],
            origin,
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let (_, html, _) = br.get(&to).await;
    assert!(
        html.contains("救助中心工作群") && html.contains("钉钉") && !html.contains("abcdef123456"),
        "{html}"
    );
    let r = app
        .get(&format!("/units/{id}/channels"), &app.admin_token)
        .await;
    let robot = r.body["items"][0]["id"]
        .as_i64()
        .or(r.body[0]["id"].as_i64())
        .expect("a robot");
    let (s, html, _) = br
        .post(
            &format!("{to}/channels"),
            &[
                ("csrf", &csrf),
                ("robot_kind", "wecom"),
                ("robot_url", "ftp://x"),
            ],
            origin,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Webhook 地址须以"), "{html}");
    let (s, _, _) = br
        .post(
            &format!("{to}/channels/{robot}/delete"),
            &[("csrf", &csrf)],
            origin,
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html, _) = br.get(&to).await;
    assert!(html.contains("尚未添加群机器人"));
    // An account who can then sign in (changing the password an admin set).
    let (s, html, h) = br
        .post(
            "/admin/users",
            &[
                ("csrf", &csrf),
                ("username", "jiuzhu"),
                ("display_name", "救助中心陈科员"),
                ("email", ""),
                ("unit_id", &id.to_string()),
                ("password", "Start-pass-123"),
                ("role.unit_staff", "1"),
            ],
            origin,
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    let user_to = h.get("location").unwrap().to_str().unwrap().to_owned();
    let r = app.try_login("jiuzhu", "Start-pass-123").await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "the new account signs in: {}",
        r.body
    );
    // A unit role without a unit is the form's error.
    let (s, html, _) = br
        .post(
            "/admin/users",
            &[
                ("csrf", &csrf),
                ("username", "nounit"),
                ("password", "Start-pass-123"),
                ("role.unit_staff", "1"),
            ],
            origin,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("必须属于一个单位"), "{html}");
    // Roles, then a reset password, then deactivated.
    let (s, _, _) = br
        .post(
            &user_to,
            &[
                ("csrf", &csrf),
                ("display_name", "救助中心陈主任"),
                ("unit_id", &id.to_string()),
                ("role.unit_head", "1"),
                ("active", "1"),
                ("password", "Reset-pass-456"),
            ],
            origin,
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let uid: i64 = user_to.trim_start_matches("/admin/users/").parse().unwrap();
    let u = app.get(&format!("/users/{uid}"), &app.admin_token).await;
    assert_eq!(
        (u.body["display_name"].clone(), u.body["roles"].clone()),
        (json!("救助中心陈主任"), json!(["unit_head"]))
    );
    assert_eq!(
        app.try_login("jiuzhu", "Start-pass-123").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.try_login("jiuzhu", "Reset-pass-456").await.status,
        StatusCode::OK
    );
    let (s, _, _) = br
        .post(
            &user_to,
            &[
                ("csrf", &csrf),
                ("display_name", "救助中心陈主任"),
                ("unit_id", &id.to_string()),
                ("role.unit_head", "1"),
            ],
            origin,
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_ne!(
        app.try_login("jiuzhu", "Reset-pass-456").await.status,
        StatusCode::OK,
        "deactivated"
    );
    // Failed messages are listed with their error and retried.
    notification::Entity::update_many()
        .col_expr(
            notification::Column::Status,
            Expr::value(DeliveryStatus::Failed),
        )
        .col_expr(
            notification::Column::LastError,
            Expr::value("550 mailbox unavailable"),
        )
        .filter(
            notification::Column::Channel.eq(duban_domain::entities::notification::Channel::Email),
        )
        .exec(app.db.conn())
        .await
        .unwrap();
    let failed: Vec<i64> = notification::Entity::find()
        .filter(notification::Column::Status.eq(DeliveryStatus::Failed))
        .all(app.db.conn())
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.id)
        .collect();
    assert!(!failed.is_empty());
    let (_, html, _) = br.get("/admin").await;
    assert!(html.contains("550 mailbox unavailable"), "{html}");
    let first = failed[0].to_string();
    let (s, _, h) = br
        .post(
            "/admin/outbox/retry",
            &[("csrf", &csrf), ("ids", &first)],
            origin,
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(h.get("location").unwrap(), "/admin#outbox");
    let n = notification::Entity::find_by_id(failed[0])
        .one(app.db.conn())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        n.status,
        DeliveryStatus::Pending,
        "the ticked message is queued again"
    );
    if failed.len() > 1 {
        let m = notification::Entity::find_by_id(failed[1])
            .one(app.db.conn())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(m.status, DeliveryStatus::Failed, "only what was ticked");
    }
    // Nobody else manages.
    let (mut office, ocsrf) = signed_in(app, "office").await;
    let (s, _, _) = office.get("/admin").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = office
        .post(
            "/admin/units",
            &[
                ("csrf", &ocsrf),
                ("name", "越权单位"),
                ("kind", "department"),
            ],
            origin,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
storage_test!(an_administrator_manages_units_accounts_and_the_outbox);

/// A plan's indicators: each unit's target and latest actual, as the API
/// reports them, and the 指标分解表 workbook.
async fn the_indicator_page_shows_what_the_api_shows(app: &TestApp) {
    let w = World::new(app).await;
    let r = app
        .post(
            &format!("/plans/{}/tasks", w.plan),
            &w.office,
            json!({"title": "建设综合服务站", "due_on": crate::workflow::day(30), "lead_unit_id": w.a, "assist_unit_ids": [w.b],
                   "indicators": [{"name": "服务站覆盖率", "target": "90", "unit": "%", "kind": "binding"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let indicator = r.body["indicators"][0]["id"].as_i64().unwrap();
    let a_item = r.body["assignments"][0]["id"].as_i64().unwrap();
    app.post(&format!("/plans/{}/issue", w.plan), &w.office, json!({}))
        .await;
    app.post(
        &format!("/assignments/{a_item}/acknowledge"),
        &w.staff_a,
        json!({}),
    )
    .await;
    let r = app
        .post(
            &format!("/assignments/{a_item}/reports"),
            &w.staff_a,
            json!({"kind": "progress", "text": "推进中", "indicator_values": [{"indicator_id": indicator, "value": "93"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let (mut br, _) = signed_in(app, "inspector").await;
    let (s, html, _) = br.get(&format!("/plans/{}", w.plan)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("指标完成情况"));
    let (s, html, _) = br.get(&format!("/plans/{}/indicators", w.plan)).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    let api = app
        .get(
            &format!("/stats/indicators?plan_id={}", w.plan),
            &w.inspector,
        )
        .await;
    let items = api.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    for u in items[0]["units"].as_array().unwrap() {
        let name = u["unit_name"].as_str().unwrap();
        let shown = match u["actual"].as_str() {
            Some(a) => format!("{a}%"),
            None => "未报".to_owned(),
        };
        let row = html
            .split(&format!("class=\"title\">{name}</td>"))
            .nth(1)
            .unwrap_or_else(|| panic!("{name} row"));
        let row = row.split("</tr>").next().unwrap();
        assert!(row.contains(&shown), "{name}: {shown} in {row}");
        assert_eq!(
            row.contains(">达标<"),
            u["met"] == true,
            "{name} met: {row}"
        );
    }
    assert!(
        html.contains("已报 1 个，达标 1 个") && html.contains("约束性"),
        "{html}"
    );
    let r = reqwest::Client::new()
        .get(format!("{}/plans/{}/indicators.xlsx", app.base, w.plan))
        .header("cookie", br.cookie())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    let (mut clerk, _) = signed_in(app, "staff_a").await;
    let (s, _, _) = clerk.get(&format!("/plans/{}/indicators", w.plan)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = clerk
        .get(&format!("/plans/{}/indicators.xlsx", w.plan))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
storage_test!(the_indicator_page_shows_what_the_api_shows);
