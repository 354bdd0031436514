use sea_orm::entity::prelude::*;

crate::vocabulary::vocabulary! {
    /// How long one period of a recurring duty is.
    pub enum Per {
        Week => "每周",
        Month => "每月",
        Quarter => "每季度",
        HalfYear => "每半年",
        Year => "每年",
    }
}

/// A recurring duty of a task: `times` occurrences in every period.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "recurrences")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_id: i64,
    pub position: i32,
    pub per: Per,
    pub times: i32,
    /// The duty as the notice words it (每月到社区调研不少于两次).
    pub title: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
