//! The `duban` binary as a person at a terminal uses it.

use std::process::Command;

use reqwest::StatusCode;

pub(crate) fn duban(dir: &std::path::Path, env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_duban"));
    c.current_dir(dir)
        .env("DUBAN_CONFIG_DIR", crate::helpers::config_dir())
        .env_remove("DUBAN_ENV")
        .env_remove("DUBAN__AUTH__JWT_SECRET")
        .env_remove("DUBAN__DATABASE__URL")
        .env("RUST_LOG", "warn");
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

#[test]
fn production_refuses_to_start_without_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/d.db?mode=rwc", dir.path().display());
    let out = duban(
        dir.path(),
        &[("DUBAN_ENV", "production"), ("DUBAN__DATABASE__URL", &url)],
    )
    .args(["serve", "--no-jobs"])
    .output()
    .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("DUBAN__AUTH__JWT_SECRET"), "{err}");
    assert!(
        !dir.path().join("d.db").exists(),
        "nothing is touched before the check"
    );
}

#[test]
fn user_create_reports_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/d.db?mode=rwc", dir.path().display());
    let out = duban(dir.path(), &[("DUBAN__DATABASE__URL", &url)])
        .args([
            "user",
            "create",
            "--username",
            "clerk",
            "--password",
            "short",
            "--role",
            "unit_staff",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--password") && err.contains("--unit-id"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_create_then_sign_in_through_serve() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/d.db?mode=rwc", dir.path().display());
    let out = duban(dir.path(), &[("DUBAN__DATABASE__URL", &url)])
        .args([
            "user",
            "create",
            "--username",
            "chief",
            "--password",
            "Chief-pass-1",
            "--role",
            "admin,inspector",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = duban(dir.path(), &[("DUBAN__DATABASE__URL", &url)])
        .args([
            "user",
            "create",
            "--username",
            "chief",
            "--password",
            "Chief-pass-1",
            "--role",
            "admin",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success(), "a second 'chief' is refused");
    let out = duban(dir.path(), &[("DUBAN__DATABASE__URL", &url)])
        .args(["user", "create", "--username", "gen", "--role", "leader"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let generated = stdout
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .expect("a generated password is printed")
        .to_owned();

    // The app over the same database: no first admin is made, the CLI's users sign in.
    let settings = crate::helpers::test_settings(&url, &[]);
    let app = duban_api::startup::Application::build(
        settings,
        std::sync::Arc::new(duban_domain::clock::SystemClock),
    )
    .await
    .unwrap();
    assert!(app.first_admin.is_none());
    let base = format!("http://127.0.0.1:{}/api/v1", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    for (u, p) in [("chief", "Chief-pass-1"), ("gen", generated.as_str())] {
        let r = client
            .post(format!("{base}/auth/login"))
            .json(&serde_json::json!({"username": u, "password": p}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{u}");
    }
}

#[test]
fn serve_prints_the_first_admin_and_stops_cleanly_on_sigterm() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/d.db?mode=rwc", dir.path().display());
    let mut child = duban(
        dir.path(),
        &[
            ("DUBAN__DATABASE__URL", &url),
            ("DUBAN__SERVER__BIND", "127.0.0.1:0"),
        ],
    )
    .args(["serve", "--no-jobs"])
    .stdout(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut password = None;
    let mut base = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(p) = line.trim().strip_prefix("password: ") {
            password = Some(p.to_owned());
        }
        if let Some(b) = line.strip_prefix("Duban is listening on ") {
            base = Some(b.trim().to_owned());
            break;
        }
    }
    let (password, base) = (
        password.expect("first admin password printed"),
        base.expect("address printed"),
    );
    let login = std::process::Command::new("curl")
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "-H",
            "content-type: application/json",
        ])
        .args([
            "-d",
            &format!(r#"{{"username":"admin","password":"{password}"}}"#),
        ])
        .arg(format!("{base}/api/v1/auth/login"))
        .output();
    if let Ok(out) = login {
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "200",
            "the printed password signs in"
        );
    }
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = std::time::Instant::now();
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            assert!(exit.success(), "exit after SIGTERM: {exit:?}");
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "still running after SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Waits for `child` to exit, at most `bound`; answers its status.
fn wait_exit(
    child: &mut std::process::Child,
    bound: std::time::Duration,
) -> std::process::ExitStatus {
    let started = std::time::Instant::now();
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            return exit;
        }
        if started.elapsed() > bound {
            let _ = child.kill();
            panic!("still running {bound:?} after SIGTERM");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// SIGTERM while the mail server hangs (it accepts and never greets): the
/// process ends within the jobs' grace plus the HTTP drain, not at the send
/// timeout (120 s here), and leaves no notification claimed: each is due
/// again for the next start.
#[test]
fn sigterm_while_the_mail_server_hangs_ends_within_the_grace_and_hands_the_claims_back() {
    use std::io::{BufRead, BufReader};
    let hanging = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = hanging.local_addr().unwrap().port().to_string();
    let (accepted, connected) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        while let Ok((stream, _)) = hanging.accept() {
            held.push(stream);
            let _ = accepted.send(());
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/d.db?mode=rwc", dir.path().display());
    let mut child = duban(
        dir.path(),
        &[
            ("DUBAN__DATABASE__URL", &url),
            ("DUBAN__SERVER__BIND", "127.0.0.1:0"),
            ("DUBAN__SERVER__SHUTDOWN_TIMEOUT_SECS", "2"),
            ("DUBAN__MAIL__TRANSPORT", "smtp"),
            ("DUBAN__MAIL__SMTP__HOST", "127.0.0.1"),
            ("DUBAN__MAIL__SMTP__PORT", &port),
            ("DUBAN__MAIL__SMTP__TLS", "none"),
            ("DUBAN__MAIL__SMTP__TIMEOUT_SECS", "120"),
            ("DUBAN__JOBS__SCHEDULES__DISPATCH", "* * * * * *"),
            ("DUBAN__JOBS__SHUTDOWN_GRACE_SECS", "2"),
        ],
    )
    .args(["serve", "--demo"])
    .stdout(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    std::thread::spawn(move || for _ in lines {});
    connected
        .recv_timeout(std::time::Duration::from_secs(120))
        .expect("the dispatcher connects to the mail server");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = wait_exit(&mut child, std::time::Duration::from_secs(30));
    assert!(exit.success(), "exit after SIGTERM: {exit:?}");

    let rt = tokio::runtime::Runtime::new().unwrap();
    let (sending, pending) = rt.block_on(async {
        use sea_orm::{ConnectionTrait, Statement};
        let db = sea_orm::Database::connect(&url).await.unwrap();
        let count = async |status: &str| {
            db.query_one(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM notifications WHERE status = '{status}'"),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap()
        };
        (count("sending").await, count("pending").await)
    });
    assert_eq!(sending, 0, "no claim left behind");
    assert!(pending > 0, "the demo's notices wait for the next start");
}

#[test]
fn import_from_the_command_line_dry_run_then_store() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/d.db?mode=rwc", dir.path().display());
    let notice = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/nantong-2013-35.txt");
    let notice = notice.to_str().unwrap();
    // A dry run prints the plan and creates no database at all.
    let out = duban(dir.path(), &[("DUBAN__DATABASE__URL", &url)])
        .args(["import", notice, "--dry-run", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let js: serde_json::Value = serde_json::from_slice(&out.stdout).expect("pure JSON on stdout");
    assert_eq!(js["plan"]["doc_no"], "通政办发〔2013〕35号");
    assert_eq!(js["tasks"].as_array().unwrap().len(), 22);
    assert!(
        !dir.path().join("d.db").exists(),
        "a dry run writes nothing"
    );
    // Storing needs an office user to record it under.
    let out = duban(dir.path(), &[("DUBAN__DATABASE__URL", &url)])
        .args(["import", notice])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--role office"));
    let out = duban(dir.path(), &[("DUBAN__DATABASE__URL", &url)])
        .args([
            "user",
            "create",
            "--username",
            "office",
            "--password",
            "Office-pass-1",
            "--role",
            "office",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = duban(dir.path(), &[("DUBAN__DATABASE__URL", &url)])
        .args(["import", notice, "--create-units", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let js: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(js["plan_id"].as_i64().is_some());
    assert!(
        js["created_units"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u == "市卫生局")
    );
    assert!(js["assignments"].as_u64().unwrap() >= 22);
    // The human summary names what is left to do.
    let out = duban(dir.path(), &[("DUBAN__DATABASE__URL", &url)])
        .args(["import", notice, "--dry-run"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("22 tasks") && text.contains("Dry run: nothing was written."),
        "{text}"
    );
}
