use sea_orm::entity::prelude::*;

/// One thing one person is to be told: a row of the outbox. Written in the
/// transaction of the change that causes it; the dedupe key makes a second
/// write of the same notice a no-op.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub dedupe_key: String,
    /// "assigned", "reviewed", "extension_requested", "reminder", ...
    pub kind: String,
    pub recipient_user_id: i64,
    pub assignment_id: Option<i64>,
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// "pending", "sending", "sent", "failed" or "skipped" (no address).
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub message_id: Option<String>,
    pub last_error: Option<String>,
    pub read_at: Option<DateTimeUtc>,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
