//! The outbox's sent journal: one row for each message a server accepted
//! whose rows are not yet recorded sent (`jobs` outbox `record::settle`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_sent")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub message_id: String,
    /// The dispatcher that sent it (whose claim the rows are under).
    pub worker: String,
    pub attempt: i32,
    pub sent_at: DateTimeUtc,
    /// The ids of the message's notifications, as a JSON array.
    #[sea_orm(column_type = "Text")]
    pub ids: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
