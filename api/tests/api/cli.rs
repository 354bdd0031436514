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
