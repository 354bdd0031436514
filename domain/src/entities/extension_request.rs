use sea_orm::entity::prelude::*;

crate::vocabulary::vocabulary! {
    pub enum ExtensionStatus {
        Pending => "待审批",
        Approved => "已同意",
        Rejected => "未同意",
    }
}

/// A unit's request to move its due date, decided by the office.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "extension_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub assignment_id: i64,
    pub previous_due_on: Date,
    pub requested_due_on: Date,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub status: ExtensionStatus,
    pub requested_by: i64,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_comment: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::assignment::Entity",
        from = "Column::AssignmentId",
        to = "super::assignment::Column::Id"
    )]
    Assignment,
}

impl ActiveModelBehavior for ActiveModel {}
