//! Every delivery attempt of a notification, as it happened.

use sea_orm::entity::prelude::*;

crate::vocabulary::vocabulary! {
    pub enum AttemptOutcome {
        Sent => "已发送",
        Failed => "发送失败",
        Skipped => "未发送",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub notification_id: i64,
    /// 1 for the first attempt.
    pub attempt: i32,
    pub at: DateTimeUtc,
    pub outcome: AttemptOutcome,
    pub message_id: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
