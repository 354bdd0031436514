use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::workflow::Status;

/// How a unit stands on a task.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(
    rs_type = "String",
    db_type = "String(StringLen::N(16))",
    rename_all = "snake_case"
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AssignmentRole {
    /// 牵头: answers for the task.
    Lead,
    /// 配合: contributes to it.
    Assist,
}

impl AssignmentRole {
    pub fn label(self) -> &'static str {
        match self {
            AssignmentRole::Lead => "牵头",
            AssignmentRole::Assist => "配合",
        }
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
