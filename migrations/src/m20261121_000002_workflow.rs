//! Plans, sections, tasks, indicators, assignments and everything that
//! happens to them, plus the notification outbox.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{big_pk, fk, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261121_000002_workflow"
    }
}

#[derive(DeriveIden)]
enum Units {
    Table,
}

#[derive(DeriveIden)]
enum Users {
    Table,
}

#[derive(DeriveIden)]
enum Plans {
    Table,
    Id,
    DocNo,
    Title,
    IssuerUnitId,
    IssuedOn,
    Year,
    Timezone,
    Status,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sections {
    Table,
    Id,
    PlanId,
    Number,
    Title,
    Position,
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    Id,
    PlanId,
    SectionId,
    Number,
    Title,
    Requirements,
    DueOn,
    DueText,
    ReportCron,
    Position,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Indicators {
    Table,
    Id,
    PlanId,
    TaskId,
    Name,
    Target,
    TargetValue,
    Measure,
    Comparator,
    Kind,
    Breakdown,
}

#[derive(DeriveIden)]
enum Assignments {
    Table,
    Id,
    TaskId,
    PlanId,
    UnitId,
    Role,
    Status,
    DueOn,
    DueAt,
    IssuedAt,
    AcknowledgedAt,
    CompletedAt,
    LastReportAt,
    Percent,
    EscalationLevel,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Reports {
    Table,
    Id,
    AssignmentId,
    Kind,
    Text,
    Percent,
    IndicatorValues,
    AuthorId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    ReportId,
    AssignmentId,
    Filename,
    ContentType,
    Size,
    Sha256,
    StorageKey,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Reviews {
    Table,
    Id,
    AssignmentId,
    ReportId,
    Decision,
    Comment,
    ReviewerId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ExtensionRequests {
    Table,
    Id,
    AssignmentId,
    PreviousDueOn,
    RequestedDueOn,
    Reason,
    Status,
    RequestedBy,
    DecidedBy,
    DecidedAt,
    DecisionComment,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Comments {
    Table,
    Id,
    AssignmentId,
    AuthorId,
    Text,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    DedupeKey,
    Kind,
    RecipientUserId,
    AssignmentId,
    Subject,
    Body,
    Status,
    Attempts,
    NextAttemptAt,
    MessageId,
    LastError,
    ReadAt,
    SentAt,
    CreatedAt,
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Plans::Table)
                    .col(big_pk(Plans::Id))
                    .col(string_len(Plans::DocNo, 100))
                    .col(string_len(Plans::Title, 300))
                    .col(big_integer_null(Plans::IssuerUnitId))
                    .col(date(Plans::IssuedOn))
                    .col(integer(Plans::Year))
                    .col(string_len(Plans::Timezone, 64))
                    .col(string_len(Plans::Status, 16))
                    .col(big_integer_null(Plans::CreatedBy))
                    .col(timestamp_with_time_zone(Plans::CreatedAt))
                    .col(timestamp_with_time_zone(Plans::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_plans_issuer",
                        Plans::Table,
                        Plans::IssuerUnitId,
                        Units::Table,
                        false,
                    ))
                    .foreign_key(&mut fk(
                        "fk_plans_creator",
                        Plans::Table,
                        Plans::CreatedBy,
                        Users::Table,
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "ix_plans_year", "plans", &["year", "id"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table(Sections::Table)
                    .col(big_pk(Sections::Id))
                    .col(big_integer(Sections::PlanId))
                    .col(string_len(Sections::Number, 32))
                    .col(string_len(Sections::Title, 300))
                    .col(integer(Sections::Position))
                    .foreign_key(&mut fk(
                        "fk_sections_plan",
                        Sections::Table,
                        Sections::PlanId,
                        Plans::Table,
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_sections_plan",
            "sections",
            &["plan_id", "position"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Tasks::Table)
                    .col(big_pk(Tasks::Id))
                    .col(big_integer(Tasks::PlanId))
                    .col(big_integer_null(Tasks::SectionId))
                    .col(string_len(Tasks::Number, 32))
                    .col(string_len(Tasks::Title, 300))
                    .col(text(Tasks::Requirements))
                    .col(date(Tasks::DueOn))
                    .col(string_len_null(Tasks::DueText, 100))
                    .col(string_len_null(Tasks::ReportCron, 100))
                    .col(integer(Tasks::Position))
                    .col(big_integer_null(Tasks::CreatedBy))
                    .col(timestamp_with_time_zone(Tasks::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_tasks_plan",
                        Tasks::Table,
                        Tasks::PlanId,
                        Plans::Table,
                        true,
                    ))
                    .foreign_key(&mut fk(
                        "fk_tasks_section",
                        Tasks::Table,
                        Tasks::SectionId,
                        Sections::Table,
                        false,
                    ))
                    .foreign_key(&mut fk(
                        "fk_tasks_creator",
                        Tasks::Table,
                        Tasks::CreatedBy,
                        Users::Table,
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_tasks_plan",
            "tasks",
            &["plan_id", "position"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Indicators::Table)
                    .col(big_pk(Indicators::Id))
                    .col(big_integer(Indicators::PlanId))
                    .col(big_integer_null(Indicators::TaskId))
                    .col(string_len(Indicators::Name, 300))
                    .col(string_len(Indicators::Target, 100))
                    .col(double_null(Indicators::TargetValue))
                    .col(string_len_null(Indicators::Measure, 32))
                    .col(string_len(Indicators::Comparator, 4))
                    .col(string_len_null(Indicators::Kind, 16))
                    .col(json_null(Indicators::Breakdown))
                    .foreign_key(&mut fk(
                        "fk_indicators_plan",
                        Indicators::Table,
                        Indicators::PlanId,
                        Plans::Table,
                        true,
                    ))
                    .foreign_key(&mut fk(
                        "fk_indicators_task",
                        Indicators::Table,
                        Indicators::TaskId,
                        Tasks::Table,
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_indicators_plan",
            "indicators",
            &["plan_id", "task_id"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Assignments::Table)
                    .col(big_pk(Assignments::Id))
                    .col(big_integer(Assignments::TaskId))
                    .col(big_integer(Assignments::PlanId))
                    .col(big_integer(Assignments::UnitId))
                    .col(string_len(Assignments::Role, 8))
                    .col(string_len(Assignments::Status, 16))
                    .col(date(Assignments::DueOn))
                    .col(timestamp_with_time_zone(Assignments::DueAt))
                    .col(timestamp_with_time_zone_null(Assignments::IssuedAt))
                    .col(timestamp_with_time_zone_null(Assignments::AcknowledgedAt))
                    .col(timestamp_with_time_zone_null(Assignments::CompletedAt))
                    .col(timestamp_with_time_zone_null(Assignments::LastReportAt))
                    .col(integer_null(Assignments::Percent))
                    .col(integer(Assignments::EscalationLevel).default(0))
                    .col(integer(Assignments::Version).default(1))
                    .col(timestamp_with_time_zone(Assignments::CreatedAt))
                    .col(timestamp_with_time_zone(Assignments::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_assignments_task",
                        Assignments::Table,
                        Assignments::TaskId,
                        Tasks::Table,
                        true,
                    ))
                    .foreign_key(&mut fk(
                        "fk_assignments_plan",
                        Assignments::Table,
                        Assignments::PlanId,
                        Plans::Table,
                        true,
                    ))
                    .foreign_key(&mut fk(
                        "fk_assignments_unit",
                        Assignments::Table,
                        Assignments::UnitId,
                        Units::Table,
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        // One assignment per task and unit.
        index(
            manager,
            "ux_assignments_task_unit",
            "assignments",
            &["task_id", "unit_id"],
            true,
        )
        .await?;
        // A unit's list in deadline order; status trails so counts by status need no table reads.
        index(
            manager,
            "ix_assignments_unit_due",
            "assignments",
            &["unit_id", "due_at", "id", "status"],
            false,
        )
        .await?;
        // Every list in deadline order.
        index(
            manager,
            "ix_assignments_due",
            "assignments",
            &["due_at", "id"],
            false,
        )
        .await?;
        // Open items by deadline: the overdue filter, the board and the reminder and
        // escalation scans read only these, so their cost follows the open items.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_assignments_open_due ON assignments (due_at, id) \
                 WHERE status IN ('issued', 'acknowledged', 'in_progress', 'pending_review', 'returned')",
            )
            .await?;
        index(
            manager,
            "ix_assignments_plan",
            "assignments",
            &["plan_id", "status"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Reports::Table)
                    .col(big_pk(Reports::Id))
                    .col(big_integer(Reports::AssignmentId))
                    .col(string_len(Reports::Kind, 16))
                    .col(text(Reports::Text))
                    .col(integer_null(Reports::Percent))
                    .col(json_null(Reports::IndicatorValues))
                    .col(big_integer(Reports::AuthorId))
                    .col(timestamp_with_time_zone(Reports::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_reports_assignment",
                        Reports::Table,
                        Reports::AssignmentId,
                        Assignments::Table,
                        true,
                    ))
                    .foreign_key(&mut fk(
                        "fk_reports_author",
                        Reports::Table,
                        Reports::AuthorId,
                        Users::Table,
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_reports_assignment",
            "reports",
            &["assignment_id", "id"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Attachments::Table)
                    .col(big_pk(Attachments::Id))
                    .col(big_integer(Attachments::ReportId))
                    .col(big_integer(Attachments::AssignmentId))
                    .col(string_len(Attachments::Filename, 255))
                    .col(string_len(Attachments::ContentType, 128))
                    .col(big_integer(Attachments::Size))
                    .col(string_len(Attachments::Sha256, 64))
                    .col(string_len(Attachments::StorageKey, 255))
                    .col(big_integer(Attachments::UploadedBy))
                    .col(timestamp_with_time_zone(Attachments::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_attachments_report",
                        Attachments::Table,
                        Attachments::ReportId,
                        Reports::Table,
                        true,
                    ))
                    .foreign_key(&mut fk(
                        "fk_attachments_assignment",
                        Attachments::Table,
                        Attachments::AssignmentId,
                        Assignments::Table,
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_attachments_report",
            "attachments",
            &["report_id"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Reviews::Table)
                    .col(big_pk(Reviews::Id))
                    .col(big_integer(Reviews::AssignmentId))
                    .col(big_integer_null(Reviews::ReportId))
                    .col(string_len(Reviews::Decision, 16))
                    .col(text(Reviews::Comment))
                    .col(big_integer(Reviews::ReviewerId))
                    .col(timestamp_with_time_zone(Reviews::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_reviews_assignment",
                        Reviews::Table,
                        Reviews::AssignmentId,
                        Assignments::Table,
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_reviews_assignment",
            "reviews",
            &["assignment_id", "id"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ExtensionRequests::Table)
                    .col(big_pk(ExtensionRequests::Id))
                    .col(big_integer(ExtensionRequests::AssignmentId))
                    .col(date(ExtensionRequests::PreviousDueOn))
                    .col(date(ExtensionRequests::RequestedDueOn))
                    .col(text(ExtensionRequests::Reason))
                    .col(string_len(ExtensionRequests::Status, 16))
                    .col(big_integer(ExtensionRequests::RequestedBy))
                    .col(big_integer_null(ExtensionRequests::DecidedBy))
                    .col(timestamp_with_time_zone_null(ExtensionRequests::DecidedAt))
                    .col(text_null(ExtensionRequests::DecisionComment))
                    .col(timestamp_with_time_zone(ExtensionRequests::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_extensions_assignment",
                        ExtensionRequests::Table,
                        ExtensionRequests::AssignmentId,
                        Assignments::Table,
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_extensions_assignment",
            "extension_requests",
            &["assignment_id", "status"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Comments::Table)
                    .col(big_pk(Comments::Id))
                    .col(big_integer(Comments::AssignmentId))
                    .col(big_integer(Comments::AuthorId))
                    .col(text(Comments::Text))
                    .col(timestamp_with_time_zone(Comments::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_comments_assignment",
                        Comments::Table,
                        Comments::AssignmentId,
                        Assignments::Table,
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_comments_assignment",
            "comments",
            &["assignment_id", "id"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(big_pk(Notifications::Id))
                    .col(string_len_uniq(Notifications::DedupeKey, 200))
                    .col(string_len(Notifications::Kind, 32))
                    .col(big_integer(Notifications::RecipientUserId))
                    .col(big_integer_null(Notifications::AssignmentId))
                    .col(string_len(Notifications::Subject, 300))
                    .col(text(Notifications::Body))
                    .col(string_len(Notifications::Status, 16))
                    .col(integer(Notifications::Attempts).default(0))
                    .col(timestamp_with_time_zone(Notifications::NextAttemptAt))
                    .col(string_len_null(Notifications::MessageId, 200))
                    .col(text_null(Notifications::LastError))
                    .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                    .col(timestamp_with_time_zone_null(Notifications::SentAt))
                    .col(timestamp_with_time_zone(Notifications::CreatedAt))
                    .foreign_key(&mut fk(
                        "fk_notifications_user",
                        Notifications::Table,
                        Notifications::RecipientUserId,
                        Users::Table,
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_notifications_recipient",
            "notifications",
            &["recipient_user_id", "id"],
            false,
        )
        .await?;
        index(
            manager,
            "ix_notifications_dispatch",
            "notifications",
            &["status", "next_attempt_at"],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "notifications",
            "comments",
            "extension_requests",
            "reviews",
            "attachments",
            "reports",
            "assignments",
            "indicators",
            "tasks",
            "sections",
            "plans",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
