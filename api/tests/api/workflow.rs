use chrono::{Duration, NaiveDate};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, t0};
use crate::storage_test;

/// A little world: the office, two units with staff and heads, an inspector and a leader.
pub struct World {
    pub a: i64,
    pub b: i64,
    pub office: String,
    pub staff_a: String,
    pub head_a: String,
    pub staff_b: String,
    pub head_b: String,
    pub inspector: String,
    pub leader: String,
    pub plan: i64,
}

pub fn today() -> NaiveDate {
    // T0 is 09:00 in Beijing.
    (t0() + Duration::hours(8)).date_naive()
}

pub fn day(offset: i64) -> String {
    (today() + Duration::days(offset)).to_string()
}

impl World {
    pub async fn new(app: &TestApp) -> World {
        let office_unit = app.unit("市政府办公室", "office").await;
        let a = app.unit("市民政局", "department").await;
        let b = app.unit("市财政局", "department").await;
        let office = app.user("office", "office", Some(office_unit)).await.1;
        let staff_a = app.user("staff_a", "unit_staff", Some(a)).await.1;
        let head_a = app.user("head_a", "unit_head", Some(a)).await.1;
        let staff_b = app.user("staff_b", "unit_staff", Some(b)).await.1;
        let head_b = app.user("head_b", "unit_head", Some(b)).await.1;
        let inspector = app
            .user("inspector", "inspector", Some(office_unit))
            .await
            .1;
        let leader = app.user("leader", "leader", None).await.1;
        let r = app
            .post("/plans", &office, json!({"doc_no": "通政办发〔2026〕35号", "title": "2026年重点工作责任分解", "issued_on": day(-10)}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let plan = r.id();
        World {
            a,
            b,
            office,
            staff_a,
            head_a,
            staff_b,
            head_b,
            inspector,
            leader,
            plan,
        }
    }

    /// Adds a task led by unit `lead` (assisted by `assist`), issues it, answers the assignment ids.
    pub async fn task(
        &self,
        app: &TestApp,
        title: &str,
        due: i64,
        lead: i64,
        assist: &[i64],
    ) -> Vec<i64> {
        let r = app
            .post(
                &format!("/plans/{}/tasks", self.plan),
                &self.office,
                json!({"title": title, "due_on": day(due), "lead_unit_id": lead, "assist_unit_ids": assist, "allow_past_due": due < 0}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let ids: Vec<i64> = r.body["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_i64().unwrap())
            .collect();
        let r = app
            .post(
                &format!("/plans/{}/issue", self.plan),
                &self.office,
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        ids
    }

    /// One issued assignment of unit A, moved on to `state`.
    pub async fn in_state(&self, app: &TestApp, state: &str) -> i64 {
        let id = self
            .task(app, &format!("事项-{state}"), 30, self.a, &[])
            .await[0];
        let steps: &[(&str, Value)] = match state {
            "issued" => &[],
            "acknowledged" => &[("acknowledge", Value::Null)],
            "in_progress" => &[
                ("acknowledge", Value::Null),
                ("reports", json!({"kind": "progress", "text": "推进中"})),
            ],
            "pending_review" => &[
                ("acknowledge", Value::Null),
                ("reports", json!({"kind": "completion", "text": "已完成"})),
            ],
            _ => panic!("no recipe for {state}"),
        };
        for (path, body) in steps {
            let r = app
                .call(
                    Method::POST,
                    &format!("/assignments/{id}/{path}"),
                    Some(&self.staff_a),
                    (!body.is_null()).then(|| body.clone()),
                )
                .await;
            assert!(r.status.is_success(), "{path}: {}", r.body);
        }
        id
    }
}

async fn the_whole_lifecycle_with_its_history(app: &TestApp) {
    let w = World::new(app).await;
    let r = app
        .post(
            &format!("/plans/{}/tasks", w.plan),
            &w.office,
            json!({"title": "承接政务便民服务", "number": "(一)", "section": "一", "requirements": "每个城乡社区都建有综合服务站",
                   "due_on": day(30), "due_text": "年内", "lead_unit_id": w.a, "assist_unit_ids": [w.b],
                   "report_cron": "0 9 25 * *",
                   "indicators": [{"name": "城市社区“一站式”服务率", "target": "85", "unit": "%", "kind": "binding"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let asg = r.body["assignments"].as_array().unwrap().clone();
    assert_eq!(asg.len(), 2);
    assert!(asg.iter().all(|a| a["status"] == "draft"));
    assert_eq!(asg[0]["role"], "lead");
    assert_eq!(asg[1]["role"], "assist");
    let indicator = r.body["indicators"][0]["id"].as_i64().unwrap();
    let (a_id, b_id) = (
        asg[0]["id"].as_i64().unwrap(),
        asg[1]["id"].as_i64().unwrap(),
    );

    // Units see nothing before the plan is issued.
    assert_eq!(app.get("/assignments", &w.staff_a).await.body["total"], 0);
    app.get(&format!("/assignments/{a_id}"), &w.staff_a)
        .await
        .assert_problem(StatusCode::NOT_FOUND);
    let r = app
        .post(&format!("/plans/{}/issue", w.plan), &w.office, json!({}))
        .await;
    assert_eq!(r.body["issued"], 2);
    app.post(&format!("/plans/{}/issue", w.plan), &w.office, json!({}))
        .await
        .assert_problem(StatusCode::CONFLICT);

    let r = app.get(&format!("/assignments/{a_id}"), &w.staff_a).await;
    assert_eq!(r.body["status"], "issued");
    assert_eq!(r.body["status_label"], "已交办");
    assert_eq!(r.body["task_title"], "承接政务便民服务");
    assert_eq!(r.body["plan_doc_no"], "通政办发〔2026〕35号");
    assert_eq!(r.body["due_text"], "年内");
    assert_eq!(r.body["report_cron"], "0 9 25 * *");
    let v1 = r.body["version"].as_i64().unwrap();

    let r = app
        .post(
            &format!("/assignments/{a_id}/acknowledge"),
            &w.staff_a,
            json!({"version": v1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["status"], "acknowledged");
    assert!(r.body["acknowledged_at"].is_string());
    app.post(
        &format!("/assignments/{a_id}/acknowledge"),
        &w.staff_a,
        json!({}),
    )
    .await
    .assert_problem(StatusCode::CONFLICT);

    let r = app
        .post(
            &format!("/assignments/{a_id}/reports"),
            &w.staff_a,
            json!({"kind": "progress", "text": "已完成60%", "percent": 150}),
        )
        .await;
    r.assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["errors"][0]["field"], "percent");
    let r = app
        .post(
            &format!("/assignments/{a_id}/reports"),
            &w.staff_a,
            json!({"kind": "progress", "text": "已建成综合服务站12个", "percent": 60,
                   "indicator_values": [{"indicator_id": indicator, "value": "72"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["assignment"]["status"], "in_progress");
    assert_eq!(r.body["assignment"]["percent"], 60);
    app.post(
        &format!("/assignments/{a_id}/reports"),
        &w.staff_a,
        json!({"kind": "progress", "text": "x", "indicator_values": [{"indicator_id": 99999, "value": "1"}]}),
    )
    .await
    .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);

    app.post(
        &format!("/assignments/{a_id}/review"),
        &w.staff_a,
        json!({"decision": "approve"}),
    )
    .await
    .assert_problem(StatusCode::FORBIDDEN);
    app.post(
        &format!("/assignments/{a_id}/review"),
        &w.office,
        json!({"decision": "approve"}),
    )
    .await
    .assert_problem(StatusCode::CONFLICT);
    let r = app
        .post(
            &format!("/assignments/{a_id}/reports"),
            &w.head_a,
            json!({"kind": "completion", "text": "全部建成"}),
        )
        .await;
    assert_eq!(r.body["assignment"]["status"], "pending_review");
    assert_eq!(r.body["assignment"]["percent"], 100);
    let r = app
        .post(
            &format!("/assignments/{a_id}/review"),
            &w.office,
            json!({"decision": "return"}),
        )
        .await;
    r.assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.body["errors"][0]["field"], "comment",
        "a return needs a reason"
    );
    let r = app
        .post(
            &format!("/assignments/{a_id}/review"),
            &w.office,
            json!({"decision": "return", "comment": "缺少佐证材料"}),
        )
        .await;
    assert_eq!(r.body["status"], "returned");
    assert_eq!(r.body["reviews"][0]["comment"], "缺少佐证材料");
    app.post(
        &format!("/assignments/{a_id}/reports"),
        &w.staff_a,
        json!({"kind": "completion", "text": "补充佐证材料"}),
    )
    .await;
    let r = app
        .post(
            &format!("/assignments/{a_id}/review"),
            &w.office,
            json!({"decision": "approve", "comment": "同意办结"}),
        )
        .await;
    assert_eq!(r.body["status"], "completed");
    assert!(r.body["completed_at"].is_string());
    app.post(
        &format!("/assignments/{a_id}/reports"),
        &w.staff_a,
        json!({"kind": "progress", "text": "x"}),
    )
    .await
    .assert_problem(StatusCode::CONFLICT);
    app.post(&format!("/assignments/{a_id}/cancel"), &w.office, json!({}))
        .await
        .assert_problem(StatusCode::CONFLICT);

    let r = app
        .get(&format!("/assignments/{a_id}/history"), &w.office)
        .await;
    let steps: Vec<(String, String)> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["actor_name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("create", "office"),
        ("issue", "office"),
        ("acknowledge", "staff_a"),
        ("report_progress", "staff_a"),
        ("request_completion", "head_a"),
        ("return", "office"),
        ("request_completion", "staff_a"),
        ("approve", "office"),
    ];
    assert_eq!(steps, expected.map(|(a, b)| (a.to_owned(), b.to_owned())));
    let events = r.body["items"].as_array().unwrap();
    assert_eq!(events[2]["before"]["status"], "issued");
    assert_eq!(events[2]["after"]["status"], "acknowledged");
    app.get(&format!("/assignments/{a_id}/history"), &w.staff_b)
        .await
        .assert_problem(StatusCode::NOT_FOUND);

    // The assisting unit's own life: an extension, approved.
    app.post(
        &format!("/assignments/{b_id}/acknowledge"),
        &w.staff_b,
        json!({}),
    )
    .await;
    let r = app
        .post(
            &format!("/assignments/{b_id}/extension-requests"),
            &w.staff_b,
            json!({"due_on": day(60), "reason": "资金尚未到位"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let ext = r.id();
    app.post(
        &format!("/extension-requests/{ext}/decision"),
        &w.staff_b,
        json!({"approve": true}),
    )
    .await
    .assert_problem(StatusCode::FORBIDDEN);
    app.post(
        &format!("/extension-requests/{ext}/decision"),
        &w.staff_a,
        json!({"approve": true}),
    )
    .await
    .assert_problem(StatusCode::NOT_FOUND);
    let r = app
        .post(
            &format!("/extension-requests/{ext}/decision"),
            &w.office,
            json!({"approve": true, "comment": "同意"}),
        )
        .await;
    assert_eq!(r.body["status"], "approved");
    let r = app.get(&format!("/assignments/{b_id}"), &w.staff_b).await;
    assert_eq!(r.body["due_on"], day(60));
    assert_eq!(r.body["extension_requests"][0]["status"], "approved");
    app.post(
        &format!("/extension-requests/{ext}/decision"),
        &w.office,
        json!({"approve": false, "comment": "重复审批"}),
    )
    .await
    .assert_problem(StatusCode::CONFLICT);

    // Everyone who had to be told was told, once.
    let n = app.get("/notifications", &w.staff_a).await;
    let kinds: Vec<&str> = n.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "assigned").count(),
        1,
        "{kinds:?}"
    );
    assert_eq!(
        kinds
            .iter()
            .filter(|k| matches!(**k, "returned" | "approved"))
            .count(),
        2,
        "{kinds:?}"
    );
    let office_n = app.get("/notifications", &w.office).await;
    let okinds: Vec<&str> = office_n.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        okinds
            .iter()
            .filter(|k| **k == "completion_requested")
            .count(),
        2
    );
    assert_eq!(
        okinds
            .iter()
            .filter(|k| **k == "extension_requested")
            .count(),
        1
    );
    let unread = n.body["unread"].as_u64().unwrap();
    let first = n.body["items"][0]["id"].as_i64().unwrap();
    assert_eq!(
        app.post(
            &format!("/notifications/{first}/read"),
            &w.staff_a,
            json!({})
        )
        .await
        .body["marked"],
        1
    );
    assert_eq!(
        app.get("/notifications", &w.staff_a).await.body["unread"]
            .as_u64()
            .unwrap(),
        unread - 1
    );
    app.post(
        &format!("/notifications/{first}/read"),
        &w.staff_b,
        json!({}),
    )
    .await
    .assert_problem(StatusCode::NOT_FOUND);
    app.post("/notifications/read-all", &w.staff_a, json!({}))
        .await;
    assert_eq!(
        app.get("/notifications?unread=true", &w.staff_a).await.body["total"],
        0
    );
}
storage_test!(the_whole_lifecycle_with_its_history);

async fn overdue_follows_the_clock_in_the_plans_zone(app: &TestApp) {
    let w = World::new(app).await;
    let id = w.task(app, "今天到期", 0, w.b, &[]).await[0];
    let path = format!("/assignments/{id}");
    let get = || app.get(&path, &w.inspector);
    assert_eq!(get().await.body["overdue"], false);
    // 23:59 Beijing on the due date: still on time.
    app.clock
        .set(t0() + Duration::hours(14) + Duration::minutes(59));
    assert_eq!(get().await.body["overdue"], false);
    assert_eq!(
        app.get("/assignments?overdue=true", &w.inspector)
            .await
            .body["total"],
        0
    );
    // Midnight: late.
    app.clock.advance(Duration::minutes(1));
    let r = get().await;
    // The first moment late is one calendar day past the due date.
    assert_eq!(
        (r.body["overdue"].as_bool(), r.body["days_overdue"].as_i64()),
        (Some(true), Some(1))
    );
    app.clock.advance(Duration::days(3));
    let r = app.get("/assignments?overdue=true", &w.inspector).await;
    assert_eq!(r.body["total"], 1);
    assert_eq!(r.body["items"][0]["days_overdue"], 4);
    assert_eq!(
        app.get("/assignments?overdue=false", &w.inspector)
            .await
            .body["total"],
        0
    );
    // Past the deadline an extension can no longer be asked.
    app.post(
        &format!("/assignments/{id}/acknowledge"),
        &w.staff_b,
        json!({}),
    )
    .await;
    app.post(
        &format!("/assignments/{id}/extension-requests"),
        &w.staff_b,
        json!({"due_on": day(30), "reason": "来不及"}),
    )
    .await
    .assert_problem(StatusCode::CONFLICT);
    // Finished work is never overdue.
    app.post(
        &format!("/assignments/{id}/reports"),
        &w.staff_b,
        json!({"kind": "completion", "text": "完成"}),
    )
    .await;
    assert_eq!(
        get().await.body["overdue"],
        true,
        "pending review still counts"
    );
    app.post(
        &format!("/assignments/{id}/review"),
        &w.office,
        json!({"decision": "approve"}),
    )
    .await;
    assert_eq!(get().await.body["overdue"], false);
    assert_eq!(
        app.get("/assignments?overdue=true", &w.inspector)
            .await
            .body["total"],
        0
    );
}
storage_test!(overdue_follows_the_clock_in_the_plans_zone);

async fn a_stale_version_is_a_conflict(app: &TestApp) {
    let w = World::new(app).await;
    let id = w.in_state(app, "issued").await;
    let v = app
        .get(&format!("/assignments/{id}"), &w.staff_a)
        .await
        .body["version"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/assignments/{id}/acknowledge"),
        &w.staff_a,
        json!({"version": v + 7}),
    )
    .await
    .assert_problem(StatusCode::CONFLICT);
    let r = app
        .post(
            &format!("/assignments/{id}/acknowledge"),
            &w.staff_a,
            json!({"version": v}),
        )
        .await;
    assert_eq!(r.body["version"], v + 1);
    app.post(
        &format!("/assignments/{id}/reports"),
        &w.staff_a,
        json!({"kind": "progress", "text": "x", "version": v}),
    )
    .await
    .assert_problem(StatusCode::CONFLICT);
    // Two clerks at once: exactly one wins.
    let id = w.in_state(app, "issued").await;
    let ack = format!("/assignments/{id}/acknowledge");
    let (r1, r2) = tokio::join!(
        app.post(&ack, &w.staff_a, json!({})),
        app.post(&ack, &w.head_a, json!({})),
    );
    let mut statuses = [r1.status.as_u16(), r2.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let hist = app
        .get(&format!("/assignments/{id}/history"), &w.office)
        .await;
    assert_eq!(
        hist.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "acknowledge")
            .count(),
        1
    );
}
storage_test!(a_stale_version_is_a_conflict);

async fn extension_requests_follow_their_rules(app: &TestApp) {
    let w = World::new(app).await;
    let id = w.in_state(app, "acknowledged").await;
    let path = format!("/assignments/{id}/extension-requests");
    app.post(&path, &w.staff_a, json!({"due_on": day(10), "reason": "x"}))
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    app.post(
        &path,
        &w.staff_a,
        json!({"due_on": day(40), "reason": "  "}),
    )
    .await
    .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    app.post(
        &path,
        &w.staff_a,
        json!({"due_on": "2026-02-30", "reason": "x"}),
    )
    .await
    .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    app.post(&path, &w.office, json!({"due_on": day(40), "reason": "x"}))
        .await
        .assert_problem(StatusCode::FORBIDDEN);
    app.post(&path, &w.staff_b, json!({"due_on": day(40), "reason": "x"}))
        .await
        .assert_problem(StatusCode::NOT_FOUND);
    let ext = app
        .post(
            &path,
            &w.staff_a,
            json!({"due_on": day(40), "reason": "施工受阻"}),
        )
        .await
        .id();
    app.post(
        &path,
        &w.staff_a,
        json!({"due_on": day(50), "reason": "再延"}),
    )
    .await
    .assert_problem(StatusCode::CONFLICT);
    let r = app
        .post(
            &format!("/extension-requests/{ext}/decision"),
            &w.office,
            json!({"approve": false, "comment": "不同意"}),
        )
        .await;
    assert_eq!(r.body["status"], "rejected");
    assert_eq!(
        app.get(&format!("/assignments/{id}"), &w.staff_a)
            .await
            .body["due_on"],
        day(30)
    );
    app.post(
        "/extension-requests/99999/decision",
        &w.office,
        json!({"approve": true}),
    )
    .await
    .assert_problem(StatusCode::NOT_FOUND);
    // After a decision, another request may be filed.
    assert_eq!(
        app.post(
            &path,
            &w.staff_a,
            json!({"due_on": day(35), "reason": "第二次"})
        )
        .await
        .status,
        StatusCode::CREATED
    );
    let hist = app
        .get(&format!("/assignments/{id}/history"), &w.office)
        .await;
    let actions: Vec<&str> = hist.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.ends_with(&["request_extension", "reject_extension", "request_extension"]),
        "{actions:?}"
    );
}
storage_test!(extension_requests_follow_their_rules);

async fn lists_filter_sort_search_and_page(app: &TestApp) {
    let w = World::new(app).await;
    w.task(app, "养老服务设施建设", 5, w.a, &[w.b]).await;
    w.task(app, "社区卫生服务站", 15, w.b, &[]).await;
    let late = w.task(app, "社区警务室", -2, w.a, &[]).await[0];
    app.post(
        &format!("/assignments/{late}/acknowledge"),
        &w.staff_a,
        json!({}),
    )
    .await;
    let all = app.get("/assignments", &w.office).await;
    assert_eq!(all.body["total"], 4);
    let dues: Vec<&str> = all.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["due_on"].as_str().unwrap())
        .collect();
    let mut sorted = dues.clone();
    sorted.sort();
    assert_eq!(dues, sorted, "due date ascending by default");
    let r = app
        .get("/assignments?sort=-due_on&per_page=1&page=2", &w.office)
        .await;
    assert_eq!(
        (
            r.body["items"].as_array().unwrap().len(),
            r.body["total"].as_u64()
        ),
        (1, Some(4))
    );
    assert_eq!(r.body["items"][0]["due_on"], day(5));
    let filters = [
        (format!("unit_id={}", w.b), 2),
        ("status=acknowledged".into(), 1),
        ("status=issued,acknowledged".into(), 4),
        ("role=assist".into(), 1),
        ("q=卫生".into(), 1),
        ("q=通政办发".into(), 4),
        (format!("due_from={}&due_to={}", day(0), day(10)), 2),
        ("overdue=true&escalation_level=0".into(), 1),
        (format!("plan_id={}", w.plan + 1), 0),
    ];
    for (query, expected) in filters {
        let r = app.get(&format!("/assignments?{query}"), &w.office).await;
        assert_eq!(r.body["total"], expected, "{query}");
    }
    // A unit's staff see their own, whatever they ask for.
    let mine = app
        .get(&format!("/assignments?unit_id={}", w.b), &w.staff_a)
        .await;
    assert_eq!(mine.body["total"], 0);
    assert_eq!(app.get("/assignments", &w.staff_a).await.body["total"], 2);
    for bad in [
        "status=done",
        "sort=title",
        "role=boss",
        "overdue=maybe",
        "due_from=2026-13-01",
        "per_page=0",
    ] {
        app.get(&format!("/assignments?{bad}"), &w.office)
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    }
}
storage_test!(lists_filter_sort_search_and_page);

async fn task_input_is_checked_and_nothing_is_half_written(app: &TestApp) {
    let w = World::new(app).await;
    let path = format!("/plans/{}/tasks", w.plan);
    let before = (app.count("tasks").await, app.count("assignments").await);
    let bad = [
        json!({"title": "t", "due_on": "2026-02-30", "lead_unit_id": w.a}),
        json!({"title": "t", "due_on": day(5), "lead_unit_id": 987654}),
        json!({"title": "t", "due_on": day(5), "lead_unit_id": w.a, "assist_unit_ids": [987654]}),
        json!({"title": "t", "due_on": day(5), "lead_unit_id": w.a, "assist_unit_ids": [w.a]}),
        json!({"title": " ", "due_on": day(5), "lead_unit_id": w.a}),
        json!({"title": "t", "due_on": day(5), "lead_unit_id": w.a, "report_cron": "every day"}),
        json!({"title": "t", "due_on": day(5), "lead_unit_id": w.a, "indicators": [{"name": "x", "target": "1", "kind": "hopeful"}]}),
        json!({"title": "t", "due_on": day(5)}),
        json!({"title": "t", "due_on": day(5), "lead_unit_id": "A"}),
    ];
    for body in bad {
        let r = app.post(&path, &w.office, body.clone()).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.body
        );
    }
    app.post(
        "/plans/99999/tasks",
        &w.office,
        json!({"title": "t", "due_on": day(5), "lead_unit_id": w.a}),
    )
    .await
    .assert_problem(StatusCode::NOT_FOUND);
    assert_eq!(
        (app.count("tasks").await, app.count("assignments").await),
        before
    );
    app.post(
        "/plans",
        &w.office,
        json!({"doc_no": "x", "title": "y", "issued_on": day(0), "timezone": "Mars/Base"}),
    )
    .await
    .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    // Per-unit due dates.
    let r = app
        .post(&path, &w.office, json!({"title": "分县完成", "due_on": day(20), "lead_unit_id": w.a, "assist_unit_ids": [w.b],
                                       "unit_due_on": {w.b.to_string(): day(25)}}))
        .await;
    assert_eq!(r.body["assignments"][1]["due_on"], day(25));
    let plan = app.get(&format!("/plans/{}", w.plan), &w.office).await;
    assert_eq!(plan.body["tasks"][0]["title"], "分县完成");
    assert_eq!(plan.body["status"], "draft");
}
storage_test!(task_input_is_checked_and_nothing_is_half_written);

async fn attachments_are_checked_and_kept_to_the_unit(app: &TestApp) {
    let w = World::new(app).await;
    let id = w.in_state(app, "acknowledged").await;
    let r = app
        .post(
            &format!("/assignments/{id}/reports"),
            &w.staff_a,
            json!({"kind": "progress", "text": "见附件"}),
        )
        .await;
    let report = r.body["report"]["id"].as_i64().unwrap();
    let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n".to_vec();
    let up = |token: &str, ct: &str, body: Vec<u8>, name: &str| {
        let url = format!("/reports/{report}/attachments?filename={name}");
        let token = token.to_owned();
        let ct = ct.to_owned();
        async move { app.raw(Method::POST, &url, Some(&token), &ct, body).await }
    };
    let r = up(
        &w.staff_a,
        "application/pdf",
        pdf.clone(),
        "%E5%8F%B0%E8%B4%A6.pdf",
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["filename"], "台账.pdf");
    let file = r.id();
    up(
        &w.staff_a,
        "application/pdf",
        b"MZ\x90\x00 not a pdf".to_vec(),
        "x.pdf",
    )
    .await
    .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    up(
        &w.staff_a,
        "application/x-msdownload",
        b"MZ".to_vec(),
        "x.exe",
    )
    .await
    .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    up(&w.staff_a, "application/pdf", Vec::new(), "x.pdf")
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    up(&w.staff_b, "application/pdf", pdf.clone(), "x.pdf")
        .await
        .assert_problem(StatusCode::NOT_FOUND);
    up(&w.inspector, "application/pdf", pdf.clone(), "x.pdf")
        .await
        .assert_problem(StatusCode::FORBIDDEN);
    let mut big = b"%PDF-".to_vec();
    big.resize(app.settings.storage.max_attachment_bytes + 1, b'x');
    up(&w.staff_a, "application/pdf", big, "big.pdf")
        .await
        .assert_problem(StatusCode::PAYLOAD_TOO_LARGE);
    // A browser's form: the field `file` names itself; the type is read
    // from the bytes, not from what the form claims.
    let form = |field: &str, name: &str, body: &[u8]| {
        let mut b = Vec::new();
        b.extend_from_slice(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n",
        );
        b.extend_from_slice(
            format!("--XyZ\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        b.extend_from_slice(body);
        b.extend_from_slice(b"\r\n--XyZ--\r\n");
        b
    };
    let url = format!("/reports/{report}/attachments");
    let ct = "multipart/form-data; boundary=XyZ";
    let r = app
        .raw(
            Method::POST,
            &url,
            Some(&w.staff_a),
            ct,
            form("file", "进展.txt", "第一季度完成80%".as_bytes()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["filename"], "进展.txt");
    assert!(
        r.body["content_type"]
            .as_str()
            .unwrap()
            .starts_with("text/plain"),
        "{}",
        r.body
    );
    app.raw(
        Method::POST,
        &url,
        Some(&w.staff_a),
        ct,
        form("other", "a.txt", b"abc"),
    )
    .await
    .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    app.raw(
        Method::POST,
        &url,
        Some(&w.staff_a),
        ct,
        form("file", "a.exe", b"MZ\x90\x00\x03"),
    )
    .await
    .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    app.raw(
        Method::POST,
        &url,
        Some(&w.staff_a),
        "application/pdf",
        pdf.clone(),
    )
    .await
    .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("attachments").await, 2);
    // Nothing refused is left on disk half-written.
    let incoming = app.settings.storage.attachments_dir.join("incoming");
    assert_eq!(std::fs::read_dir(&incoming).unwrap().count(), 0);
    for tok in [&w.staff_a, &w.head_a, &w.office, &w.inspector, &w.leader] {
        let r = app
            .call(
                Method::GET,
                &format!("/attachments/{file}"),
                Some(tok),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.bytes, pdf);
        assert_eq!(r.content_type(), "application/pdf");
        assert!(
            r.headers["content-disposition"]
                .to_str()
                .unwrap()
                .contains("UTF-8''")
        );
    }
    app.get(&format!("/attachments/{file}"), &w.staff_b)
        .await
        .assert_problem(StatusCode::NOT_FOUND);
    let d = app.get(&format!("/assignments/{id}"), &w.staff_a).await;
    assert_eq!(d.body["reports"][0]["attachments"][0]["id"], file);
}
storage_test!(attachments_are_checked_and_kept_to_the_unit);
