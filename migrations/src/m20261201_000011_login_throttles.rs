//! Sign-in failures counted per scope before a password is checked: an
//! account from one source address, an account from every source, and a
//! source address across accounts. Counting names rather than user rows
//! makes an unknown username answer exactly as a known one does.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::index;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000011_login_throttles"
    }
}

#[derive(DeriveIden)]
enum LoginThrottles {
    Table,
    /// SHA-256 (hex) of the scope and the names it counts.
    Key,
    /// The account name as typed (trimmed, shortened), to clear its counts
    /// when an administrator resets the password.
    Account,
    Failures,
    WindowStartedAt,
    LockedUntil,
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginThrottles::Table)
                    .col(string_len(LoginThrottles::Key, 64).primary_key())
                    .col(string_len_null(LoginThrottles::Account, 100))
                    .col(integer(LoginThrottles::Failures).default(0))
                    .col(timestamp_with_time_zone(LoginThrottles::WindowStartedAt))
                    .col(timestamp_with_time_zone_null(LoginThrottles::LockedUntil))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_login_throttles_account",
            "login_throttles",
            &["account"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LoginThrottles::Table).to_owned())
            .await
    }
}
