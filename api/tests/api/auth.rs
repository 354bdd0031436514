use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::storage_test;

async fn me_names_the_signed_in_user(app: &TestApp) {
    let unit = app.unit("市民政局", "department").await;
    let (id, token) = app.user("clerk", "unit_staff", Some(unit)).await;
    let r = app.get("/me", &token).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["id"], id);
    assert_eq!(r.body["username"], "clerk");
    assert_eq!(r.body["unit_id"], unit);
    assert_eq!(r.body["unit_name"], "市民政局");
    assert_eq!(r.body["roles"], json!(["unit_staff"]));
    let login = app.try_login("clerk", "Pass-clerk-1").await;
    assert_eq!(login.body["token_type"], "Bearer");
    assert_eq!(login.body["expires_in"], app.settings.auth.token_ttl_secs);
}
storage_test!(me_names_the_signed_in_user);

async fn wrong_or_unknown_credentials_are_the_same_401(app: &TestApp) {
    let a = app.try_login("admin", "Wrong-password-1").await;
    a.assert_problem(StatusCode::UNAUTHORIZED);
    let b = app.try_login("nobody", "Wrong-password-1").await;
    b.assert_problem(StatusCode::UNAUTHORIZED);
    assert_eq!(
        a.body["detail"], b.body["detail"],
        "no hint whether the user exists"
    );
}
storage_test!(wrong_or_unknown_credentials_are_the_same_401);

