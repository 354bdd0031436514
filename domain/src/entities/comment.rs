use sea_orm::entity::prelude::*;

crate::vocabulary::vocabulary! {
    /// Whose word a comment on an item is.
    pub enum CommentKind {
        /// 督查意见: an inspector's or the office's remark.
        Remark => "督查意见",
        /// 领导批示: a leader's instruction.
        Instruction => "领导批示",
    }
}

/// An inspection remark (督查意见) on an assignment, visible to its unit.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "comments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub assignment_id: i64,
    pub author_id: i64,
    pub kind: CommentKind,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
