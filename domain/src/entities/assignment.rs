use sea_orm::entity::prelude::*;

/// One task given to one unit: the item everything else hangs on.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assignments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_id: i64,
    pub plan_id: i64,
    pub unit_id: i64,
    /// "lead" (牵头) or "assist" (配合).
    pub role: String,
    /// See [`crate::workflow::Status`].
    pub status: String,
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
