//! The outbox's sent journal (issue 16, dispatch).
//!
//! A message the server accepted is written down at once as one short row
//! here (its Message-ID, attempt, time, sender and the ids of its rows);
//! the rows themselves, and their attempt history, are updated in batches
//! (`jobs/src/outbox/record.rs` `settle`) before the next claim. A kill
//! between a send and its journal row still repeats at most that one
//! message, as before; the many row writes of a message now share pages
//! with those of the messages around it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000013_sent_journal"
    }
}

#[derive(DeriveIden)]
enum OutboxSent {
    Table,
    MessageId,
    Worker,
    Attempt,
    SentAt,
    Ids,
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OutboxSent::Table)
                    .if_not_exists()
                    .col(string_len(OutboxSent::MessageId, 200).primary_key())
                    .col(string_len(OutboxSent::Worker, 100))
                    .col(integer(OutboxSent::Attempt))
                    .col(timestamp_with_time_zone(OutboxSent::SentAt))
                    .col(text(OutboxSent::Ids))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(OutboxSent::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
