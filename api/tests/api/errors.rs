use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::TestApp;
use crate::storage_test;

async fn bad_input_gets_a_problem_and_writes_nothing(app: &TestApp) {
    let t = Some(app.admin_token.as_str());
    let units = app.count("units").await;
    let audit = app.count("audit_events").await;
    let cases: Vec<(&str, &str, Vec<u8>, StatusCode)> = vec![
        (
            "malformed JSON",
            "application/json",
            b"{not json".to_vec(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "truncated JSON",
            "application/json",
            b"{\"name\": \"x\"".to_vec(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "missing field",
            "application/json",
            br#"{"kind":"department"}"#.to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "wrong type",
            "application/json",
            br#"{"name":42,"kind":"department"}"#.to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "unknown kind",
            "application/json",
            br#"{"name":"x","kind":"ministry"}"#.to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "unknown field",
            "application/json",
            br#"{"name":"x","kind":"office","colour":"red"}"#.to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "empty name",
            "application/json",
            br#"{"name":"  ","kind":"office"}"#.to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "not JSON at all",
            "text/plain",
            b"name=x".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "invalid UTF-8",
            "application/json",
            b"{\"name\":\"\xff\xfe\",\"kind\":\"office\"}".to_vec(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "5 MB body",
            "application/json",
            {
                let mut b = b"{\"name\":\"".to_vec();
                b.extend(std::iter::repeat_n(b'x', 5 * 1024 * 1024));
                b.extend(b"\",\"kind\":\"office\"}");
                b
            },
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "empty body",
            "application/json",
            Vec::new(),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (what, ctype, body, status) in cases {
        let r = app.raw(Method::POST, "/units", t, ctype, body).await;
        assert_eq!(r.status, status, "{what}: {}", r.body);
        r.assert_problem(status);
    }
    let r = app
        .raw(
            Method::POST,
            "/units",
            t,
            "application/json",
            br#"{"kind":"department"}"#.to_vec(),
        )
        .await;
    assert!(
        r.body["detail"].as_str().unwrap().contains("name"),
        "the detail names the field: {}",
        r.body
    );
    assert_eq!(app.count("units").await, units);
    assert_eq!(app.count("audit_events").await, audit);
}
storage_test!(bad_input_gets_a_problem_and_writes_nothing);

async fn bad_queries_and_unknown_routes_are_problems(app: &TestApp) {
    let t = &app.admin_token;
    app.get("/units?page=0", t)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    app.get("/units?per_page=100000", t)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    app.get("/units?page=abc", t)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    app.get("/units?kind=ministry", t)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    app.get("/no/such/route", t)
        .await
        .assert_problem(StatusCode::NOT_FOUND);
    app.call(Method::DELETE, "/me", Some(t), None)
        .await
        .assert_problem(StatusCode::NOT_FOUND);
    let r = app
        .post(
            "/units",
            t,
            json!({"name": "x".repeat(101), "kind": "office"}),
        )
        .await;
    r.assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["errors"][0]["field"], "name");
    let r = app.get("/units?page=99", t).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["items"], json!([]));
}
storage_test!(bad_queries_and_unknown_routes_are_problems);

async fn mistakes_are_named_by_field_in_chinese(app: &TestApp) {
    let w = crate::workflow::World::new(app).await;
    let path = format!("/plans/{}/tasks", w.plan);
    let r = app
        .post(
            &path,
            &w.office,
            json!({"title": "t", "due_on": "2027/3/31", "lead_unit_id": w.a}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["errors"][0]["field"], "due_on", "{}", r.body);
    let text = r.body.to_string();
    assert!(
        text.contains("YYYY-MM-DD") && !text.contains("invalid characters"),
        "{text}"
    );
    let r = app
        .post(
            &path,
            &w.office,
            json!({"title": "t", "due_on": "2027-03-31", "lead_unit_id": "甲"}),
        )
        .await;
    assert_eq!(r.body["errors"][0]["field"], "lead_unit_id", "{}", r.body);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("整数"),
        "{}",
        r.body
    );
    let r = app
        .post(
            &path,
            &w.office,
            json!({"title": "t", "due_on": "2027-03-31"}),
        )
        .await;
    assert_eq!(r.body["errors"][0]["field"], "lead_unit_id", "{}", r.body);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("必填"),
        "{}",
        r.body
    );
    let r = app
        .post(
            &path,
            &w.office,
            json!({"title": "t", "due_on": "2027-03-31", "lead_unit_id": w.a, "indicators": [{"name": "n", "target": "1", "kind": "soft"}]}),
        )
        .await;
    assert_eq!(
        r.body["errors"][0]["field"], "indicators[0].kind",
        "{}",
        r.body
    );
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("binding"),
        "{}",
        r.body
    );
    let r = app
        .call(
            Method::GET,
            "/assignments?due_from=2027/3/31",
            Some(&w.office),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body["detail"].as_str().unwrap().contains("YYYY-MM-DD"),
        "{}",
        r.body
    );
}
storage_test!(mistakes_are_named_by_field_in_chinese);
