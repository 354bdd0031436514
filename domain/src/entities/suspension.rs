use sea_orm::entity::prelude::*;

/// One pause of an assignment's clock (挂起), from suspension to resumption.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "suspensions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub assignment_id: i64,
    pub suspended_at: DateTimeUtc,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub suspended_by: Option<i64>,
    pub resumed_at: Option<DateTimeUtc>,
    pub resumed_by: Option<i64>,
    /// Working days the clock stood still, counted on resume.
    pub working_days: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
