//! The outbox as the message catalogue needs it.
//!
//! - A row keeps the message itself (its kind and values, as JSON) instead
//!   of text written when it was queued, so every channel renders it from
//!   the catalogue's templates. Rows written before keep their text as a
//!   `legacy` message; kinds take the catalogue's names.
//! - A row goes to one address on one channel: a person (e-mail and their
//!   notification list), a unit's contact address (a unit nobody can be
//!   told about in person), or a unit's group robot (`unit_channels`).
//!
//! SQLite cannot make a column nullable in place, so the table is rebuilt
//! (with its attempts, which point at it) and the rows copied.

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{big_pk, fk, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000005_catalogue"
    }
}

#[derive(DeriveIden)]
enum UnitChannels {
    Table,
    Id,
    UnitId,
    Kind,
    Url,
    Secret,
    Active,
    LastError,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum Outbox {
    #[sea_orm(iden = "notifications_v2")]
    Table,
    Id,
    DedupeKey,
    Kind,
    Channel,
    RecipientUserId,
    RecipientUnitId,
    ChannelId,
    AssignmentId,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    MessageId,
    LastError,
    ReadAt,
    SentAt,
    CreatedAt,
    ClaimedBy,
    ClaimedUntil,
}

#[derive(DeriveIden)]
enum Attempts {
    #[sea_orm(iden = "notification_attempts_v2")]
    Table,
    Id,
    NotificationId,
    Attempt,
    At,
    Outcome,
    MessageId,
    Error,
}

const COPY_COLUMNS: &str = "id, dedupe_key, recipient_user_id, assignment_id, status, attempts, \
     next_attempt_at, message_id, last_error, read_at, sent_at, created_at, claimed_by, claimed_until";

const KIND: &str = "CASE kind WHEN 'comment' THEN 'remark' WHEN 'report_reminder' THEN 'report_due' \
     WHEN 'reviewed' THEN CASE WHEN body LIKE '%退回%' THEN 'returned' ELSE 'approved' END \
     ELSE kind END";

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UnitChannels::Table)
                    .col(big_pk(UnitChannels::Id))
                    .col(big_integer(UnitChannels::UnitId))
                    .col(string_len(UnitChannels::Kind, 16))
                    .col(string_len(UnitChannels::Url, 1000))
                    .col(string_len_null(UnitChannels::Secret, 300))
                    .col(boolean(UnitChannels::Active).default(true))
                    .col(text_null(UnitChannels::LastError))
                    .col(timestamp_with_time_zone(UnitChannels::CreatedAt))
                    .col(big_integer_null(UnitChannels::CreatedBy))
                    .foreign_key(&mut fk(
                        "fk_unit_channels_unit",
                        UnitChannels::Table,
                        UnitChannels::UnitId,
                        Alias::new("units"),
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_unit_channels_unit",
            "unit_channels",
            &["unit_id"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(big_pk(Outbox::Id))
                    .col(string_len_uniq(Outbox::DedupeKey, 200))
                    .col(string_len(Outbox::Kind, 32))
                    .col(string_len(Outbox::Channel, 16).default("email"))
                    .col(big_integer_null(Outbox::RecipientUserId))
                    .col(big_integer_null(Outbox::RecipientUnitId))
                    .col(big_integer_null(Outbox::ChannelId))
                    .col(big_integer_null(Outbox::AssignmentId))
                    .col(json(Outbox::Payload))
                    .col(string_len(Outbox::Status, 16))
                    .col(integer(Outbox::Attempts).default(0))
                    .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                    .col(string_len_null(Outbox::MessageId, 200))
                    .col(text_null(Outbox::LastError))
                    .col(timestamp_with_time_zone_null(Outbox::ReadAt))
                    .col(timestamp_with_time_zone_null(Outbox::SentAt))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .col(string_len_null(Outbox::ClaimedBy, 100))
                    .col(timestamp_with_time_zone_null(Outbox::ClaimedUntil))
                    .foreign_key(&mut fk(
                        "fk_notifications_user",
                        Outbox::Table,
                        Outbox::RecipientUserId,
                        Alias::new("users"),
                        true,
                    ))
                    .foreign_key(&mut fk(
                        "fk_notifications_unit",
                        Outbox::Table,
                        Outbox::RecipientUnitId,
                        Alias::new("units"),
                        true,
                    ))
                    .foreign_key(&mut fk(
                        "fk_notifications_channel",
                        Outbox::Table,
                        Outbox::ChannelId,
                        UnitChannels::Table,
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Attempts::Table)
                    .col(big_pk(Attempts::Id))
                    .col(big_integer(Attempts::NotificationId))
                    .col(integer(Attempts::Attempt))
                    .col(timestamp_with_time_zone(Attempts::At))
                    .col(string_len(Attempts::Outcome, 16))
                    .col(string_len_null(Attempts::MessageId, 200))
                    .col(text_null(Attempts::Error))
                    .foreign_key(&mut fk(
                        "fk_notification_attempts_notification",
                        Attempts::Table,
                        Attempts::NotificationId,
                        Outbox::Table,
                        true,
                    ))
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        let legacy = match db.get_database_backend() {
            DbBackend::Postgres => {
                "json_build_object('kind', 'legacy', 'subject', subject, 'body', body)"
            }
            _ => "json_object('kind', 'legacy', 'subject', subject, 'body', body)",
        };
        db.execute_unprepared(&format!(
            "INSERT INTO notifications_v2 ({COPY_COLUMNS}, kind, channel, payload) \
             SELECT {COPY_COLUMNS}, {KIND}, 'email', {legacy} FROM notifications"
        ))
        .await?;
        db.execute_unprepared(
            "INSERT INTO notification_attempts_v2 (id, notification_id, attempt, at, outcome, message_id, error) \
             SELECT id, notification_id, attempt, at, outcome, message_id, error FROM notification_attempts",
        )
        .await?;
        if db.get_database_backend() == DbBackend::Postgres {
            // The copies kept their ids; new rows continue after them.
            for t in ["notifications_v2", "notification_attempts_v2"] {
                db.execute_unprepared(&format!(
                    "SELECT setval(pg_get_serial_sequence('{t}', 'id'), COALESCE((SELECT MAX(id) FROM {t}), 0) + 1, false)"
                ))
                .await?;
            }
        }
        for t in ["notification_attempts", "notifications"] {
            manager
                .drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        for (from, to) in [
            ("notifications_v2", "notifications"),
            ("notification_attempts_v2", "notification_attempts"),
        ] {
            manager
                .rename_table(
                    Table::rename()
                        .table(Alias::new(from), Alias::new(to))
                        .to_owned(),
                )
                .await?;
        }
        for (name, table, cols) in [
            (
                "ix_notifications_recipient",
                "notifications",
                &["recipient_user_id", "id"][..],
            ),
            (
                "ix_notifications_dispatch",
                "notifications",
                &["status", "next_attempt_at"],
            ),
            (
                "ix_notifications_assignment",
                "notifications",
                &["assignment_id", "id"],
            ),
            (
                "ix_notification_attempts_notification",
                "notification_attempts",
                &["notification_id", "attempt"],
            ),
        ] {
            index(manager, name, table, cols, false).await?;
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // Messages cannot be turned back into the text an older version
        // wrote; restore a backup to go back.
        Err(DbErr::Migration(
            "m20261201_000005_catalogue cannot be undone; restore a backup taken before it".into(),
        ))
    }
}
