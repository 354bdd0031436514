use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;
use crate::storage_test;

async fn admin_builds_the_unit_tree(app: &TestApp) {
    let t = &app.admin_token;
    let r = app
        .post("/units", t, json!({"name": "海安县人民政府", "kind": "county", "aliases": ["海安县", "海安市"], "email": "ha@example.gov"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let county = r.id();
    assert_eq!(r.body["aliases"], json!(["海安县", "海安市"]));
    let r = app
        .post(
            "/units",
            t,
            json!({"name": "城东镇", "kind": "street", "parent_id": county}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let street = r.id();
    let r = app.get(&format!("/units?parent_id={county}"), t).await;
    assert_eq!(r.body["total"], 1);
    assert_eq!(r.body["items"][0]["id"], street);
    let r = app.get("/units?q=海安市", t).await;
    assert_eq!(r.body["total"], 1, "aliases are searchable: {}", r.body);
    let r = app.get("/units?kind=street", t).await;
    assert_eq!(r.body["items"][0]["name"], "城东镇");
    let r = app.get("/units?q=100%25", t).await;
    assert_eq!(r.body["total"], 0, "LIKE wildcards in a search are literal");
    let r = app.get(&format!("/units/{street}"), t).await;
    assert_eq!(r.body["parent_id"], county);
    let r = app
        .patch(
            &format!("/units/{street}"),
            t,
            json!({"name": "城东街道", "email": null}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["name"], "城东街道");
    let r = app
        .patch(&format!("/units/{street}"), t, json!({"parent_id": null}))
        .await;
    assert_eq!(r.body["parent_id"], serde_json::Value::Null);
}
storage_test!(admin_builds_the_unit_tree);

async fn unit_names_and_aliases_are_unambiguous(app: &TestApp) {
    let t = &app.admin_token;
    let a = app.unit("市文化广电新闻出版局", "department").await;
    app.patch(
        &format!("/units/{a}"),
        t,
        json!({"aliases": ["市文广新局"]}),
    )
    .await;
    app.post(
        "/units",
        t,
        json!({"name": "市文化广电新闻出版局", "kind": "department"}),
    )
    .await
    .assert_problem(StatusCode::CONFLICT);
    app.post(
        "/units",
        t,
        json!({"name": "市文广新局", "kind": "department"}),
    )
    .await
    .assert_problem(StatusCode::CONFLICT);
    app.post(
        "/units",
        t,
        json!({"name": "市体育局", "kind": "department", "aliases": ["市文广新局"]}),
    )
    .await
    .assert_problem(StatusCode::CONFLICT);
    assert_eq!(app.count("units").await, 1);
}
storage_test!(unit_names_and_aliases_are_unambiguous);

async fn the_tree_has_no_cycles_and_no_dangling_parents(app: &TestApp) {
    let t = &app.admin_token;
    let a = app.unit("如东县", "county").await;
    let r = app
        .post(
            "/units",
            t,
            json!({"name": "掘港镇", "kind": "street", "parent_id": a}),
        )
        .await;
    let b = r.id();
    app.patch(&format!("/units/{a}"), t, json!({"parent_id": b}))
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    app.patch(&format!("/units/{a}"), t, json!({"parent_id": a}))
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post(
            "/units",
            t,
            json!({"name": "x", "kind": "street", "parent_id": 9999}),
        )
        .await;
    r.assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["errors"][0]["field"], "parent_id");
    app.patch("/units/9999", t, json!({"name": "y"}))
        .await
        .assert_problem(StatusCode::NOT_FOUND);
    app.get("/units/9999", t)
        .await
        .assert_problem(StatusCode::NOT_FOUND);
    app.get("/units/not-a-number", t)
        .await
        .assert_problem(StatusCode::NOT_FOUND);
}
storage_test!(the_tree_has_no_cycles_and_no_dangling_parents);

async fn only_admins_manage_units_and_users(app: &TestApp) {
    let unit = app.unit("市民政局", "department").await;
    let mut tokens = Vec::new();
    for (name, role) in [
        ("office1", "office"),
        ("staff1", "unit_staff"),
        ("head1", "unit_head"),
        ("insp1", "inspector"),
        ("leader1", "leader"),
    ] {
        let unit_id = if matches!(role, "unit_staff" | "unit_head") {
            Some(unit)
        } else {
            None
        };
        tokens.push((role, app.user(name, role, unit_id).await.1));
    }
    let units_before = app.count("units").await;
    let users_before = app.count("users").await;
    for (role, tok) in &tokens {
        app.post(
            "/units",
            tok,
            json!({"name": "市财政局", "kind": "department"}),
        )
        .await
        .assert_problem(StatusCode::FORBIDDEN);
        app.patch(&format!("/units/{unit}"), tok, json!({"name": "改名"}))
            .await
            .assert_problem(StatusCode::FORBIDDEN);
        app.post(
            "/users",
            tok,
            json!({"username": "x1", "password": "Pass-x1-0001", "roles": ["admin"]}),
        )
        .await
        .assert_problem(StatusCode::FORBIDDEN);
        app.get("/users", tok)
            .await
            .assert_problem(StatusCode::FORBIDDEN);
        app.get("/users/1", tok)
            .await
            .assert_problem(StatusCode::FORBIDDEN);
        app.patch("/users/1", tok, json!({"active": false}))
            .await
            .assert_problem(StatusCode::FORBIDDEN);
        // Everyone reads the directory: they need names to work with.
        assert_eq!(
            app.get("/units", tok).await.status,
            StatusCode::OK,
            "{role} reads units"
        );
        assert_eq!(
            app.get(&format!("/units/{unit}"), tok).await.status,
            StatusCode::OK
        );
        assert_eq!(app.get("/me", tok).await.status, StatusCode::OK);
    }
    assert_eq!(app.count("units").await, units_before);
    assert_eq!(app.count("users").await, users_before);
}
storage_test!(only_admins_manage_units_and_users);

async fn admin_manages_accounts(app: &TestApp) {
    let t = &app.admin_token;
    let unit = app.unit("市人社局", "department").await;
    let r = app
        .post("/users", t, json!({"username": "hr.clerk", "password": "Clerk-pass-1", "display_name": "人社办事员",
                                   "unit_id": unit, "roles": ["unit_staff", "unit_head"], "email": "hr@example.gov"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["roles"], json!(["unit_staff", "unit_head"]));
    assert!(r.body.get("password_hash").is_none() && r.body.get("password").is_none());
    let id = r.id();
    app.post("/users", t, json!({"username": "hr.clerk", "password": "Clerk-pass-1", "unit_id": unit, "roles": ["unit_staff"]}))
        .await
        .assert_problem(StatusCode::CONFLICT);
    let r = app
        .post(
            "/users",
            t,
            json!({"username": "nounit", "password": "Clerk-pass-1", "roles": ["unit_staff"]}),
        )
        .await;
    r.assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["errors"][0]["field"], "unit_id");
    app.post("/users", t, json!({"username": "ghost", "password": "Clerk-pass-1", "unit_id": 9999, "roles": ["unit_staff"]}))
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    app.post(
        "/users",
        t,
        json!({"username": "emp", "password": "Clerk-pass-1", "roles": ["emperor"]}),
    )
    .await
    .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.get(&format!("/users?unit_id={unit}"), t).await;
    assert_eq!(r.body["total"], 1);
    let r = app.get("/users?role=unit_head", t).await;
    assert_eq!(r.body["items"][0]["id"], id);
    let r = app.get("/users?role=admin", t).await;
    assert_eq!(r.body["total"], 1, "only the first admin: {}", r.body);
    app.get("/users?role=emperor", t)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.get("/users?q=clerk&per_page=1", t).await;
    assert_eq!(
        (r.body["total"].as_u64(), r.body["per_page"].as_u64()),
        (Some(1), Some(1))
    );
    let me = app.get("/me", t).await.id();
    app.patch(&format!("/users/{me}"), t, json!({"active": false}))
        .await
        .assert_problem(StatusCode::CONFLICT);
}
storage_test!(admin_manages_accounts);

async fn every_change_is_audited(app: &TestApp) {
    let t = &app.admin_token;
    let before = app.count("audit_events").await;
    let unit = app.unit("市公安局", "department").await;
    app.patch(
        &format!("/units/{unit}"),
        t,
        json!({"email": "ga@example.gov"}),
    )
    .await;
    let (id, _) = app.user("police", "unit_staff", Some(unit)).await;
    app.patch(&format!("/users/{id}"), t, json!({"display_name": "民警"}))
        .await;
    assert_eq!(app.count("audit_events").await, before + 4);
    use duban_domain::entities::audit_event;
    use sea_orm::{EntityTrait, QueryOrder};
    let events = audit_event::Entity::find()
        .order_by_asc(audit_event::Column::Id)
        .all(app.db.conn())
        .await
        .unwrap();
    let last = events.last().unwrap();
    assert_eq!(
        (last.entity, last.action, last.actor_name.as_str()),
        (
            duban_domain::audit::AuditEntity::User,
            duban_domain::audit::AuditAction::Update,
            "admin"
        )
    );
    assert_eq!(last.before.as_ref().unwrap()["display_name"], "police");
    assert_eq!(last.after.as_ref().unwrap()["display_name"], "民警");
    assert!(events.iter().all(|e| {
        !e.after
            .as_ref()
            .is_some_and(|a| a.to_string().contains("argon2"))
    }));
}
storage_test!(every_change_is_audited);

async fn concurrent_writers_all_succeed(app: &TestApp) {
    let mut handles = Vec::new();
    for i in 0..40 {
        let client = app.client.clone();
        let url = app.url("/units");
        let token = app.admin_token.clone();
        handles.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"name": format!("社区{i:02}"), "kind": "community"}))
                .send()
                .await
                .map(|r| r.status())
        }));
    }
    for h in handles {
        assert_eq!(h.await.unwrap().unwrap(), StatusCode::CREATED);
    }
    assert_eq!(app.count("units").await, 40);
}
storage_test!(concurrent_writers_all_succeed);
