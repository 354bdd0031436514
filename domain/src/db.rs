//! The store, picked from the URL scheme: `sqlite://` (embedded default) or
//! `postgres://` (production).
//!
//! SQLite allows one writer at a time. A deferred transaction that reads and
//! then writes fails with SQLITE_BUSY without honouring `busy_timeout`, so on
//! SQLite every write transaction goes through one dedicated connection and
//! opens with a write (see [`Db::begin`]); reads use a pool of their own and,
//! under WAL, never wait for the writer. On PostgreSQL both are one pool.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqlxSqliteConnector, TransactionTrait,
};
use serde::Deserialize;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// `[database]` in the configuration.
#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// `sqlite://FILE?mode=rwc` or `postgres://user@host/db`.
    pub url: String,
    /// Pool size for reads (and, on PostgreSQL, writes).
    pub max_connections: u32,
    pub acquire_timeout_secs: u64,
    /// How long a SQLite writer waits for another process's write lock.
    pub busy_timeout_ms: u64,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: "sqlite://duban.db?mode=rwc".into(),
            max_connections: 16,
            acquire_timeout_secs: 5,
            busy_timeout_ms: 5000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    Sqlite,
    Postgres,
}

impl Store {
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Store::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Store::Postgres)
        } else {
            anyhow::bail!(
                "database.url must start with sqlite:// or postgres:// (got '{}')",
                redact(url)
            )
        }
    }
}

/// Hides a password in a URL before it reaches a log or an error message.
/// Whether an error means the store cannot be reached right now (no
/// connection, the pool exhausted or closed, the server shutting down or
/// refusing connections) rather than that the request was wrong: such a
/// request may succeed if tried again shortly.
pub fn is_unreachable(e: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    let sqlx = match e {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
        DbErr::Exec(RuntimeErr::SqlxError(s)) | DbErr::Query(RuntimeErr::SqlxError(s)) => s,
        _ => return false,
    };
    use sea_orm::sqlx::Error as X;
    match sqlx {
        X::Io(_) | X::Tls(_) | X::PoolTimedOut | X::PoolClosed | X::WorkerCrashed => true,
        // PostgreSQL: connection exceptions (08…), the server shutting down
        // or starting (57P01–57P03), connections not allowed (55000 on a
        // database closed to connections).
        X::Database(d) => d.code().is_some_and(|c| {
            c.starts_with("08") || ["57P01", "57P02", "57P03"].contains(&c.as_ref())
        }),
        _ => false,
    }
}

/// [`is_unreachable`] anywhere in an error's chain.
pub fn is_unreachable_cause(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<sea_orm::DbErr>()
            .is_some_and(is_unreachable)
    })
}

pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s + 3 => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[derive(Debug, Clone)]
pub struct Db {
    read: DatabaseConnection,
    write: DatabaseConnection,
    store: Store,
}

