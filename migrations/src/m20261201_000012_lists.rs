//! Lists at scale (issue 16).
//!
//! The overdue filter (open, not suspended, due by now) had to read every
//! open row's table page to check `suspended_at` (added with suspension,
//! after the open-items index): a partial index over open, running items
//! answers it — count and page — from the index alone.
//!
//! The data generation lists are cached by (domain `db::Generation`): on
//! SQLite, `write_lock.n` counts write transactions (`Db::begin` bumps it);
//! these triggers bump it also for any change to the tables a list line
//! reads that did not go through `Db::begin` (a test's direct write, another
//! program on the same file), so a cached page is never older than the
//! data. PostgreSQL uses its transaction snapshot instead and needs nothing.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000012_lists"
    }
}

/// The tables whose rows make up an assignment's list line.
const TABLES: [&str; 4] = ["assignments", "tasks", "plans", "units"];
const EVENTS: [&str; 3] = ["insert", "update", "delete"];

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        // Written as the list's filter spells it (OPEN_SQL, `suspended_at IS
        // NULL`), so that SQLite can match the partial index.
        conn.execute_unprepared(
            "CREATE INDEX IF NOT EXISTS ix_assignments_running_due ON assignments (due_at, id) \
             WHERE status IN ('issued', 'acknowledged', 'in_progress', 'pending_review', 'returned') \
             AND suspended_at IS NULL",
        )
        .await?;
        if manager.get_database_backend() != sea_orm_migration::sea_orm::DbBackend::Sqlite {
            return Ok(());
        }
        for t in TABLES {
            for e in EVENTS {
                conn.execute_unprepared(&format!(
                    "CREATE TRIGGER IF NOT EXISTS generation_{t}_{e} AFTER {e} ON {t} \
                     BEGIN UPDATE write_lock SET n = n + 1 WHERE id = 1; END"
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        conn.execute_unprepared("DROP INDEX IF EXISTS ix_assignments_running_due")
            .await?;
        if manager.get_database_backend() != sea_orm_migration::sea_orm::DbBackend::Sqlite {
            return Ok(());
        }
        for t in TABLES {
            for e in EVENTS {
                conn.execute_unprepared(&format!("DROP TRIGGER IF EXISTS generation_{t}_{e}"))
                    .await?;
            }
        }
        Ok(())
    }
}
