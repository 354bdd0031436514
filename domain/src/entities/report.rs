use sea_orm::entity::prelude::*;

/// A progress report or a completion request from the unit.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub assignment_id: i64,
    /// "progress" or "completion".
    pub kind: String,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub percent: Option<i32>,
    /// Actual values per indicator: [{"indicator_id", "value"}].
    pub indicator_values: Option<Json>,
    pub author_id: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
