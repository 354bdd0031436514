//! The store, picked from the URL scheme: `sqlite://` (embedded default) or
//! `postgres://` (production).
//!
//! SQLite allows one writer at a time. A deferred transaction that reads and
//! then writes fails with SQLITE_BUSY without honouring `busy_timeout`, so on
//! SQLite every write transaction goes through one dedicated connection and
//! opens with a write (see [`Db::begin`]); reads use a pool of their own and,
//! under WAL, never wait for the writer. On PostgreSQL both are one pool.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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
    /// A PostgreSQL read replica (streaming standby) for lists, the board
    /// and statistics; empty: everything reads the primary.
    #[serde(default)]
    pub read_url: Option<String>,
    /// For how long after a person's write their reads go to the primary,
    /// so they see what they just did however far the replica lags.
    #[serde(default = "default_read_your_writes_secs")]
    pub read_your_writes_secs: u64,
}

fn default_read_your_writes_secs() -> u64 {
    5
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: "sqlite://duban.db?mode=rwc".into(),
            max_connections: 16,
            acquire_timeout_secs: 5,
            busy_timeout_ms: 5000,
            read_url: None,
            read_your_writes_secs: default_read_your_writes_secs(),
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
    replica: Option<Replica>,
    memo: Arc<crate::memo::Memo>,
    /// This is the replica's view: reads go to the standby.
    on_replica: bool,
}

/// The read replica and who must not read from it yet.
#[derive(Debug, Clone)]
struct Replica {
    /// The same store with reads on the replica (writes still on the primary).
    view: Arc<Db>,
    /// People who wrote lately, and until when their reads stay on the primary.
    recent: Arc<Mutex<HashMap<i64, Instant>>>,
    window: Duration,
}

/// What the store's data looked like at one read: on SQLite the count of
/// committed write transactions (`write_lock.n`, also bumped by triggers on
/// the listed tables), on PostgreSQL the transaction snapshot
/// (`pg_current_snapshot()`, which changes whenever any transaction that
/// could have changed data commits). Two reads that see the same
/// generation see the same data, so what was read at one serves the other.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Generation(pub String);

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
                if settings
                    .read_url
                    .as_deref()
                    .is_some_and(|u| !u.trim().is_empty())
                {
                    anyhow::bail!(
                        "database.read_url needs a PostgreSQL primary (database.url is SQLite)"
                    );
                }
                Ok(Self {
                    read: SqlxSqliteConnector::from_sqlx_sqlite_pool(read),
                    write: SqlxSqliteConnector::from_sqlx_sqlite_pool(write),
                    store,
                    replica: None,
                    memo: Arc::default(),
                    on_replica: false,
                })
            }
            Store::Postgres => {
                let options = |url: &str| {
                    let mut options = ConnectOptions::new(url.to_owned());
                    options
                        .max_connections(settings.max_connections.max(2))
                        .min_connections(1)
                        .acquire_timeout(acquire)
                        .connect_timeout(acquire)
                        .sqlx_logging(false);
                    options
                };
                let conn = Database::connect(options(&settings.url))
                    .await
                    .with_context(|| {
                        format!("connecting to PostgreSQL at '{}'", redact(&settings.url))
                    })?;
                let replica = match settings.read_url.as_deref().map(str::trim) {
                    Some(url) if !url.is_empty() => {
                        if Store::from_url(url)? != Store::Postgres {
                            anyhow::bail!("database.read_url must be a postgres:// URL");
                        }
                        let replica = Database::connect(options(url)).await.with_context(|| {
                            format!("connecting to the read replica at '{}'", redact(url))
                        })?;
                        Some(Replica {
                            view: Arc::new(Self {
                                read: replica,
                                write: conn.clone(),
                                store,
                                replica: None,
                                memo: Arc::default(),
                                on_replica: true,
                            }),
                            recent: Arc::default(),
                            window: Duration::from_secs(settings.read_your_writes_secs),
                        })
                    }
                    _ => None,
                };
                Ok(Self {
                    read: conn.clone(),
                    write: conn,
                    store,
                    replica,
                    memo: Arc::default(),
                    on_replica: false,
                })
            }
        }
    }

    /// For reads outside a transaction.
    pub fn conn(&self) -> &DatabaseConnection {
        &self.read
    }

    /// Where `user_id`'s reads of lists, the board and statistics go: the
    /// read replica, unless there is none or they wrote within the
    /// read-your-writes window (then the primary, which has their write).
    pub fn reads_for(&self, user_id: i64) -> &Db {
        match &self.replica {
            Some(r) if !r.wrote_lately(user_id) => &r.view,
            _ => self,
        }
    }

    /// Whether this is the replica's view (its reads may lag the primary).
    pub fn on_replica(&self) -> bool {
        self.on_replica
    }

    /// Whether reads may go to a replica at all.
    pub fn has_replica(&self) -> bool {
        self.replica.is_some()
    }

    /// `user_id` just wrote: their reads stay on the primary for the window.
    pub fn note_write(&self, user_id: i64) {
        if let Some(r) = &self.replica {
            r.hold(user_id, Instant::now() + r.window);
        }
    }

    /// `user_id` wrote through another replica of the service, which says
    /// their reads should stay on the primary for `left` more (a cookie).
    pub fn note_write_elsewhere(&self, user_id: i64, left: Duration) {
        if let Some(r) = &self.replica {
            r.hold(user_id, Instant::now() + left.min(r.window));
        }
    }

    /// The read-your-writes window, when there is a replica.
    pub fn read_your_writes_window(&self) -> Option<Duration> {
        self.replica.as_ref().map(|r| r.window)
    }

    /// What the service remembers between requests (callers, list pages).
    pub fn memo(&self) -> &crate::memo::Memo {
        &self.memo
    }

    /// The SQL that reads the generation, as an expression.
    pub fn generation_sql(&self) -> &'static str {
        match self.store {
            Store::Sqlite => "(SELECT CAST(n AS TEXT) FROM write_lock WHERE id = 1)",
            Store::Postgres => "pg_current_snapshot()::text",
        }
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
        let Db {
            read,
            write,
            store,
            replica,
            ..
        } = self;
        if let Some(r) = replica {
            r.view.read.clone().close().await?;
        }
        read.close().await?;
        if store == Store::Sqlite {
            write.close().await?;
        }
        Ok(())
    }
}

impl Replica {
    fn wrote_lately(&self, user_id: i64) -> bool {
        let now = Instant::now();
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        match recent.get(&user_id) {
            Some(until) if *until > now => true,
            Some(_) => {
                recent.remove(&user_id);
                false
            }
            None => false,
        }
    }

    fn hold(&self, user_id: i64, until: Instant) {
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        // Forget those whose window has passed before the map grows large.
        if recent.len() > 10_000 {
            let now = Instant::now();
            recent.retain(|_, t| *t > now);
        }
        let e = recent.entry(user_id).or_insert(until);
        *e = (*e).max(until);
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
