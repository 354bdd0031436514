use sea_orm::entity::prelude::*;

/// One duty of a plan, given to a lead unit and assisting units.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub plan_id: i64,
    pub section_id: Option<i64>,
    /// As numbered in the notice, e.g. "(一)"; may be empty.
    pub number: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub requirements: String,
    pub due_on: Date,
    /// The deadline as the notice phrased it (e.g. 年内).
    pub due_text: Option<String>,
    /// Reporting schedule as a cron expression, e.g. "0 9 25 * *".
    pub report_cron: Option<String>,
    pub position: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
