//! `duban backup FILE` and `duban restore FILE`.
//!
//! SQLite: the backup is an online, consistent copy (`VACUUM INTO`) taken
//! while the service runs; a restore replaces the database file while the
//! service is stopped, after checking that the file is a Duban database no
//! newer than this binary, and keeps the file it replaced beside it.
//! PostgreSQL: `pg_dump` (custom format) when it is on PATH, else the
//! command to run; restore with `pg_restore` (see docs/DEPLOYMENT.md).

use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{Context, bail};
use duban_domain::db::{Db, Store};
use duban_migrations::{Migrator, MigratorTrait};
use sqlx::sqlite::{SqliteConnectOptions, SqliteLockingMode};
use sqlx::{ConnectOptions, Connection, Row};

use crate::settings::Settings;

/// The file a `sqlite://` URL names.
fn sqlite_file(url: &str) -> anyhow::Result<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path.contains(":memory:") {
        bail!("database.url names no file ('{url}'): nothing to back up or restore");
    }
    Ok(PathBuf::from(path))
}

/// A string as an SQL literal.
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Writes a consistent copy of the configured database to `file`.
pub async fn backup(settings: &Settings, file: &Path) -> anyhow::Result<String> {
    if file.exists() {
        bail!("{} exists already: choose a new file name", file.display());
    }
    match Store::from_url(&settings.database.url)? {
        Store::Sqlite => {
            let db = Db::connect(&settings.database).await?;
            let target = file
                .to_str()
                .with_context(|| format!("{}: the path must be UTF-8", file.display()))?;
            // An online backup: readers and the writer carry on meanwhile.
            let done = sea_orm::ConnectionTrait::execute_unprepared(
                db.conn(),
                &format!("VACUUM INTO {}", literal(target)),
            )
            .await
            .with_context(|| format!("backing up to {}", file.display()));
            db.close().await?;
            done?;
            let size = std::fs::metadata(file)?.len();
            Ok(format!(
                "backed up the SQLite database to {} ({size} bytes); restore it with `duban restore {}` while the service is stopped",
                file.display(),
                file.display()
            ))
        }
        Store::Postgres => pg_dump(&settings.database.url, file),
    }
}

/// `pg_dump -Fc` of the configured database, the password passed in the
/// environment rather than on the command line.
fn pg_dump(database_url: &str, file: &Path) -> anyhow::Result<String> {
    let mut url = url::Url::parse(database_url).context("reading database.url")?;
    let password = url.password().map(str::to_owned);
    let _ = url.set_password(None);
    let mut cmd = std::process::Command::new("pg_dump");
    cmd.args(["--format=custom", "--no-owner", "--file"])
        .arg(file)
        .arg("--dbname")
        .arg(url.as_str());
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    match cmd.status() {
        Ok(s) if s.success() => Ok(format!(
            "backed up the PostgreSQL database with pg_dump to {}; restore it with `pg_restore --clean --if-exists --no-owner -d DATABASE {}`",
            file.display(),
            file.display()
        )),
        Ok(s) => bail!(
            "pg_dump failed ({s}); nothing usable was written to {}",
            file.display()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "the store is PostgreSQL and pg_dump is not on PATH: install the PostgreSQL client, or run on a host that has it:\n  pg_dump --format=custom --no-owner --file {} --dbname '{}'",
            file.display(),
            duban_domain::db::redact(database_url)
        ),
        Err(e) => Err(e).context("running pg_dump"),
    }
}

/// Checks that `file` is a Duban SQLite database that this binary can run:
/// its tables are there and every migration it has applied is one this
/// binary knows. Answers how many migrations it has.
async fn check_backup(file: &Path) -> anyhow::Result<usize> {
    let mut head = [0u8; 16];
    let read = std::fs::File::open(file)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head).map(|_| ()));
    if read.is_err() || &head != b"SQLite format 3\0" {
        bail!(
            "{} is not a SQLite database: refusing to restore it",
            file.display()
        );
    }
    let mut conn = SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .connect()
        .await
        .with_context(|| format!("opening {}", file.display()))?;
    let tables: i64 = sqlx::query(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('seaql_migrations', 'plans', 'assignments', 'users', 'audit_events')",
    )
    .fetch_one(&mut conn)
    .await?
    .try_get(0)?;
    if tables != 5 {
        bail!(
            "{} is not a Duban database (its tables are missing): refusing to restore it",
            file.display()
        );
    }
    let applied: Vec<String> = sqlx::query("SELECT version FROM seaql_migrations")
        .fetch_all(&mut conn)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>(0))
        .collect::<Result<_, _>>()?;
    conn.close().await?;
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    if let Some(newer) = applied.iter().find(|v| !known.contains(v)) {
        bail!(
            "{} was made by a newer Duban (migration {newer} is unknown to this binary): restore it with that version or later",
            file.display()
        );
    }
    Ok(applied.len())
}

/// Replaces the configured SQLite database with `file`, the service stopped.
pub async fn restore(settings: &Settings, file: &Path) -> anyhow::Result<String> {
    if Store::from_url(&settings.database.url)? == Store::Postgres {
        bail!(
            "the store is PostgreSQL: restore a pg_dump file with `pg_restore --clean --if-exists --no-owner -d '{}' FILE` while the service is stopped",
            duban_domain::db::redact(&settings.database.url)
        );
    }
    let migrations = check_backup(file).await?;
    let target = sqlite_file(&settings.database.url)?;
    let mut kept = None;
    if target.exists() {
        // Refuse while anything has the database open: an exclusive lock
        // cannot be had while a server's pool holds a connection.
        let mut lock = SqliteConnectOptions::from_str(&format!("sqlite://{}", target.display()))?
            .locking_mode(SqliteLockingMode::Exclusive)
            .busy_timeout(std::time::Duration::ZERO)
            .connect()
            .await
            .with_context(|| format!("opening {}", target.display()))?;
        if sqlx::query("BEGIN EXCLUSIVE")
            .execute(&mut lock)
            .await
            .is_err()
        {
            bail!(
                "{} is in use: stop the service (and every `duban jobs run`) before restoring",
                target.display()
            );
        }
        sqlx::query("COMMIT").execute(&mut lock).await?;
        lock.close().await?;
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let aside = PathBuf::from(format!("{}.before-restore-{stamp}", target.display()));
        std::fs::rename(&target, &aside)
            .with_context(|| format!("moving {} aside", target.display()))?;
        kept = Some(aside);
    }
    // A write-ahead log left beside the old file belongs to it, not to the backup.
    for suffix in ["-wal", "-shm"] {
        let stale = PathBuf::from(format!("{}{suffix}", target.display()));
        if stale.exists() {
            std::fs::remove_file(&stale)
                .with_context(|| format!("removing {}", stale.display()))?;
        }
    }
    let incoming = PathBuf::from(format!("{}.restoring", target.display()));
    std::fs::copy(file, &incoming).with_context(|| format!("copying {}", file.display()))?;
    std::fs::File::open(&incoming)?.sync_all()?;
    std::fs::rename(&incoming, &target)
        .with_context(|| format!("putting the backup in place at {}", target.display()))?;
    Ok(format!(
        "restored {} ({migrations} migrations) to {}{}; `duban serve` brings its schema up to date",
        file.display(),
        target.display(),
        kept.map(|k| format!("; the database it replaced is kept as {}", k.display()))
            .unwrap_or_default()
    ))
}
