#![allow(clippy::unwrap_used, clippy::expect_used)] // a test binary: failing loudly is the point
//! The jobs against a real store (SQLite, and PostgreSQL when
//! DUBAN_TEST_DATABASE_URL is set) and a real SMTP conversation over TCP.
//! Time comes from a manual clock; nothing sleeps to wait for it.

mod batched;
mod dispatch;
mod duties;
mod escalations;
mod helpers;
mod reminders;
mod retention;
mod robot_server;
mod robots;
mod runs;
mod smtp;
