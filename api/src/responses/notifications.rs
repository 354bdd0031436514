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

/// One message about an item to one address, and how it fared.
#[derive(Serialize, ToSchema)]
pub struct DeliveryResponse {
    pub id: i64,
    pub kind: duban_domain::entities::notification::NoticeKind,
    /// `email`, `dingtalk`, `wecom` or `feishu`.
    pub channel: duban_domain::entities::notification::Channel,
    /// 渠道 in Chinese (邮件, 钉钉, 企业微信, 飞书).
    pub channel_label: &'static str,
    /// Who or what it went to, as people name them.
    #[schema(example = "市民政局 钉钉机器人「民政局工作群」")]
    pub recipient: String,
    /// `pending`, `sending`, `sent`, `failed` or `skipped`.
    pub status: duban_domain::entities::notification::DeliveryStatus,
    pub status_label: &'static str,
    pub attempts: i32,
    /// When it arrived, or else when it was queued.
    pub at: chrono::DateTime<chrono::Utc>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Why the last attempt failed or the message was not sent.
    pub last_error: Option<String>,
}

impl From<duban_domain::notify::Delivery> for DeliveryResponse {
    fn from(d: duban_domain::notify::Delivery) -> Self {
        Self {
            id: d.id,
            kind: d.kind,
            channel: d.channel,
            channel_label: d.channel.label(),
            recipient: d.recipient,
            status: d.status,
            status_label: d.status.label(),
            attempts: d.attempts,
            at: d.sent_at.unwrap_or(d.created_at),
            created_at: d.created_at,
            sent_at: d.sent_at,
            last_error: d.last_error,
        }
    }
}
