use sea_orm::entity::prelude::*;

crate::vocabulary::vocabulary! {
    /// The office's answer to a completion request.
    pub enum Decision {
        /// 通过: the item is completed.
        Approve => "通过",
        /// 退回: the unit must add to it.
        Return => "退回",
    }
}

/// The office's decision on a completion request.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reviews")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub assignment_id: i64,
    pub report_id: Option<i64>,
    pub decision: Decision,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    pub reviewer_id: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
