//! Bad input of any kind on every route the OpenAPI document lists: never a
//! 5xx, always a problem document, for every role that may call it.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::TestApp;
use crate::storage_test;
use crate::workflow::World;

fn garbage_bodies() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = [
        json!({}),
        json!([]),
        json!(null),
        json!("text"),
        json!(12),
        json!({"name": 1, "kind": [], "title": {}, "due_on": "2026-13-45", "lead_unit_id": -1}),
        json!({"doc_no": null, "title": true, "issued_on": 20260101}),
        json!({"kind": "completion", "text": "x", "percent": -5}),
        json!({"decision": "maybe"}),
        json!({"approve": "yes"}),
        json!({"due_on": "0000-00-00", "reason": ""}),
        json!({"text": ""}),
        json!({"note": null}),
        json!({"version": "latest"}),
        json!({"username": "a", "password": "b", "roles": [1, 2]}),
        json!({"lead_unit_id": 9_223_372_036_854_775_807_i64, "title": "t", "due_on": "2026-03-01"}),
        json!({"title": "t", "due_on": "2026-03-01", "lead_unit_id": 1, "assist_unit_ids": [1, 1, 1]}),
        json!({"title": "\u{0000}\u{202e}", "due_on": "9999-12-31", "lead_unit_id": 1, "report_cron": "* * * * * * * *"}),
    ]
    .iter()
    .map(|j| serde_json::to_vec(j).unwrap())
    .collect();
    v.push(b"{\"a\":".to_vec());
    v.push(b"\xff\xfe\xfd".to_vec());
    v.push(b"{\"lead_unit_id\": 1e400}".to_vec());
    v.push(b"{\"percent\": 99999999999999999999999}".to_vec());
    v.push(format!("[{}]", "[".repeat(5000)).into_bytes());
    v
}

async fn no_input_makes_a_5xx(app: &TestApp) {
    let w = World::new(app).await;
    let a = w.in_state(app, "acknowledged").await;
    let doc = app
        .call(Method::GET, "/openapi.json", None, None)
        .await
        .body;
    let paths = doc["paths"].as_object().unwrap().clone();
    // The office reaches most handlers' bodies; staff and inspectors the rest.
    let tokens = [w.office.clone(), w.staff_a.clone(), w.inspector.clone()];
    let mut calls = 0;
    for (path, ops) in paths {
        let Some(rest) = path.strip_prefix("/api/v1") else {
            continue;
        };
        for id in [a.to_string(), "-1".into(), "99999999999999999999".into()] {
            let concrete = rest.replace("{id}", &id);
            for (method, _) in ops.as_object().unwrap() {
                let m = match method.as_str() {
                    "get" => Method::GET,
                    "post" => Method::POST,
                    "patch" => Method::PATCH,
                    "delete" => Method::DELETE,
                    _ => continue,
                };
                for tok in &tokens {
                    let bodies = if m == Method::GET || m == Method::DELETE {
                        vec![Vec::new()]
                    } else {
                        garbage_bodies()
                    };
                    for body in bodies {
                        for ctype in ["application/json", "text/plain"] {
                            let r = app
                                .raw(m.clone(), &concrete, Some(tok), ctype, body.clone())
                                .await;
                            calls += 1;
                            assert!(
                                r.status.as_u16() < 500,
                                "{m} {concrete} ({ctype}) answered {}: {}",
                                r.status,
                                String::from_utf8_lossy(&r.bytes)
                            );
                            if r.status.is_client_error() {
                                assert_eq!(
                                    r.content_type(),
                                    "application/problem+json",
                                    "{m} {concrete}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(calls > 1000, "{calls}");
    // And the queries of the lists.
    for q in [
        "page=-1",
        "per_page=abc",
        "status=%00",
        "due_from=2026-02-30",
        "unit_id=1e9",
        "sort=%27",
        "q=%25%25%25",
        "overdue=1",
        "min_days=-5",
        "level=x",
        "within_days=99999999999",
    ] {
        for path in [
            "/assignments",
            "/supervision/overdue",
            "/supervision/at-risk",
            "/stats/units",
            "/units",
            "/users",
            "/plans",
            "/notifications",
        ] {
            let r = app.get(&format!("{path}?{q}"), &w.inspector).await;
            assert!(
                r.status.as_u16() < 500,
                "{path}?{q}: {} {}",
                r.status,
                r.body
            );
        }
    }
    assert_eq!(
        app.get("/assignments", &w.inspector).await.status,
        StatusCode::OK
    );
}
storage_test!(no_input_makes_a_5xx);
