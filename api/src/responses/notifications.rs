//! A person's notifications.

use chrono::{DateTime, Utc};
use duban_domain::entities::notification::{DeliveryStatus, NoticeKind};
use duban_domain::notify::InboxEntry;
use serde::Serialize;
use utoipa::ToSchema;

use super::Paged;

#[derive(Serialize, ToSchema)]
pub struct NotificationResponse {
    pub id: i64,
    pub kind: NoticeKind,
    pub assignment_id: Option<i64>,
    /// As the message catalogue words it.
    pub subject: String,
    pub body: String,
    pub read: bool,
    /// How the e-mail copy fared.
    pub delivery: DeliveryStatus,
    pub created_at: DateTime<Utc>,
}

impl From<InboxEntry> for NotificationResponse {
    fn from(n: InboxEntry) -> Self {
        Self {
            id: n.id,
            kind: n.kind,
            assignment_id: n.assignment_id,
            subject: n.subject,
            body: n.body,
            read: n.read,
            delivery: n.delivery,
            created_at: n.created_at,
        }
    }
}

/// The caller's notifications and how many are unread.
#[derive(Serialize, ToSchema)]
pub struct Inbox {
    #[serde(flatten)]
    pub page: Paged<NotificationResponse>,
    pub unread: u64,
}
