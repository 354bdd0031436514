use sea_orm::Set;
use sea_orm::entity::prelude::*;

pub use crate::workflow::Status;

crate::vocabulary::vocabulary! {
    /// How a unit stands on a task.
    pub enum AssignmentRole {
        /// 牵头: answers for the task.
        Lead => "牵头",
        /// 配合: contributes to it.
        Assist => "配合",
    }
}

/// One task given to one unit: the item everything else hangs on.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assignments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_id: i64,
    pub plan_id: i64,
    pub unit_id: i64,
    pub role: AssignmentRole,
    pub status: Status,
    /// The local due date in the plan's zone; may differ per unit.
    pub due_on: Date,
    /// When `due_on` ends in the plan's zone (UTC): overdue is `now >= due_at`.
    pub due_at: DateTimeUtc,
    pub issued_at: Option<DateTimeUtc>,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub completed_at: Option<DateTimeUtc>,
    pub last_report_at: Option<DateTimeUtc>,
    /// Latest reported percent complete.
    pub percent: Option<i32>,
    pub escalation_level: i32,
    /// The assignment this one was handed down from (层层分解).
    pub parent_id: Option<i64>,
    /// The unit that handed it down: its head reviews this one.
    pub parent_unit_id: Option<i64>,
    /// What the handing unit wrote with it.
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    /// Set while the office has paused the clock (挂起).
    pub suspended_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub suspend_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::task::Entity",
        from = "Column::TaskId",
        to = "super::task::Column::Id"
    )]
    Task,
    #[sea_orm(
        belongs_to = "super::plan::Entity",
        from = "Column::PlanId",
        to = "super::plan::Column::Id"
    )]
    Plan,
    #[sea_orm(
        belongs_to = "super::unit::Entity",
        from = "Column::UnitId",
        to = "super::unit::Column::Id"
    )]
    Unit,
}

impl ActiveModelBehavior for ActiveModel {}

impl ActiveModel {
    /// A new row: `unit_id`'s part of a task, due at the end of `due_on` in
    /// `tz`, at version 1. The office's tasks start as drafts; seeders and
    /// tests set other states and dates on the result.
    #[allow(clippy::too_many_arguments)]
    pub fn new_row(
        task_id: i64,
        plan_id: i64,
        unit_id: i64,
        role: AssignmentRole,
        status: Status,
        due_on: Date,
        tz: chrono_tz::Tz,
        now: DateTimeUtc,
    ) -> Self {
        Self {
            task_id: Set(task_id),
            plan_id: Set(plan_id),
            unit_id: Set(unit_id),
            role: Set(role),
            status: Set(status),
            due_on: Set(due_on),
            due_at: Set(crate::time::end_of_day(due_on, tz)),
            issued_at: Set(None),
            acknowledged_at: Set(None),
            completed_at: Set(None),
            last_report_at: Set(None),
            percent: Set(None),
            escalation_level: Set(0),
            parent_id: Set(None),
            parent_unit_id: Set(None),
            note: Set(None),
            suspended_at: Set(None),
            suspend_reason: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
    }
}
