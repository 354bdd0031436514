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

/// Values at the edges of every type a client may send.
const EXTREMES: [&str; 12] = [
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "100000000",
    "-100000000",
    "%2B262142-12-31",
    "-262143-01-01",
    "9999-12-31",
    "0",
    "%00",
    "1e308",
    "NaN",
];

/// Every query parameter of every GET route the OpenAPI document lists,
/// with each extreme value, and every route's path ids too: each request
/// gets an answer (a dropped connection fails the test) and it is not a
/// 5xx; a refusal is a problem document.
async fn extreme_values_get_an_answer_on_every_route(app: &TestApp) {
    let w = World::new(app).await;
    let a = w.in_state(app, "acknowledged").await;
    let doc = app
        .call(Method::GET, "/openapi.json", None, None)
        .await
        .body;
    let mut calls = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        let Some(rest) = path.strip_prefix("/api/v1") else {
            continue;
        };
        let Some(get) = ops.get("get") else {
            continue;
        };
        let params: Vec<(String, String)> = get["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                (
                    p["name"].as_str().unwrap_or_default().to_owned(),
                    p["in"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let fill = |value: &str| -> String {
            let mut concrete = rest.to_owned();
            for (name, place) in &params {
                if place == "path" {
                    concrete = concrete.replace(&format!("{{{name}}}"), value);
                }
            }
            concrete.replace("{id}", value)
        };
        let mut urls: Vec<String> = EXTREMES.iter().map(|v| fill(v)).collect();
        let base = fill(&a.to_string());
        for (name, place) in &params {
            if place != "query" {
                continue;
            }
            for v in EXTREMES {
                urls.push(format!("{base}?{name}={v}"));
            }
        }
        for url in urls {
            for tok in [&w.office, &w.inspector, &w.staff_a] {
                let r = app.get(&url, tok).await;
                calls += 1;
                assert!(
                    r.status.as_u16() < 500,
                    "GET {url} answered {}: {}",
                    r.status,
                    r.body
                );
                if r.status.is_client_error() {
                    r.assert_problem(r.status);
                }
            }
        }
    }
    assert!(calls > 500, "{calls}");
    assert_eq!(
        app.get("/assignments", &w.inspector).await.status,
        StatusCode::OK
    );
}
storage_test!(extreme_values_get_an_answer_on_every_route);

/// Every date a client sends lies in one range: a far-future extension is
/// refused (it once sorted first as overdue on SQLite while its page said
/// not overdue), as are far dates on tasks, plans and filters.
async fn dates_out_of_range_are_refused_and_write_nothing(app: &TestApp) {
    let w = World::new(app).await;
    let a = w.in_state(app, "acknowledged").await;
    let before = app.count("extension_requests").await;
    for far in ["+262142-12-31", "-0001-01-01", "2200-01-01", "1899-12-31"] {
        let r = app
            .post(
                &format!("/assignments/{a}/extension-requests"),
                &w.staff_a,
                json!({"due_on": far, "reason": "远期"}),
            )
            .await;
        r.assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.to_string().contains("2199-12-31"),
            "{far}: {}",
            r.body
        );
        let r = app
            .post(
                &format!("/plans/{}/tasks", w.plan),
                &w.office,
                json!({"title": "远期", "due_on": far, "lead_unit_id": w.a, "allow_past_due": true}),
            )
            .await;
        r.assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
        let r = app
            .get(&format!("/assignments?due_from={far}"), &w.office)
            .await;
        assert!(r.status.is_client_error(), "{far}: {}", r.status);
    }
    assert_eq!(app.count("extension_requests").await, before);
    let r = app
        .post(
            &format!("/assignments/{a}/extension-requests"),
            &w.staff_a,
            json!({"due_on": "2199-12-31", "reason": "边界之内"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}
storage_test!(dates_out_of_range_are_refused_and_write_nothing);

/// NUL in any text a client sends is a 422 on both stores (PostgreSQL
/// refuses it in text), and nothing is written.
async fn nul_in_text_is_refused_everywhere(app: &TestApp) {
    let w = World::new(app).await;
    let a = w.in_state(app, "acknowledged").await;
    let tables = ["comments", "reports", "extension_requests", "audit_events"];
    let mut before = Vec::new();
    for t in tables {
        before.push(app.count(t).await);
    }
    let nul = "有\u{0}空";
    let calls = [
        (
            format!("/assignments/{a}/comments"),
            w.inspector.clone(),
            json!({"text": nul}),
        ),
        (
            format!("/assignments/{a}/reports"),
            w.staff_a.clone(),
            json!({"kind": "progress", "text": nul}),
        ),
        (
            format!("/assignments/{a}/extension-requests"),
            w.staff_a.clone(),
            json!({"due_on": "2026-12-31", "reason": nul}),
        ),
        (
            format!("/assignments/{a}/escalate"),
            w.inspector.clone(),
            json!({"note": nul}),
        ),
        (
            "/plans".to_owned(),
            w.office.clone(),
            json!({"doc_no": nul, "title": "t", "issued_on": "2026-03-01"}),
        ),
    ];
    for (path, tok, body) in calls {
        let r = app.post(&path, &tok, body).await;
        r.assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.to_string().contains("NUL"), "{path}: {}", r.body);
    }
    let r = app
        .call(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"username": "ad\u{0}min", "password": "x"})),
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    r.assert_problem(r.status);
    for q in ["q=%00", "q=a%00b", "status=%00"] {
        let r = app.get(&format!("/assignments?{q}"), &w.office).await;
        r.assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    }
    for (t, n) in tables.iter().zip(before) {
        assert_eq!(app.count(t).await, n, "{t}: nothing written");
    }
}
storage_test!(nul_in_text_is_refused_everywhere);

