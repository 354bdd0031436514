#![allow(clippy::unwrap_used, clippy::expect_used)] // a test binary: failing loudly is the point
//! The web UI in a real browser: boots the app on port 0 with a fresh
//! database (as the API tests do) and runs the Playwright suite
//! (`ui_suite.py`, Debian's Chromium) against it, as a clerk, a department
//! head, the office and an inspector would use it.
//!
//! Needs `/usr/bin/chromium` and a Python with Playwright: the one named by
//! `DUBAN_PLAYWRIGHT_PYTHON`, else `target/playwright-venv` (made by
//! `.ci/run`). In CI (`CI` set) a missing browser or venv fails the test;
//! elsewhere it is skipped with a loud message.

#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use std::path::{Path, PathBuf};
use std::process::Command;

use helpers::{Store, TestApp};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn has_playwright(python: &Path) -> bool {
    python.exists()
        && Command::new(python)
            .args(["-c", "import playwright.sync_api"])
            .output()
            .is_ok_and(|o| o.status.success())
}

/// The Python to run the suite with, or why there is none.
fn python() -> Result<PathBuf, String> {
    if !Path::new("/usr/bin/chromium").exists() {
        return Err("no /usr/bin/chromium (apt-get install chromium fonts-noto-cjk)".into());
    }
    let mut tried = Vec::new();
    let candidates = std::env::var_os("DUBAN_PLAYWRIGHT_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain([repo().join("target/playwright-venv/bin/python")]);
    for p in candidates {
        if has_playwright(&p) {
            return Ok(p);
        }
        tried.push(p.display().to_string());
    }
    Err(format!(
        "no Python with Playwright (tried {}); make one with: python3 -m venv target/playwright-venv && target/playwright-venv/bin/pip install playwright",
        tried.join(", ")
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_supervision_cycle_in_chromium() {
    let python = match python() {
        Ok(p) => p,
        Err(why) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must run the browser tests: {why}"
            );
            eprintln!("\n!!!!!!!!\n!!! SKIPPING the browser tests: {why}\n!!!!!!!!\n");
            return;
        }
    };
    let app = TestApp::spawn_with(Store::Sqlite, &[])
        .await
        .expect("SQLite is always available");
    let shots = std::env::var("DUBAN_SCREENSHOTS").unwrap_or_default();
    let suite = repo().join("api/tests/browser/ui_suite.py");
    let base = app.base.clone();
    let token = app.admin_token.clone();
    let today = app.clock_today();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(suite)
            .env("DUBAN_BASE", base)
            .env("DUBAN_ADMIN_TOKEN", token)
            .env("DUBAN_TODAY", today)
            .env("DUBAN_SCREENSHOTS", shots)
            .status()
    })
    .await
    .unwrap()
    .expect("run the Playwright suite");
    assert!(
        out.success(),
        "the browser suite failed (its output is above)"
    );
}
