//! Running Duban: the access log, the Prometheus endpoint, bounded inputs
//! (issue 17, operations 13–15 and fault 11).

use std::collections::HashMap;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::storage_test;
use crate::workflow::World;

/// The samples of a text exposition: `name{labels}` -> value.
fn samples(text: &str) -> HashMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (k, v) = l.rsplit_once(' ')?;
            Some((k.to_owned(), v.parse().ok()?))
        })
        .collect()
}

async fn scrape(app: &TestApp) -> HashMap<String, f64> {
    let port = app.metrics_port.expect("metrics.bind is set");
    let r = app
        .client
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    samples(&r.text().await.unwrap())
}

fn value(s: &HashMap<String, f64>, key: &str) -> f64 {
    *s.get(key)
        .unwrap_or_else(|| panic!("no sample {key} in {:#?}", s.keys().collect::<Vec<_>>()))
}

async fn metrics_count_requests_and_read_the_store(app: &TestApp) {
    let w = World::new(app).await;
    let a = w.in_state(app, "issued").await;
    let before = scrape(app).await;
    for _ in 0..3 {
        assert_eq!(app.get("/me", &w.office).await.status, StatusCode::OK);
    }
    let missing = app.get("/assignments/999999", &w.office).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let seen = app.get(&format!("/assignments/{a}"), &w.staff_a).await;
    assert_eq!(seen.status, StatusCode::OK);
    // A path that matches no route is counted under one name, not its own.
    app.get("/no/such/thing/abc123", &w.office).await;
    let after = scrape(app).await;
    let delta = |key: &str| value(&after, key) - before.get(key).copied().unwrap_or(0.0);
    assert_eq!(
        delta(r#"duban_http_requests_total{method="GET",route="/api/v1/me",status="200"}"#),
        3.0
    );
    assert_eq!(
        delta(
            r#"duban_http_requests_total{method="GET",route="/api/v1/assignments/{id}",status="404"}"#
        ),
        1.0
    );
    assert_eq!(
        delta(
            r#"duban_http_requests_total{method="GET",route="/api/v1/assignments/{id}",status="200"}"#
        ),
        1.0
    );
    assert_eq!(
        delta(
            r#"duban_http_request_duration_seconds_count{method="GET",route="/api/v1/assignments/{id}"}"#
        ),
        2.0
    );
    assert_eq!(
        delta(r#"duban_http_requests_total{method="GET",route="unmatched",status="404"}"#),
        1.0
    );
    assert!(
        !after
            .keys()
            .any(|k| k.contains("abc123") || k.contains("999999")),
        "raw paths never become labels"
    );
    // Every request lands in a bucket no larger than +Inf.
    assert_eq!(
        value(
            &after,
            r#"duban_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/api/v1/me"}"#
        ),
        value(
            &after,
            r#"duban_http_request_duration_seconds_count{method="GET",route="/api/v1/me"}"#
        )
    );

    // The outbox as stored: issuing told the unit by e-mail.
    let pending = {
        use duban_domain::entities::notification::{self, Channel, DeliveryStatus};
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        notification::Entity::find()
            .filter(notification::Column::Status.eq(DeliveryStatus::Pending))
            .filter(notification::Column::Channel.eq(Channel::Email))
            .count(app.db.conn())
            .await
            .unwrap()
    };
    assert!(pending > 0);
    assert_eq!(
        value(
            &after,
            r#"duban_outbox_notifications{status="pending",channel="email"}"#
        ),
        pending as f64
    );
    assert_eq!(
        value(
            &after,
            r#"duban_outbox_notifications{status="failed",channel="dingtalk"}"#
        ),
        0.0
    );
    let pool = if app.store == duban_domain::db::Store::Sqlite {
        "write"
    } else {
        "read"
    };
    assert!(
        value(
            &after,
            &format!(r#"duban_db_connections{{pool="{pool}",state="idle"}}"#)
        ) + value(
            &after,
            &format!(r#"duban_db_connections{{pool="{pool}",state="in_use"}}"#)
        ) >= 1.0
    );

    // The years the calendar lacks, as /readyz names them: from December
    // the next year is due too.
    let missing =
        |r: crate::helpers::Resp| r.body["calendar_missing_years"].as_array().unwrap().len() as f64;
    let march = missing(app.call(Method::GET, "/readyz", None, None).await);
    assert_eq!(value(&after, "duban_calendar_missing_years"), march);
    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-12-02T09:00:00+08:00")
            .unwrap()
            .into(),
    );
    let december = missing(app.call(Method::GET, "/readyz", None, None).await);
    assert_eq!(december, march + 1.0, "2027 is due in December");
    assert_eq!(
        value(&scrape(app).await, "duban_calendar_missing_years"),
        december
    );

    // Job steps, counted by job, from the jobs sharing this process's metrics.
    let jobs = duban_jobs::JobContext::standalone(
        app.db.clone(),
        std::sync::Arc::new(app.clock.clone()),
        app.settings.jobs.clone(),
        app.settings.mail.clone(),
        &app.settings.server.public_url,
    )
    .unwrap()
    .with_metrics(app.metrics.jobs().clone());
    use duban_domain::clock::Clock;
    for _ in 0..2 {
        duban_jobs::run_once(&jobs, "escalations", app.clock.now())
            .await
            .unwrap();
    }
    let s = scrape(app).await;
    assert_eq!(value(&s, r#"duban_job_runs_total{job="escalations"}"#), 2.0);
    assert_eq!(
        value(&s, r#"duban_job_failures_total{job="escalations"}"#),
        0.0
    );
    assert_eq!(value(&s, r#"duban_job_runs_total{job="reminders"}"#), 0.0);
    assert!(
        value(
            &s,
            r#"duban_job_last_success_timestamp_seconds{job="escalations"}"#
        ) > 1.7e9
    );

    // Not on the public address.
    let public = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), StatusCode::NOT_FOUND);
}
storage_test!(
    metrics_count_requests_and_read_the_store,
    &[("DUBAN__METRICS__BIND", "127.0.0.1:0")]
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_off_unless_an_address_is_configured() {
    let app = TestApp::spawn_with(crate::helpers::Store::Sqlite, &[])
        .await
        .unwrap();
    assert_eq!(app.metrics_port, None);
    let r = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let same = crate::helpers::test_settings_result(
        "sqlite::memory:",
        &[
            ("DUBAN__SERVER__BIND", "127.0.0.1:8080"),
            ("DUBAN__METRICS__BIND", "127.0.0.1:8080"),
        ],
    );
    assert!(
        same.unwrap_err()
            .to_string()
            .contains("metrics.bind must differ"),
        "metrics are never served on the public address"
    );
}

/// A notice of `n` numbered tasks, each naming its unit and deadline, 500
/// to a section.
fn notice_of(n: usize) -> String {
    let mut t = String::from("关于印发2026年重点工作任务分解的通知\n\n");
    for i in 0..n {
        if i % 500 == 0 {
            let section = ["一", "二", "三", "四", "五", "六"][i / 500];
            t.push_str(&format!("{section}、第{section}部分重点任务\n"));
        }
        let k = i % 500 + 1;
        t.push_str(&format!(
            "{k}. 推进第{k}项重点工作，年内完成。\n责任单位：市卫生局\n"
        ));
    }
    t
}

async fn an_import_is_bounded_and_its_dry_run_proportional(app: &TestApp) {
    let office = app.user("office1", "office", None).await.1;
    let before = app.count("plans").await;
    let dry = |body: Vec<u8>| {
        app.raw(
            Method::POST,
            "/plans/import?dry_run=true",
            Some(&office),
            "text/plain; charset=utf-8",
            body,
        )
    };
    // As many tasks as an import may hold: answered, in proportion.
    let text = notice_of(duban_domain::workflow::import::MAX_TASKS);
    let r = dry(text.clone().into_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.body["tasks"].as_array().unwrap().len(),
        duban_domain::workflow::import::MAX_TASKS
    );
    let answer = serde_json::to_vec(&r.body).unwrap().len();
    assert!(
        answer < 8 * text.len(),
        "answer {answer} bytes for {} bytes of notice",
        text.len()
    );
    // One more, or a file of empty numbered lines: refused, before anything
    // is answered or stored.
    let r = dry(notice_of(duban_domain::workflow::import::MAX_TASKS + 1).into_bytes()).await;
    r.assert_problem(StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        r.body["detail"].as_str().unwrap().contains("2001"),
        "{}",
        r.body
    );
    let r = dry("（一）责任单位:\n".repeat(5_000).into_bytes()).await;
    r.assert_problem(StatusCode::PAYLOAD_TOO_LARGE);
    let r = app
        .raw(
            Method::POST,
            "/plans/import",
            Some(&office),
            "text/plain; charset=utf-8",
            notice_of(duban_domain::workflow::import::MAX_TASKS + 1).into_bytes(),
        )
        .await;
    r.assert_problem(StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.count("plans").await, before, "nothing stored");
}
storage_test!(an_import_is_bounded_and_its_dry_run_proportional);

fn multipart(fields: &[(&str, &str)], file: (&str, &str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "duban-test-boundary-7c1f";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\ncontent-disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    let (name, filename, bytes) = file;
    body.extend_from_slice(
        format!(
            "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\ncontent-type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Posts a form with one file as a signed-in browser would (its cookie,
/// our origin; the CSRF token among `fields`).
async fn post_form(
    app: &TestApp,
    path: &str,
    cookie: String,
    fields: &[(&str, &str)],
    file: (&str, &str, &[u8]),
) -> reqwest::Response {
    let (ctype, body) = multipart(fields, file);
    reqwest::Client::new()
        .post(format!("{}{path}", app.base))
        .header("cookie", cookie)
        .header("origin", &app.base)
        .header("content-type", ctype)
        .body(body)
        .send()
        .await
        .unwrap()
}

fn files_under(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            if e.path().is_dir() {
                files_under(&e.path())
            } else {
                1
            }
        })
        .sum()
}

async fn form_uploads_are_bounded_per_screen_and_leave_nothing(app: &TestApp) {
    let w = World::new(app).await;
    let a = w.in_state(app, "acknowledged").await;
    let dir = app.settings.storage.attachments_dir.clone();
    let reports = app.count("reports").await;

    // A report's attachment over storage.max_attachment_bytes (256 KiB in tests).
    let (mut clerk, _) = crate::ui::signed_in(app, "staff_a").await;
    let (s, html, _) = clerk.get(&format!("/assignments/{a}")).await;
    assert_eq!(s, StatusCode::OK);
    let csrf = crate::ui::csrf_of(&html);
    let big = vec![b'%'; 300 * 1024];
    let r = post_form(
        app,
        &format!("/assignments/{a}/reports"),
        clerk.cookie(),
        &[("csrf", &csrf), ("kind", "progress"), ("text", "进展顺利")],
        ("file", "big.pdf", &big),
    )
    .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.count("reports").await, reports, "no report written");
    assert_eq!(app.count("attachments").await, 0);
    assert_eq!(files_under(&dir), 0, "nothing left on disk");

    // Within the limit it is streamed to disk and stored whole.
    let pdf = [b"%PDF-1.4\n".as_slice(), &vec![b'a'; 200 * 1024]].concat();
    let r = post_form(
        app,
        &format!("/assignments/{a}/reports"),
        clerk.cookie(),
        &[("csrf", &csrf), ("kind", "progress"), ("text", "附上材料")],
        ("file", "材料.pdf", &pdf),
    )
    .await;
    assert!(
        r.status().is_redirection() || r.status().is_success(),
        "{}",
        r.status()
    );
    assert_eq!(app.count("attachments").await, 1);
    assert_eq!(
        files_under(&dir.join("incoming")),
        0,
        "no spooled copy kept"
    );

    // The import screen takes a notice up to 4 MiB, not an attachment's size,
    // and no file at all where a screen takes none.
    let (mut office, _) = crate::ui::signed_in(app, "office").await;
    let (_, html, _) = office.get("/plans/import").await;
    let csrf = crate::ui::csrf_of(&html);
    let huge = vec![b'x'; 4 * 1024 * 1024 + 1];
    let r = post_form(
        app,
        "/plans/import",
        office.cookie(),
        &[("csrf", &csrf)],
        ("file", "notice.txt", &huge),
    )
    .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let r = post_form(
        app,
        "/plans",
        office.cookie(),
        &[("csrf", &csrf)],
        ("file", "x.pdf", &pdf),
    )
    .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(files_under(&dir.join("incoming")), 0);
}
storage_test!(form_uploads_are_bounded_per_screen_and_leave_nothing);

/// `duban serve` as run in production: JSON logs on stderr.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_has_an_access_log_line_without_secrets() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::{Command, Stdio};

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/d.db?mode=rwc", dir.path().display());
    let duban = || {
        let mut c = crate::cli::duban(
            dir.path(),
            &[
                ("DUBAN__DATABASE__URL", &url),
                ("DUBAN__SERVER__BIND", "127.0.0.1:0"),
                ("DUBAN__LOG__FORMAT", "json"),
                ("DUBAN__LOG__LEVEL", "info"),
            ],
        );
        c.env_remove("RUST_LOG");
        c
    };
    let out = duban()
        .args([
            "user",
            "create",
            "--username",
            "clerk",
            "--password",
            "Clerk-pass-1",
        ])
        .args(["--role", "office"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut child = duban()
        .args(["serve", "--no-jobs"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let collect = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = lines
        .by_ref()
        .find_map(|l| {
            l.ok()?
                .strip_prefix("Duban is listening on ")
                .map(str::to_owned)
        })
        .expect("address printed");
    // Keep reading what it prints (a closed pipe would end it).
    std::thread::spawn(move || lines.for_each(drop));
    let client = reqwest::Client::new();
    let send = async |req: reqwest::RequestBuilder| -> Value {
        req.send().await.unwrap().json().await.unwrap()
    };
    let login = send(
        client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"username": "clerk", "password": "Clerk-pass-1"})),
    )
    .await;
    let token = login["access_token"].as_str().unwrap().to_owned();
    let me = send(client.get(format!("{base}/api/v1/me")).bearer_auth(&token)).await;
    let feed = send(
        client
            .post(format!("{base}/api/v1/me/calendar-feed"))
            .bearer_auth(&token),
    )
    .await;
    // Built from server.public_url, which names port 0 here.
    let feed_url = feed["url"]
        .as_str()
        .unwrap()
        .replace("http://127.0.0.1:0", &base);
    let secret = feed_url
        .rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".ics")
        .to_owned();
    let r = client
        .get(format!("{feed_url}?access_key=query-secret-42"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let _ = client
        .get(format!("{base}/api/v1/assignments?q=%00"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    let log = collect.join().unwrap();
    let access: Vec<Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["target"] == "duban::access")
        .collect();
    let line = |route: &str, status: u16| {
        access
            .iter()
            .find(|v| v["span"]["route"] == route && v["fields"]["status"] == status)
            .unwrap_or_else(|| panic!("no access line for {route} {status} in\n{log}"))
    };
    let me_line = line("/api/v1/me", 200);
    assert_eq!(me_line["span"]["method"], "GET");
    assert_eq!(me_line["span"]["user_id"], me["id"]);
    assert!(me_line["fields"]["duration_ms"].as_f64().unwrap() >= 0.0);
    assert_eq!(me_line["span"]["request_id"].as_str().unwrap().len(), 36);
    let feed_line = line("/feeds/{token}.ics", 200);
    assert!(feed_line["span"].get("user_id").is_none());
    line("/api/v1/auth/login", 200);
    line("/api/v1/assignments", 422);
    for never in [
        secret.as_str(),
        token.as_str(),
        "query-secret-42",
        "Clerk-pass-1",
    ] {
        assert!(!log.contains(never), "{never} appears in the log:\n{log}");
    }
}

/// `duban backup`, then the data changes, then `duban restore`: the data as
/// it was backed up; what is not a Duban database of this version, or a
/// database in use, is refused and left alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_and_restore_round_trip_on_sqlite() {
    use sqlx::{ConnectOptions, Connection};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let url = format!("sqlite://{}?mode=rwc", db.display());
    let run = |args: &[&str]| {
        let out = crate::cli::duban(dir.path(), &[("DUBAN__DATABASE__URL", &url)])
            .args(args)
            .output()
            .unwrap();
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    let users = || {
        let db = db.clone();
        async move {
            let mut c = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(&db)
                .connect()
                .await
                .unwrap();
            let names: Vec<String> = sqlx::query_scalar("SELECT username FROM users ORDER BY id")
                .fetch_all(&mut c)
                .await
                .unwrap();
            c.close().await.unwrap();
            names
        }
    };
    let create = |name: &str| {
        run(&[
            "user",
            "create",
            "--username",
            name,
            "--password",
            "Some-pass-12",
            "--role",
            "office",
        ])
    };
    assert!(create("kept").0);
    let (ok, said) = run(&["backup", "b.db"]);
    assert!(ok, "{said}");
    let (ok, said) = run(&["backup", "b.db"]);
    assert!(
        !ok && said.contains("exists"),
        "an existing file is not overwritten: {said}"
    );
    assert!(create("later").0);
    assert_eq!(users().await, ["kept", "later"]);

    // In use (a pooled connection that has served a query): refused,
    // nothing replaced.
    let mut holder = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&db)
        .connect()
        .await
        .unwrap();
    sqlx::query("SELECT COUNT(*) FROM users")
        .fetch_one(&mut holder)
        .await
        .unwrap();
    let (ok, said) = run(&["restore", "b.db"]);
    assert!(!ok && said.contains("in use"), "{said}");
    holder.close().await.unwrap();
    assert_eq!(users().await, ["kept", "later"]);

    let (ok, said) = run(&["restore", "b.db"]);
    assert!(ok, "{said}");
    assert_eq!(users().await, ["kept"], "the data as it was backed up");
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("before-restore"))
        .collect();
    assert_eq!(aside.len(), 1, "the replaced database is kept");
    // The restored database serves: migrate brings it up to date.
    let (ok, said) = run(&["migrate"]);
    assert!(ok, "{said}");

    // Not a database, not Duban's, or newer than this binary: refused.
    std::fs::write(dir.path().join("junk.db"), b"not a database at all").unwrap();
    let (ok, said) = run(&["restore", "junk.db"]);
    assert!(!ok && said.contains("not a SQLite database"), "{said}");
    let other = dir.path().join("other.db");
    let mut c = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&other)
        .create_if_missing(true)
        .connect()
        .await
        .unwrap();
    sqlx::query("CREATE TABLE notes (t TEXT)")
        .execute(&mut c)
        .await
        .unwrap();
    c.close().await.unwrap();
    let (ok, said) = run(&["restore", "other.db"]);
    assert!(!ok && said.contains("not a Duban database"), "{said}");
    std::fs::copy(dir.path().join("b.db"), dir.path().join("future.db")).unwrap();
    let mut c = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.path().join("future.db"))
        .connect()
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m29990101_000001_future', 0)",
    )
    .execute(&mut c)
    .await
    .unwrap();
    c.close().await.unwrap();
    let (ok, said) = run(&["restore", "future.db"]);
    assert!(!ok && said.contains("newer"), "{said}");
    assert_eq!(users().await, ["kept"], "refusals leave the database alone");
}

/// On PostgreSQL `duban backup` runs pg_dump (custom format) and `restore`
/// names pg_restore.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_on_postgresql_runs_pg_dump() {
    let Some(database) =
        duban_domain::testing::TestDatabase::fresh(crate::helpers::Store::Postgres).await
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = crate::cli::duban(dir.path(), &[("DUBAN__DATABASE__URL", &database.url)])
            .args(args)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert!(run(&["migrate"]).0);
    let (ok, said) = run(&["backup", "pg.dump"]);
    if said.contains("pg_dump is not on PATH") {
        assert!(!ok && said.contains("pg_dump --format=custom"), "{said}");
        return;
    }
    assert!(ok, "{said}");
    let dump = std::fs::read(dir.path().join("pg.dump")).unwrap();
    assert!(dump.starts_with(b"PGDMP"), "a pg_dump custom-format file");
    let (ok, said) = run(&["restore", "pg.dump"]);
    assert!(!ok && said.contains("pg_restore"), "{said}");
}