impl Db {
    pub async fn connect(settings: &DatabaseSettings) -> anyhow::Result<Self> {
        let store = Store::from_url(&settings.url)?;
        let acquire = Duration::from_secs(settings.acquire_timeout_secs.max(1));
        match store {
            Store::Sqlite => {
                let options = SqliteConnectOptions::from_str(&settings.url)
                    .with_context(|| format!("reading database.url '{}'", settings.url))?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_millis(settings.busy_timeout_ms))
                    // Map the file instead of copying pages through read(2) into
                    // each connection's own cache.
                    .pragma("mmap_size", "268435456")
                    // Keep the planner's statistics fresh as connections close.
                    .optimize_on_close(true, 1000);
                let write = SqlitePoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(acquire.max(Duration::from_millis(settings.busy_timeout_ms)))
                    .connect_with(options.clone())
                    .await
                    .with_context(|| format!("opening SQLite database '{}'", settings.url))?;
                let read = SqlitePoolOptions::new()
                    .max_connections(settings.max_connections.max(1))
                    .acquire_timeout(acquire)
                    .connect_with(options)
                    .await
                    .with_context(|| format!("opening SQLite database '{}'", settings.url))?;
                Ok(Self {
                    read: SqlxSqliteConnector::from_sqlx_sqlite_pool(read),
                    write: SqlxSqliteConnector::from_sqlx_sqlite_pool(write),
                    store,
                })
            }
            Store::Postgres => {
                let mut options = ConnectOptions::new(settings.url.clone());
                options
                    .max_connections(settings.max_connections.max(2))
                    .min_connections(1)
                    .acquire_timeout(acquire)
                    .connect_timeout(acquire)
                    .sqlx_logging(false);
                let conn = Database::connect(options).await.with_context(|| {
                    format!("connecting to PostgreSQL at '{}'", redact(&settings.url))
                })?;
                Ok(Self {
                    read: conn.clone(),
                    write: conn,
                    store,
                })
            }
        }
    }

    /// For reads outside a transaction.
    pub fn conn(&self) -> &DatabaseConnection {
        &self.read
    }

    /// The connection migrations and other schema work run on.
    pub fn schema_conn(&self) -> &DatabaseConnection {
        &self.write
    }

    pub fn store(&self) -> Store {
        self.store
    }

    pub fn backend(&self) -> DbBackend {
        self.read.get_database_backend()
    }

    /// Opens a write transaction. On SQLite its first statement takes the
    /// write lock, so waiting for another process honours `busy_timeout`
    /// instead of failing at the first write after a read.
    pub async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        let txn = self.write.begin().await?;
        if self.store == Store::Sqlite {
            txn.execute_unprepared("UPDATE write_lock SET n = n + 1 WHERE id = 1")
                .await?;
        }
        Ok(txn)
    }

    /// Each pool's connections, open and idle: `("read" | "write", open,
    /// idle)`; PostgreSQL has one pool, named `read`.
    pub fn pool_use(&self) -> Vec<(&'static str, u32, usize)> {
        let sqlite = |c: &DatabaseConnection| {
            let p = c.get_sqlite_connection_pool();
            (p.size(), p.num_idle())
        };
        match self.store {
            Store::Sqlite => {
                let (r, w) = (sqlite(&self.read), sqlite(&self.write));
                vec![("read", r.0, r.1), ("write", w.0, w.1)]
            }
            Store::Postgres => {
                let p = self.read.get_postgres_connection_pool();
                vec![("read", p.size(), p.num_idle())]
            }
        }
    }

    pub async fn ping(&self) -> Result<(), DbErr> {
        self.read.ping().await
    }

    pub async fn close(self) -> Result<(), DbErr> {
        let Db { read, write, store } = self;
        read.close().await?;
        if store == Store::Sqlite {
            write.close().await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://duban:s3cret@db.example:5432/duban"),
            "postgres://duban:***@db.example:5432/duban"
        );
        assert_eq!(
            redact("postgres://duban@db/duban"),
            "postgres://duban@db/duban"
        );
        assert_eq!(
            redact("sqlite://duban.db?mode=rwc"),
            "sqlite://duban.db?mode=rwc"
        );
    }

    #[test]
    fn the_store_comes_from_the_scheme() {
        assert_eq!(Store::from_url("sqlite://x.db").unwrap(), Store::Sqlite);
        assert_eq!(
            Store::from_url("postgresql://h/db").unwrap(),
            Store::Postgres
        );
        let err = Store::from_url("mysql://root:pw@h/db")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("sqlite:// or postgres://") && !err.contains("pw"),
            "{err}"
        );
    }
}

#[cfg(test)]
mod unreachable_tests {
    use super::*;
    use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr};

    #[test]
    fn connection_failures_are_unreachable_and_bad_queries_are_not() {
        assert!(is_unreachable(&DbErr::ConnectionAcquire(
            ConnAcquireErr::Timeout
        )));
        assert!(is_unreachable(&DbErr::Conn(RuntimeErr::Internal(
            "refused".into()
        ))));
        assert!(is_unreachable(&DbErr::Exec(RuntimeErr::SqlxError(
            sea_orm::sqlx::Error::PoolTimedOut
        ))));
        assert!(!is_unreachable(&DbErr::RecordNotFound("x".into())));
        assert!(!is_unreachable(&DbErr::Query(RuntimeErr::Internal(
            "syntax".into()
        ))));
        let wrapped =
            anyhow::Error::new(DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed))
                .context("database error during list");
        assert!(is_unreachable_cause(&wrapped));
    }
}
