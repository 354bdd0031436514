//! Every kind of duty a notice holds: dated milestones of an assignment,
//! recurring duties of a task, assignments handed down to units below
//! (层层分解), and pausing an assignment's clock (挂起).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{add_columns, big_pk, drop_columns, fk, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000010_duties"
    }
}

#[derive(DeriveIden)]
enum Assignments {
    Table,
    /// The assignment this one was handed down from.
    ParentId,
    /// The unit that handed it down (reviews it).
    ParentUnitId,
    /// What the handing unit wrote with it.
    Note,
    SuspendedAt,
    SuspendReason,
}

#[derive(DeriveIden)]
enum Reports {
    Table,
    MilestoneId,
    RecurrenceId,
}

#[derive(DeriveIden)]
enum Milestones {
    Table,
    Id,
    AssignmentId,
    Position,
    Title,
    Target,
    DueOn,
    DueAt,
    ReachedOn,
    ReportId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Recurrences {
    Table,
    Id,
    TaskId,
    Position,
    Per,
    Times,
    Title,
}

#[derive(DeriveIden)]
enum Suspensions {
    Table,
    Id,
    AssignmentId,
    SuspendedAt,
    Reason,
    SuspendedBy,
    ResumedAt,
    ResumedBy,
    /// Working days the clock stood still, counted on resume.
    WorkingDays,
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_columns(
            manager,
            Assignments::Table,
            vec![
                big_integer_null(Assignments::ParentId).take(),
                big_integer_null(Assignments::ParentUnitId).take(),
                text_null(Assignments::Note).take(),
                timestamp_with_time_zone_null(Assignments::SuspendedAt).take(),
                text_null(Assignments::SuspendReason).take(),
            ],
        )
        .await?;
        index(
            manager,
            "ix_assignments_parent",
            "assignments",
            &["parent_id"],
            false,
        )
        .await?;
        add_columns(
            manager,
            Reports::Table,
            vec![
                big_integer_null(Reports::MilestoneId).take(),
                big_integer_null(Reports::RecurrenceId).take(),
            ],
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(Milestones::Table)
                    .col(big_pk(Milestones::Id))
                    .col(big_integer(Milestones::AssignmentId))
                    .col(integer(Milestones::Position))
                    .col(string_len(Milestones::Title, 300))
                    .col(string_len_null(Milestones::Target, 100))
                    .col(date(Milestones::DueOn))
                    .col(timestamp_with_time_zone(Milestones::DueAt))
                    .col(date_null(Milestones::ReachedOn))
                    .col(big_integer_null(Milestones::ReportId))
                    .col(timestamp_with_time_zone(Milestones::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_milestones_assignment",
                        Milestones::Table,
                        Milestones::AssignmentId,
                        Alias::new("assignments"),
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_milestones_assignment",
            "milestones",
            &["assignment_id", "position"],
            false,
        )
        .await?;
        // The scans read unreached milestones by date.
        index(
            manager,
            "ix_milestones_due",
            "milestones",
            &["due_at", "reached_on"],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(Recurrences::Table)
                    .col(big_pk(Recurrences::Id))
                    .col(big_integer(Recurrences::TaskId))
                    .col(integer(Recurrences::Position))
                    .col(string_len(Recurrences::Per, 16))
                    .col(integer(Recurrences::Times))
                    .col(string_len(Recurrences::Title, 300))
                    .foreign_key(&mut fk(
                        "fk_recurrences_task",
                        Recurrences::Table,
                        Recurrences::TaskId,
                        Tasks::Table,
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_recurrences_task",
            "recurrences",
            &["task_id", "position"],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(Suspensions::Table)
                    .col(big_pk(Suspensions::Id))
                    .col(big_integer(Suspensions::AssignmentId))
                    .col(timestamp_with_time_zone(Suspensions::SuspendedAt))
                    .col(text(Suspensions::Reason))
                    .col(big_integer_null(Suspensions::SuspendedBy))
                    .col(timestamp_with_time_zone_null(Suspensions::ResumedAt))
                    .col(big_integer_null(Suspensions::ResumedBy))
                    .col(integer_null(Suspensions::WorkingDays))
                    .foreign_key(&mut fk(
                        "fk_suspensions_assignment",
                        Suspensions::Table,
                        Suspensions::AssignmentId,
                        Alias::new("assignments"),
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_suspensions_assignment",
            "suspensions",
            &["assignment_id"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in ["suspensions", "recurrences", "milestones"] {
            manager
                .drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        drop_columns(
            manager,
            Reports::Table,
            vec![Reports::MilestoneId, Reports::RecurrenceId],
        )
        .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_assignments_parent")
                    .table(Alias::new("assignments"))
                    .to_owned(),
            )
            .await?;
        drop_columns(
            manager,
            Assignments::Table,
            vec![
                Assignments::ParentId,
                Assignments::ParentUnitId,
                Assignments::Note,
                Assignments::SuspendedAt,
                Assignments::SuspendReason,
            ],
        )
        .await
    }
}
