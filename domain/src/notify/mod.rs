//! Writing to the notification outbox. A row is one message of the
//! catalogue ([`crate::messages::Message`]) to one address on one channel;
//! every row has a dedupe key, and writing the same key twice is a no-op,
//! so a change or a job scan can be repeated without telling anyone twice.
//! The dispatcher (jobs) delivers the rows.

mod addressbook;
mod deliveries;
mod inbox;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, Set};

pub use addressbook::{Address, Addressbook};
pub use deliveries::{Delivery, deliveries};
pub use inbox::{InboxEntry, inbox, mark_read, unread_count};

use crate::entities::notification::{self, DeliveryStatus};
use crate::messages::Message;

/// One message for one address. The key names the occasion (e.g.
/// `assigned:{assignment}`); the address is appended to it, so each
/// address hears of each occasion once.
#[derive(Debug, Clone)]
pub struct Notice {
    pub key: String,
    pub to: Address,
    pub assignment_id: Option<i64>,
    pub message: Message,
}

impl Notice {
    /// The same message for each address.
    pub fn to_each(
        key: &str,
        assignment_id: Option<i64>,
        message: &Message,
        to: impl IntoIterator<Item = Address>,
    ) -> Vec<Notice> {
        to.into_iter()
            .map(|to| Notice {
                key: key.to_owned(),
                to,
                assignment_id,
                message: message.clone(),
            })
            .collect()
    }

    fn row(self, now: DateTime<Utc>) -> notification::ActiveModel {
        let (user, unit, channel_id) = match self.to {
            Address::User(u) => (Some(u), None, None),
            Address::UnitEmail(u) => (None, Some(u), None),
            Address::Robot { channel_id, .. } => (None, None, Some(channel_id)),
        };
        notification::ActiveModel {
            dedupe_key: Set(format!("{}:{}", self.key, self.to.key_suffix())),
            kind: Set(self.message.kind()),
            channel: Set(self.to.channel()),
            recipient_user_id: Set(user),
            recipient_unit_id: Set(unit),
            channel_id: Set(channel_id),
            assignment_id: Set(self.assignment_id),
            payload: Set(self.message.to_json()),
            status: Set(DeliveryStatus::Pending),
            attempts: Set(0),
            next_attempt_at: Set(now),
            message_id: Set(None),
            last_error: Set(None),
            read_at: Set(None),
            sent_at: Set(None),
            created_at: Set(now),
            claimed_by: Set(None),
            claimed_until: Set(None),
            ..Default::default()
        }
    }
}

/// Writes the notices on `conn` (the transaction of the change); answers
/// how many were new.
pub async fn enqueue<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    notices: Vec<Notice>,
) -> Result<u64, sea_orm::DbErr> {
    let rows: Vec<notification::ActiveModel> = notices.into_iter().map(|n| n.row(now)).collect();
    // Every row already written is skipped: nothing new to say.
    crate::bulk::insert(
        conn,
        &rows,
        Some(crate::bulk::SkipConflicts(&["dedupe_key"])),
    )
    .await
}
