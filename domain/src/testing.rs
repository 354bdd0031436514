//! Test support (feature `test-support`): a fresh database per test, on
//! SQLite or on the PostgreSQL server named by `DUBAN_TEST_DATABASE_URL`.
//! Failing loudly is the point here, hence the expects.
#![allow(clippy::expect_used)]

use crate::db::Store;

/// A database of the test's own, removed when dropped.
pub struct TestDatabase {
    pub url: String,
    pub store: Store,
    pg: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

impl TestDatabase {
    /// A fresh database; None for PostgreSQL when it is not configured,
    /// except in CI (`CI` set), where that is a failure: the PostgreSQL run
    /// is never skipped there.
    pub async fn fresh(store: Store) -> Option<TestDatabase> {
        let dir = tempfile::tempdir().expect("a temporary directory");
        match store {
            Store::Sqlite => Some(TestDatabase {
                url: format!("sqlite://{}/duban.db?mode=rwc", dir.path().display()),
                store,
                pg: None,
                _dir: dir,
            }),
            Store::Postgres => {
                let Ok(admin_url) = std::env::var("DUBAN_TEST_DATABASE_URL") else {
                    assert!(
                        std::env::var_os("CI").is_none(),
                        "CI must run the PostgreSQL tests: set DUBAN_TEST_DATABASE_URL"
                    );
                    eprintln!("skipping the PostgreSQL run: DUBAN_TEST_DATABASE_URL is not set");
                    return None;
                };
                use sqlx::Connection;
                let name = format!("duban_t_{}", unique());
                let mut conn = sqlx::PgConnection::connect(&admin_url)
                    .await
                    .expect("connect to DUBAN_TEST_DATABASE_URL");
                sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut conn)
                    .await
                    .expect("create a test database");
                Some(TestDatabase {
                    url: replace_db_name(&admin_url, &name),
                    store,
                    pg: Some((admin_url, name)),
                    _dir: dir,
                })
            }
        }
    }

    /// A directory that lives as long as the database (attachments, mail files).
    pub fn dir(&self) -> &std::path::Path {
        self._dir.path()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.pg.take() else {
            return;
        };
        // Drop runs inside the test's runtime: use a thread with its own.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                use sqlx::Connection;
                if let Ok(mut c) = sqlx::PgConnection::connect(&admin_url).await {
                    let _ =
                        sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                            .execute(&mut c)
                            .await;
                }
            });
        })
        .join();
    }
}

fn unique() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{}_{nanos}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map(|i| i + scheme_end);
    let host = path_start.map_or(base, |i| &base[..i]);
    match query {
        Some(q) => format!("{host}/{name}?{q}"),
        None => format!("{host}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_database_name_is_replaced_and_the_query_kept() {
        assert_eq!(
            super::replace_db_name("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            super::replace_db_name("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(
            super::replace_db_name("postgres://u@h", "x"),
            "postgres://u@h/x"
        );
    }
}
