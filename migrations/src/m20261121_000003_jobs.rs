//! The scheduled jobs: job runs (one per job and schedule slot), the
//! escalation history, every delivery attempt of the outbox, the outbox's
//! claim columns, and per-plan reminder and escalation overrides.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{add_columns, big_pk, drop_columns};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261121_000003_jobs"
    }
}

#[derive(DeriveIden)]
enum JobRuns {
    Table,
    Id,
    Job,
    Slot,
    Status,
    Worker,
    Attempt,
    StartedAt,
    LeaseUntil,
    FinishedAt,
    Detail,
}

#[derive(DeriveIden)]
enum EscalationEvents {
    Table,
    Id,
    AssignmentId,
    Level,
    At,
    Manual,
    ActorUserId,
    Note,
    Recipients,
}

#[derive(DeriveIden)]
enum NotificationAttempts {
    Table,
    Id,
    NotificationId,
    Attempt,
    At,
    Outcome,
    MessageId,
    Error,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    ClaimedBy,
    ClaimedUntil,
}

#[derive(DeriveIden)]
enum Plans {
    Table,
    ReminderOffsets,
    EscalationPolicy,
}

#[derive(DeriveIden)]
enum Assignments {
    Table,
}

#[derive(DeriveIden)]
enum Users {
    Table,
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A run of a job for one schedule slot: taken (inserted) before the
        // work starts, so a slot runs once across replicas; a run whose lease
        // ran out was interrupted and may be taken over.
        manager
            .create_table(
                Table::create()
                    .table(JobRuns::Table)
                    .col(big_pk(JobRuns::Id))
                    .col(string_len(JobRuns::Job, 32))
                    .col(timestamp_with_time_zone(JobRuns::Slot))
                    .col(string_len(JobRuns::Status, 16))
                    .col(string_len(JobRuns::Worker, 100))
                    .col(integer(JobRuns::Attempt).default(1))
                    .col(timestamp_with_time_zone(JobRuns::StartedAt))
                    .col(timestamp_with_time_zone(JobRuns::LeaseUntil))
                    .col(timestamp_with_time_zone_null(JobRuns::FinishedAt))
                    .col(text_null(JobRuns::Detail))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_job_runs_job_slot")
                    .table(JobRuns::Table)
                    .col(JobRuns::Job)
                    .col(JobRuns::Slot)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(EscalationEvents::Table)
                    .col(big_pk(EscalationEvents::Id))
                    .col(big_integer(EscalationEvents::AssignmentId))
                    .col(integer(EscalationEvents::Level))
                    .col(timestamp_with_time_zone(EscalationEvents::At))
                    .col(boolean(EscalationEvents::Manual).default(false))
                    .col(big_integer_null(EscalationEvents::ActorUserId))
                    .col(text_null(EscalationEvents::Note))
                    .col(json(EscalationEvents::Recipients))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_escalation_events_assignment")
                            .from(EscalationEvents::Table, EscalationEvents::AssignmentId)
                            .to(Assignments::Table, Alias::new("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_escalation_events_actor")
                            .from(EscalationEvents::Table, EscalationEvents::ActorUserId)
                            .to(Users::Table, Alias::new("id"))
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // Each level is reached once per assignment.
        manager
            .create_index(
                Index::create()
                    .name("ux_escalation_events_level")
                    .table(EscalationEvents::Table)
                    .col(EscalationEvents::AssignmentId)
                    .col(EscalationEvents::Level)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(NotificationAttempts::Table)
                    .col(big_pk(NotificationAttempts::Id))
                    .col(big_integer(NotificationAttempts::NotificationId))
                    .col(integer(NotificationAttempts::Attempt))
                    .col(timestamp_with_time_zone(NotificationAttempts::At))
                    .col(string_len(NotificationAttempts::Outcome, 16))
                    .col(string_len_null(NotificationAttempts::MessageId, 200))
                    .col(text_null(NotificationAttempts::Error))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notification_attempts_notification")
                            .from(
                                NotificationAttempts::Table,
                                NotificationAttempts::NotificationId,
                            )
                            .to(Alias::new("notifications"), Alias::new("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_notification_attempts_notification")
                    .table(NotificationAttempts::Table)
                    .col(NotificationAttempts::NotificationId)
                    .col(NotificationAttempts::Attempt)
                    .to_owned(),
            )
            .await?;

        // SQLite adds one column per ALTER TABLE.
        add_columns(
            manager,
            Notifications::Table,
            vec![
                string_len_null(Notifications::ClaimedBy, 100),
                timestamp_with_time_zone_null(Notifications::ClaimedUntil),
            ],
        )
        .await?;
        add_columns(
            manager,
            Plans::Table,
            vec![
                json_null(Plans::ReminderOffsets),
                json_null(Plans::EscalationPolicy),
            ],
        )
        .await?;
        // Issued items not yet acknowledged, by issue time: the acknowledgement
        // reminder scan reads only these.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_assignments_unacknowledged ON assignments (issued_at, id) \
                 WHERE status = 'issued'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_assignments_unacknowledged")
                    .table(Alias::new("assignments"))
                    .to_owned(),
            )
            .await?;
        drop_columns(
            manager,
            Plans::Table,
            vec![Plans::ReminderOffsets, Plans::EscalationPolicy],
        )
        .await?;
        drop_columns(
            manager,
            Notifications::Table,
            vec![Notifications::ClaimedBy, Notifications::ClaimedUntil],
        )
        .await?;
        for t in ["notification_attempts", "escalation_events", "job_runs"] {
            manager
                .drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
