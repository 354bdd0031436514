use reqwest::{Method, StatusCode};

use crate::helpers::TestApp;
use crate::storage_test;

async fn probes_answer(app: &TestApp) {
    let r = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app.call(Method::GET, "/readyz", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    let expected = match app.store {
        crate::helpers::Store::Sqlite => "sqlite",
        crate::helpers::Store::Postgres => "postgres",
    };
    assert_eq!(r.body["database"], expected);
    assert!(
        r.headers.contains_key("x-request-id"),
        "every answer carries a request id"
    );
}
storage_test!(probes_answer);

async fn openapi_lists_the_routes_and_the_docs_page_renders(app: &TestApp) {
    let r = app.call(Method::GET, "/openapi.json", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3."))
    );
    let paths = r.body["paths"].as_object().expect("paths");
    for p in [
        "/api/v1/auth/login",
        "/api/v1/me",
        "/api/v1/units",
        "/api/v1/units/{id}",
        "/api/v1/users",
        "/healthz",
    ] {
        assert!(paths.contains_key(p), "OpenAPI lacks {p}");
    }
    assert!(r.body["components"]["securitySchemes"]["bearer"].is_object());
    let docs = app.call(Method::GET, "/docs", None, None).await;
    assert_eq!(
        docs.status,
        StatusCode::OK,
        "/api/v1/docs leads to the page"
    );
    let page = String::from_utf8_lossy(&docs.bytes).to_string();
    assert!(page.contains("swagger-ui"), "{page}");
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "the page loads nothing from elsewhere: {page}"
    );
    let init = app
        .call(Method::GET, "/docs/swagger-initializer.js", None, None)
        .await;
    let init = String::from_utf8_lossy(&init.bytes).to_string();
    assert!(
        init.contains("/api/v1/openapi.json") && init.contains("\"validatorUrl\": \"none\""),
        "served from the binary, pointing at this document, no outside validator: {init}"
    );
}
storage_test!(openapi_lists_the_routes_and_the_docs_page_renders);
