//! Group robots beside e-mail: a robot's name as the office knows it, and
//! its sending window (each platform limits a robot to about twenty
//! messages a minute; dispatchers share the count through these columns),
//! and a pause after the platform asked us to slow down. The dispatcher
//! finds a robot's due rows by `channel_id`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{add_columns, drop_columns, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000009_channels"
    }
}

#[derive(DeriveIden)]
enum UnitChannels {
    Table,
    Name,
    WindowStartedAt,
    WindowSends,
    PausedUntil,
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_columns(
            manager,
            UnitChannels::Table,
            vec![
                string_len_null(UnitChannels::Name, 100).take(),
                timestamp_with_time_zone_null(UnitChannels::WindowStartedAt).take(),
                integer(UnitChannels::WindowSends).default(0).take(),
                timestamp_with_time_zone_null(UnitChannels::PausedUntil).take(),
            ],
        )
        .await?;
        index(
            manager,
            "ix_notifications_channel",
            "notifications",
            &["channel_id", "status"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_notifications_channel")
                    .table(Alias::new("notifications"))
                    .to_owned(),
            )
            .await?;
        drop_columns(
            manager,
            UnitChannels::Table,
            vec![
                UnitChannels::Name,
                UnitChannels::WindowStartedAt,
                UnitChannels::WindowSends,
                UnitChannels::PausedUntil,
            ],
        )
        .await
    }
}
