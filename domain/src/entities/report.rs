use sea_orm::entity::prelude::*;

crate::vocabulary::vocabulary! {
    /// What a unit reports.
    pub enum ReportKind {
        /// 进展反馈.
        Progress => "进展反馈",
        /// 申请办结: asks the office to close the item.
        Completion => "申请办结",
        /// 履职记录: one occurrence of a recurring duty (a meeting held, a visit made).
        Occurrence => "履职记录",
    }
}

/// A progress report or a completion request from the unit.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub assignment_id: i64,
    pub kind: ReportKind,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub percent: Option<i32>,
    /// Actual values per indicator: [{"indicator_id", "value"}].
    pub indicator_values: Option<Json>,
    pub author_id: i64,
    /// The milestone this report reaches.
    pub milestone_id: Option<i64>,
    /// The recurring duty an occurrence report counts for.
    pub recurrence_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
