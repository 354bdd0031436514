use sea_orm::entity::prelude::*;

/// A dated step of one assignment (a multi-year target's 2017 figure):
/// reminded before, escalated when missed, reached by a report.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "milestones")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub assignment_id: i64,
    pub position: i32,
    pub title: String,
    /// The indicator's target at this step, e.g. "1200个".
    pub target: Option<String>,
    /// The local date in the plan's zone; moves with a resumed suspension.
    pub due_on: Date,
    /// When `due_on` ends in the plan's zone (UTC).
    pub due_at: DateTimeUtc,
    pub reached_on: Option<Date>,
    /// The report that reached it.
    pub report_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
