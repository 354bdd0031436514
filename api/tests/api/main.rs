#![allow(clippy::unwrap_used, clippy::expect_used)] // a test binary: failing loudly is the point
//! One integration-test binary: each test boots the real app on port 0
//! against a fresh database of its own, on SQLite and (when
//! DUBAN_TEST_DATABASE_URL is set) on PostgreSQL.

mod helpers;

mod auth;
mod channels;
mod cli;
mod corrections;
mod directory;
mod duties;
mod errors;
mod health;
mod import;
mod import_formats;
mod inspection;
mod lists;
mod matrix;
mod operations;
mod replica;
mod robustness;
mod ui;
mod ui_oversight;
mod workflow;
