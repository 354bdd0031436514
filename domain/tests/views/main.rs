#![allow(clippy::unwrap_used, clippy::expect_used)] // a test binary: failing loudly is the point
//! The domain functions the web UI reads through (workbench tiles, the
//! extension queue, the history as people read it, the 交办 preview, the
//! item view, picking units by name, changing one's own password), on
//! SQLite and, when DUBAN_TEST_DATABASE_URL is set, PostgreSQL.

mod account;
mod helpers;
mod queues;
mod reading;
mod standing;

pub use helpers::*;