/// The store going away answers 503 with Retry-After (a client may try
/// again), not 500; the service answers again once it is back. PostgreSQL:
/// the test closes its database to connections and ends every session.
/// (SQLite is a file in the process: it cannot be taken away this way, so
/// this test has no SQLite variant.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_answers_503_with_retry_after() {
    use sea_orm::{ConnectionTrait, Database};
    let Some(app) = TestApp::spawn_with(crate::helpers::Store::Postgres, &[]).await else {
        return; // DUBAN_TEST_DATABASE_URL unset; CI always sets it.
    };
    let app = &app;
    let w = World::new(app).await;
    assert_eq!(
        app.get("/assignments", &w.office).await.status,
        StatusCode::OK
    );
    let url = &app.settings.database.url;
    let name = url
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let admin = Database::connect(std::env::var("DUBAN_TEST_DATABASE_URL").unwrap())
        .await
        .unwrap();
    let sql = async |s: String| {
        if let Err(e) = admin.execute_unprepared(&s).await {
            panic!("{s}: {e}");
        }
    };
    sql(format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false")).await;
    sql(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    ))
    .await;
    let r = app.get("/assignments", &w.office).await;
    let down = r.status;
    let retry = r.headers.get("retry-after").cloned();
    sql(format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true")).await;
    assert_eq!(down, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    r.assert_problem(StatusCode::SERVICE_UNAVAILABLE);
    assert!(retry.is_some(), "Retry-After");
    let mut ok = false;
    for _ in 0..20 {
        if app.get("/assignments", &w.office).await.status == StatusCode::OK {
            ok = true;
            break;
        }
    }
    assert!(ok, "answers again once the database is back");
}

/// A client that sends its body too slowly is cut off with a 408 problem
/// (here after one second) instead of holding a worker.
async fn a_slow_body_is_cut_off(app: &TestApp) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
    s.write_all(
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user",
    )
    .await
    .unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        s.read_to_end(&mut answer),
    )
    .await;
    assert!(read.is_ok(), "no answer: the slow body was never cut off");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("application/problem+json"), "{text}");
}
storage_test!(
    a_slow_body_is_cut_off,
    &[("DUBAN__SERVER__BODY_TIMEOUT_SECS", "1")]
);