async fn repeated_failures_lock_the_account_for_a_while(app: &TestApp) {
    let unit = app.unit("市财政局", "department").await;
    app.user("target", "unit_staff", Some(unit)).await;
    let max = app.settings.auth.max_failed_logins;
    for i in 1..max {
        let r = app.try_login("target", "Wrong-password-1").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let r = app.try_login("target", "Wrong-password-1").await;
    r.assert_problem(StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.contains_key("retry-after"));
    // Even the right password waits out the lock.
    app.try_login("target", "Pass-target-1")
        .await
        .assert_problem(StatusCode::TOO_MANY_REQUESTS);
    app.clock
        .advance(Duration::seconds(app.settings.auth.lockout_secs + 1));
    let r = app.try_login("target", "Pass-target-1").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A success clears the count: one more failure does not lock again.
    app.try_login("target", "Wrong-password-1")
        .await
        .assert_problem(StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.try_login("target", "Pass-target-1").await.status,
        StatusCode::OK
    );
}
storage_test!(repeated_failures_lock_the_account_for_a_while);

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
}

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn sign(claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

async fn bad_tokens_are_refused(app: &TestApp) {
    let secret = secrecy::ExposeSecret::expose_secret(&app.settings.auth.jwt_secret).to_owned();
    let good = app.admin_token.clone();
    let claims = claims_of(&good);
    let (hdr, payload, sig) = {
        let p: Vec<&str> = good.split('.').collect();
        (p[0].to_owned(), p[1].to_owned(), p[2].to_owned())
    };
    let mut tampered = claims.clone();
    tampered["sub"] = json!("2");
    let mut expired = claims.clone();
    expired["exp"] = json!(claims["iat"].as_i64().unwrap() - 60);
    let mut future = claims.clone();
    future["iat"] = json!(claims["iat"].as_i64().unwrap() + 3600);
    let mut audience = claims.clone();
    audience["aud"] = json!("someone-else");
    let mut issuer = claims.clone();
    issuer["iss"] = json!("someone-else");
    let mut no_exp = claims.clone();
    no_exp.as_object_mut().unwrap().remove("exp");
    let mut hs512 = Header::new(Algorithm::HS512);
    hs512.typ = Some("JWT".into());
    let cases: Vec<(&str, Option<String>)> = vec![
        ("missing", None),
        ("garbage", Some("not.a.token".into())),
        ("empty bearer", Some(String::new())),
        (
            "alg none",
            Some(format!(
                "{}.{payload}.",
                b64(&json!({"alg": "none", "typ": "JWT"}))
            )),
        ),
        (
            "tampered payload",
            Some(format!("{hdr}.{}.{sig}", b64(&tampered))),
        ),
        (
            "signed with another secret",
            Some(sign(&claims, "another-secret-another-secret-xx")),
        ),
        ("expired", Some(sign(&expired, &secret))),
        ("issued in the future", Some(sign(&future, &secret))),
        ("wrong audience", Some(sign(&audience, &secret))),
        ("wrong issuer", Some(sign(&issuer, &secret))),
        ("no exp", Some(sign(&no_exp, &secret))),
        (
            "another algorithm",
            Some(
                jsonwebtoken::encode(
                    &hs512,
                    &claims,
                    &EncodingKey::from_secret(secret.as_bytes()),
                )
                .unwrap(),
            ),
        ),
    ];
    for (what, token) in cases {
        let r = app
            .call(Method::GET, "/units", token.as_deref(), None)
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{what}: {}", r.body);
        r.assert_problem(StatusCode::UNAUTHORIZED);
        assert_eq!(
            r.headers
                .get("www-authenticate")
                .map(|v| v.to_str().unwrap()),
            Some("Bearer"),
            "{what}"
        );
    }
    // The genuine token still works, and stops at its expiry on the injected clock.
    assert_eq!(app.get("/units", &good).await.status, StatusCode::OK);
    app.clock.advance(Duration::seconds(
        app.settings.auth.token_ttl_secs + app.settings.auth.leeway_secs as i64 + 1,
    ));
    app.get("/units", &good)
        .await
        .assert_problem(StatusCode::UNAUTHORIZED);
}
storage_test!(bad_tokens_are_refused);

async fn role_unit_and_active_changes_apply_at_once(app: &TestApp) {
    let unit = app.unit("市教育局", "department").await;
    let other = app.unit("市卫生局", "department").await;
    let (id, token) = app.user("deputy", "admin", None).await;
    assert_eq!(app.get("/users", &token).await.status, StatusCode::OK);
    let r = app
        .patch(
            &format!("/users/{id}"),
            &app.admin_token,
            json!({"roles": ["unit_staff"], "unit_id": unit}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The token issued under the admin role no longer works at all.
    app.get("/users", &token)
        .await
        .assert_problem(StatusCode::UNAUTHORIZED);
    app.get("/me", &token)
        .await
        .assert_problem(StatusCode::UNAUTHORIZED);
    let token = app.login("deputy", "Pass-deputy-1").await;
    app.get("/users", &token)
        .await
        .assert_problem(StatusCode::FORBIDDEN);
    assert_eq!(app.get("/me", &token).await.body["unit_id"], unit);
    app.patch(
        &format!("/users/{id}"),
        &app.admin_token,
        json!({"unit_id": other}),
    )
    .await;
    app.get("/me", &token)
        .await
        .assert_problem(StatusCode::UNAUTHORIZED);
    let token = app.login("deputy", "Pass-deputy-1").await;
    assert_eq!(app.get("/me", &token).await.body["unit_id"], other);
    // A change that does not touch what a token vouches for keeps it.
    app.patch(
        &format!("/users/{id}"),
        &app.admin_token,
        json!({"display_name": "副局长"}),
    )
    .await;
    assert_eq!(app.get("/me", &token).await.body["display_name"], "副局长");
    app.patch(
        &format!("/users/{id}"),
        &app.admin_token,
        json!({"active": false}),
    )
    .await;
    app.get("/me", &token)
        .await
        .assert_problem(StatusCode::UNAUTHORIZED);
    app.try_login("deputy", "Pass-deputy-1")
        .await
        .assert_problem(StatusCode::UNAUTHORIZED);
}
storage_test!(role_unit_and_active_changes_apply_at_once);

async fn a_new_password_replaces_the_old(app: &TestApp) {
    let (id, _) = app.user("changer", "leader", None).await;
    let r = app
        .patch(
            &format!("/users/{id}"),
            &app.admin_token,
            json!({"password": "Brand-new-pass-2"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    app.try_login("changer", "Pass-changer-1")
        .await
        .assert_problem(StatusCode::UNAUTHORIZED);
    app.login("changer", "Brand-new-pass-2").await;
    let r = app
        .patch(
            &format!("/users/{id}"),
            &app.admin_token,
            json!({"password": "weak"}),
        )
        .await;
    r.assert_problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["errors"][0]["field"], "password");
}
storage_test!(a_new_password_replaces_the_old);

async fn a_password_an_admin_set_is_changed_first_and_old_tokens_end(app: &TestApp) {
    let (id, old) = app.user("resetme", "leader", None).await;
    let r = app
        .patch(
            &format!("/users/{id}"),
            &app.admin_token,
            json!({"password": "Temp-pass-123"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    app.get("/me", &old)
        .await
        .assert_problem(StatusCode::UNAUTHORIZED);
    let r = app.try_login("resetme", "Temp-pass-123").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["must_change_password"], true);
    let temp = r.body["access_token"].as_str().unwrap().to_owned();
    let refused = app.get("/assignments", &temp).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.body["code"], "password_change_required");
    assert_eq!(app.get("/me", &temp).await.status, StatusCode::OK);
    let wrong = app
        .post(
            "/me/password",
            &temp,
            json!({"current_password": "nope-nope-1", "new_password": "Mine-own-pass-9"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.body["errors"][0]["field"], "current_password");
    let same = app
        .post(
            "/me/password",
            &temp,
            json!({"current_password": "Temp-pass-123", "new_password": "Temp-pass-123"}),
        )
        .await;
    assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = app
        .post(
            "/me/password",
            &temp,
            json!({"current_password": "Temp-pass-123", "new_password": "Mine-own-pass-9"}),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let fresh = done.body["access_token"].as_str().unwrap().to_owned();
    app.get("/me", &temp)
        .await
        .assert_problem(StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/assignments", &fresh).await.status, StatusCode::OK);
    app.try_login("resetme", "Temp-pass-123")
        .await
        .assert_problem(StatusCode::UNAUTHORIZED);
    let r = app.try_login("resetme", "Mine-own-pass-9").await;
    assert_eq!(r.body["must_change_password"], false);
}
storage_test!(a_password_an_admin_set_is_changed_first_and_old_tokens_end);

/// A sign-in as if from `source`, through the trusted proxy the throttle
/// tests configure (127.0.0.1 is the test client's own address).
async fn login_from(app: &TestApp, source: &str, username: &str, password: &str) -> StatusCode {
    app.client
        .post(app.url("/auth/login"))
        .header("x-forwarded-for", source)
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .expect("request")
        .status()
}

const BEHIND_A_PROXY: &[(&str, &str)] = &[
    ("DUBAN__SERVER__TRUSTED_PROXIES", "127.0.0.1"),
    ("DUBAN__AUTH__MAX_FAILED_PER_ACCOUNT", "12"),
    ("DUBAN__AUTH__MAX_FAILED_PER_SOURCE", "12"),
];

async fn parallel_wrong_passwords_get_no_more_evaluations_than_the_limit(app: &TestApp) {
    let unit = app.unit("市财政局", "department").await;
    app.user("target", "unit_staff", Some(unit)).await;
    let max = app.settings.auth.max_failed_logins;
    let attempts = (0..80).map(|_| app.try_login("target", "Wrong-password-1"));
    let answers = futures_util::future::join_all(attempts).await;
    let wrong = answers
        .iter()
        .filter(|r| r.status == StatusCode::UNAUTHORIZED)
        .count();
    let locked = answers
        .iter()
        .filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(wrong + locked, 80, "every attempt is answered 401 or 429");
    // Counted before verifying: of the first `max` attempts, all but the one
    // that reaches the limit answer 401; every other attempt is refused
    // unverified.
    assert!(
        wrong <= (max - 1) as usize,
        "{wrong} wrong-password answers for a limit of {max}"
    );
    app.try_login("target", "Pass-target-1")
        .await
        .assert_problem(StatusCode::TOO_MANY_REQUESTS);
}
storage_test!(parallel_wrong_passwords_get_no_more_evaluations_than_the_limit);

async fn unknown_names_meet_the_same_lock_as_known_ones(app: &TestApp) {
    let unit = app.unit("市财政局", "department").await;
    app.user("known", "unit_staff", Some(unit)).await;
    let max = app.settings.auth.max_failed_logins;
    for name in ["known", "nobody-by-this-name"] {
        let mut seen = Vec::new();
        for _ in 0..max + 1 {
            let r = app.try_login(name, "Wrong-password-1").await;
            seen.push((
                r.status,
                r.headers.contains_key("retry-after"),
                r.body["title"].clone(),
            ));
        }
        let expected: Vec<StatusCode> = (0..max + 1)
            .map(|i| {
                if i + 1 >= max {
                    StatusCode::TOO_MANY_REQUESTS
                } else {
                    StatusCode::UNAUTHORIZED
                }
            })
            .collect();
        assert_eq!(
            seen.iter().map(|s| s.0).collect::<Vec<_>>(),
            expected,
            "{name}: {seen:?}"
        );
        assert!(
            seen.iter()
                .all(|s| s.1 == (s.0 == StatusCode::TOO_MANY_REQUESTS))
        );
    }
}
storage_test!(unknown_names_meet_the_same_lock_as_known_ones);

async fn a_lock_from_one_address_does_not_lock_the_owner_out_elsewhere(app: &TestApp) {
    let unit = app.unit("市财政局", "department").await;
    app.user("clerk", "unit_staff", Some(unit)).await;
    let max = app.settings.auth.max_failed_logins;
    for _ in 0..max {
        login_from(app, "198.51.100.66", "clerk", "Wrong-password-1").await;
    }
    assert_eq!(
        login_from(app, "198.51.100.66", "clerk", "Pass-clerk-1").await,
        StatusCode::TOO_MANY_REQUESTS,
        "the guessing address is locked out of the account"
    );
    assert_eq!(
        login_from(app, "203.0.113.5", "clerk", "Pass-clerk-1").await,
        StatusCode::OK,
        "the owner at another address is not"
    );
    // A client's own X-Forwarded-For entry before the proxy's is not believed:
    // the throttle counts the address the proxy saw.
    assert_eq!(
        login_from(app, "10.9.9.9, 198.51.100.66", "clerk", "Pass-clerk-1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}
storage_test!(
    a_lock_from_one_address_does_not_lock_the_owner_out_elsewhere,
    super::BEHIND_A_PROXY
);

async fn one_address_trying_many_names_is_slowed_down(app: &TestApp) {
    let limit = app.settings.auth.max_failed_per_source;
    for i in 0..limit {
        let s = login_from(app, "192.0.2.10", &format!("guess{i}"), "Wrong-password-1").await;
        assert!(
            matches!(s, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS),
            "{s}"
        );
    }
    assert_eq!(
        login_from(app, "192.0.2.10", "admin", "anything-at-all").await,
        StatusCode::TOO_MANY_REQUESTS,
        "the address is locked out across accounts"
    );
    assert_eq!(
        login_from(app, "192.0.2.11", "guess0", "Wrong-password-1").await,
        StatusCode::UNAUTHORIZED,
        "another address is not"
    );
    app.clock
        .advance(Duration::seconds(app.settings.auth.lockout_secs + 1));
    assert_eq!(
        login_from(app, "192.0.2.10", "guess0", "Wrong-password-1").await,
        StatusCode::UNAUTHORIZED,
        "the lock ends"
    );
}
storage_test!(
    one_address_trying_many_names_is_slowed_down,
    super::BEHIND_A_PROXY
);

async fn guessing_spread_over_addresses_locks_the_account_until_an_admin_resets_it(app: &TestApp) {
    let unit = app.unit("市财政局", "department").await;
    let (id, _) = app.user("spread", "unit_staff", Some(unit)).await;
    let limit = app.settings.auth.max_failed_per_account;
    for i in 0..limit {
        login_from(app, &format!("198.18.0.{i}"), "spread", "Wrong-password-1").await;
    }
    assert_eq!(
        login_from(app, "198.18.1.1", "spread", "Pass-spread-1").await,
        StatusCode::TOO_MANY_REQUESTS,
        "locked for every address"
    );
    let shown = app.get(&format!("/users/{id}"), &app.admin_token).await;
    assert!(shown.body["locked_until"].is_string(), "{}", shown.body);
    // An administrator's reset clears the counts.
    let r = app
        .patch(
            &format!("/users/{id}"),
            &app.admin_token,
            json!({"password": "Reset-spread-2"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        login_from(app, "198.18.1.1", "spread", "Reset-spread-2").await,
        StatusCode::OK
    );
}
storage_test!(
    guessing_spread_over_addresses_locks_the_account_until_an_admin_resets_it,
    super::BEHIND_A_PROXY
);
