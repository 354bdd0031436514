//! Every workflow endpoint x every role x own / other unit: who may, who is
//! refused (403), and who is told the object does not exist (404).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::storage_test;
use crate::workflow::{World, day};

/// The callers, in the order of each expectation row.
const WHO: [&str; 8] = [
    "admin",
    "office",
    "staff_a",
    "head_a",
    "staff_b",
    "head_b",
    "inspector",
    "leader",
];

fn token<'a>(app: &'a TestApp, w: &'a World, who: &str) -> &'a str {
    match who {
        "admin" => &app.admin_token,
        "office" => &w.office,
        "staff_a" => &w.staff_a,
        "head_a" => &w.head_a,
        "staff_b" => &w.staff_b,
        "head_b" => &w.head_b,
        "inspector" => &w.inspector,
        _ => &w.leader,
    }
}

/// What an endpoint needs before it is called: an assignment of unit A in a state.
#[derive(Clone, Copy)]
enum Needs {
    Nothing,
    Assignment(&'static str),
    Extension,
    Report,
    Attachment,
    /// A robot of unit A, added by the admin.
    Channel,
}

struct Case {
    name: &'static str,
    method: Method,
    /// `{u}` stands for unit A, `{c}` its robot, `{a}` for the assignment, `{x}` the extension request, `{r}` the report, `{f}` the file, `{p}` the plan.
    path: &'static str,
    body: Value,
    needs: Needs,
    expect: [u16; 8],
}

async fn every_endpoint_for_every_role(app: &TestApp) {
    let w = World::new(app).await;
    w.task(app, "底账", 30, w.a, &[]).await;
    let cases = vec![
        Case {
            name: "list assignments",
            method: Method::GET,
            path: "/assignments",
            body: Value::Null,
            needs: Needs::Nothing,
            expect: [403, 200, 200, 200, 200, 200, 200, 200],
        },
        Case {
            name: "get assignment",
            method: Method::GET,
            path: "/assignments/{a}",
            body: Value::Null,
            needs: Needs::Assignment("issued"),
            expect: [403, 200, 200, 200, 404, 404, 200, 200],
        },
        Case {
            name: "history",
            method: Method::GET,
            path: "/assignments/{a}/history",
            body: Value::Null,
            needs: Needs::Assignment("issued"),
            expect: [403, 200, 200, 200, 404, 404, 200, 200],
        },
        Case {
            name: "occurrences",
            method: Method::GET,
            path: "/assignments/{a}/occurrences",
            body: Value::Null,
            needs: Needs::Assignment("issued"),
            expect: [403, 200, 200, 200, 404, 404, 200, 200],
        },
        Case {
            name: "suspend",
            method: Method::POST,
            path: "/assignments/{a}/suspend",
            body: json!({"reason": "上级政策调整"}),
            needs: Needs::Assignment("issued"),
            expect: [403, 200, 403, 403, 404, 404, 403, 403],
        },
        Case {
            name: "delegate to a unit not below",
            method: Method::POST,
            path: "/assignments/{a}/delegate",
            body: json!({"unit_id": 999_999, "due_on": day(5)}),
            needs: Needs::Assignment("acknowledged"),
            expect: [403, 403, 422, 422, 404, 404, 403, 403],
        },
        Case {
            name: "acknowledge",
            method: Method::POST,
            path: "/assignments/{a}/acknowledge",
            body: json!({}),
            needs: Needs::Assignment("issued"),
            expect: [403, 403, 200, 200, 404, 404, 403, 403],
        },
        Case {
            name: "progress report",
            method: Method::POST,
            path: "/assignments/{a}/reports",
            body: json!({"kind": "progress", "text": "进展"}),
            needs: Needs::Assignment("acknowledged"),
            expect: [403, 403, 201, 201, 404, 404, 403, 403],
        },
        Case {
            name: "completion request",
            method: Method::POST,
            path: "/assignments/{a}/reports",
            body: json!({"kind": "completion", "text": "完成"}),
            needs: Needs::Assignment("in_progress"),
            expect: [403, 403, 201, 201, 404, 404, 403, 403],
        },
        Case {
            name: "review",
            method: Method::POST,
            path: "/assignments/{a}/review",
            body: json!({"decision": "approve"}),
            needs: Needs::Assignment("pending_review"),
            expect: [403, 200, 403, 403, 404, 404, 403, 403],
        },
        Case {
            name: "cancel",
            method: Method::POST,
            path: "/assignments/{a}/cancel",
            body: json!({"reason": "调整"}),
            needs: Needs::Assignment("issued"),
            expect: [403, 200, 403, 403, 404, 404, 403, 403],
        },
        Case {
            name: "request extension",
            method: Method::POST,
            path: "/assignments/{a}/extension-requests",
            body: json!({"due_on": day(45), "reason": "原因"}),
            needs: Needs::Assignment("acknowledged"),
            expect: [403, 403, 201, 201, 404, 404, 403, 403],
        },
        Case {
            name: "decide extension",
            method: Method::POST,
            path: "/extension-requests/{x}/decision",
            body: json!({"approve": true}),
            needs: Needs::Extension,
            expect: [403, 200, 403, 403, 404, 404, 403, 403],
        },
        Case {
            name: "comment",
            method: Method::POST,
            path: "/assignments/{a}/comments",
            body: json!({"text": "请加快进度"}),
            needs: Needs::Assignment("issued"),
            // A leader's comment is an instruction (领导批示).
            expect: [403, 201, 403, 403, 403, 403, 201, 201],
        },
        Case {
            name: "upload attachment",
            method: Method::POST,
            path: "/reports/{r}/attachments?filename=a.txt",
            body: Value::Null,
            needs: Needs::Report,
            expect: [403, 403, 201, 201, 404, 404, 403, 403],
        },
        Case {
            name: "download attachment",
            method: Method::GET,
            path: "/attachments/{f}",
            body: Value::Null,
            needs: Needs::Attachment,
            expect: [403, 200, 200, 200, 404, 404, 200, 200],
        },
        Case {
            name: "list plans",
            method: Method::GET,
            path: "/plans",
            body: Value::Null,
            needs: Needs::Nothing,
            expect: [403, 200, 200, 200, 200, 200, 200, 200],
        },
        Case {
            name: "get plan",
            method: Method::GET,
            path: "/plans/{p}",
            body: Value::Null,
            needs: Needs::Nothing,
            expect: [403, 200, 200, 200, 404, 404, 200, 200],
        },
        Case {
            name: "create plan",
            method: Method::POST,
            path: "/plans",
            body: json!({"doc_no": "X〔2026〕1号", "title": "t", "issued_on": day(0)}),
            needs: Needs::Nothing,
            expect: [403, 201, 403, 403, 403, 403, 403, 403],
        },
        Case {
            name: "add task",
            method: Method::POST,
            path: "/plans/{p}/tasks",
            body: json!({"title": "t", "due_on": day(9), "lead_unit_id": 0}),
            needs: Needs::Nothing,
            expect: [403, 201, 403, 403, 403, 403, 403, 403],
        },
        Case {
            name: "issue plan",
            method: Method::POST,
            path: "/plans/{p}/issue",
            body: json!({}),
            needs: Needs::Nothing,
            expect: [403, 200, 403, 403, 403, 403, 403, 403],
        },
        Case {
            name: "deliveries",
            method: Method::GET,
            path: "/assignments/{a}/deliveries",
            body: Value::Null,
            needs: Needs::Assignment("issued"),
            expect: [403, 200, 403, 403, 404, 404, 200, 403],
        },
        Case {
            name: "add robot",
            method: Method::POST,
            path: "/units/{u}/channels",
            body: json!({"kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}),
            needs: Needs::Nothing,
            expect: [201, 201, 403, 403, 403, 403, 403, 403],
        },
        Case {
            name: "list robots",
            method: Method::GET,
            path: "/units/{u}/channels",
            body: Value::Null,
            needs: Needs::Nothing,
            expect: [200, 200, 403, 403, 403, 403, 403, 403],
        },
        Case {
            name: "remove robot",
            method: Method::DELETE,
            path: "/units/{u}/channels/{c}",
            body: Value::Null,
            needs: Needs::Channel,
            expect: [204, 204, 403, 403, 403, 403, 403, 403],
        },
        Case {
            name: "notifications",
            method: Method::GET,
            path: "/notifications",
            body: Value::Null,
            needs: Needs::Nothing,
            expect: [200, 200, 200, 200, 200, 200, 200, 200],
        },
    ];
    for case in &cases {
        for (i, who) in WHO.iter().enumerate() {
            // Fresh objects for every call, so one caller's success cannot change the next one's answer.
            let (mut a, mut x, mut r, mut f, mut c) = (0, 0, 0, 0, 0);
            match case.needs {
                Needs::Nothing => {}
                Needs::Channel => {
                    c = app
                        .post(
                            &format!("/units/{}/channels", w.a),
                            &app.admin_token,
                            json!({"kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=t", "secret": "SECx"}),
                        )
                        .await
                        .id();
                }
                Needs::Assignment(state) => a = w.in_state(app, state).await,
                Needs::Extension => {
                    a = w.in_state(app, "acknowledged").await;
                    x = app
                        .post(
                            &format!("/assignments/{a}/extension-requests"),
                            &w.staff_a,
                            json!({"due_on": day(50), "reason": "因"}),
                        )
                        .await
                        .id();
                }
                Needs::Report | Needs::Attachment => {
                    a = w.in_state(app, "acknowledged").await;
                    let rep = app
                        .post(
                            &format!("/assignments/{a}/reports"),
                            &w.staff_a,
                            json!({"kind": "progress", "text": "附件"}),
                        )
                        .await;
                    r = rep.body["report"]["id"].as_i64().unwrap();
                    if matches!(case.needs, Needs::Attachment) {
                        f = app
                            .raw(
                                Method::POST,
                                &format!("/reports/{r}/attachments?filename=t.txt"),
                                Some(&w.staff_a),
                                "text/plain",
                                "台账".as_bytes().to_vec(),
                            )
                            .await
                            .id();
                    }
                }
            }
            let path = case
                .path
                .replace("{a}", &a.to_string())
                .replace("{x}", &x.to_string())
                .replace("{r}", &r.to_string())
                .replace("{f}", &f.to_string())
                .replace("{p}", &w.plan.to_string())
                .replace("{u}", &w.a.to_string())
                .replace("{c}", &c.to_string());
            let mut body = case.body.clone();
            if case.name == "add task" {
                body["lead_unit_id"] = json!(w.a);
            }
            let tok = token(app, &w, who);
            let resp = if matches!(case.needs, Needs::Report) {
                app.raw(
                    case.method.clone(),
                    &path,
                    Some(tok),
                    "text/plain",
                    "附件内容".as_bytes().to_vec(),
                )
                .await
            } else {
                app.call(
                    case.method.clone(),
                    &path,
                    Some(tok),
                    (!body.is_null()).then_some(body),
                )
                .await
            };
            assert_eq!(
                resp.status.as_u16(),
                case.expect[i],
                "{} as {who}: {}",
                case.name,
                resp.body
            );
            if resp.status.is_client_error() {
                resp.assert_problem(resp.status);
            }
        }
    }
    // Scoping of lists: staff see their own unit's items only, and never drafts.
    let draft_plan = app
        .post(
            "/plans",
            &w.office,
            json!({"doc_no": "D〔2026〕2号", "title": "草稿", "issued_on": day(0)}),
        )
        .await
        .id();
    app.post(
        &format!("/plans/{draft_plan}/tasks"),
        &w.office,
        json!({"title": "草稿事项", "due_on": day(9), "lead_unit_id": w.a}),
    )
    .await;
    let mine = app.get("/assignments?per_page=200", &w.staff_a).await;
    assert!(
        mine.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["unit_id"] == w.a && x["status"] != "draft")
    );
    assert_eq!(app.get("/assignments", &w.staff_b).await.body["total"], 0);
    app.get(&format!("/plans/{draft_plan}"), &w.staff_a)
        .await
        .assert_problem(StatusCode::NOT_FOUND);
    let plans = app.get("/plans", &w.staff_b).await;
    assert_eq!(plans.body["total"], 0, "unit B has nothing issued to it");
}
storage_test!(every_endpoint_for_every_role);
