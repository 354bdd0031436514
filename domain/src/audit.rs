//! The append-only audit log: every change writes one event in the same
//! transaction as the change itself.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde_json::Value;

use crate::entities::audit_event;
use crate::policy::Actor;

/// What changed, before it is written.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub entity: &'static str,
    pub entity_id: i64,
    pub action: &'a str,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Writes the event on `conn`, which must be the transaction of the change.
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    actor: Option<&Actor>,
    at: DateTime<Utc>,
    change: Change<'_>,
) -> Result<(), sea_orm::DbErr> {
    audit_event::ActiveModel {
        at: Set(at),
        actor_user_id: Set(actor.map(|a| a.user_id)),
        actor_name: Set(actor.map_or_else(|| "system".to_owned(), |a| a.username.clone())),
        entity: Set(change.entity.to_owned()),
        entity_id: Set(change.entity_id),
        action: Set(change.action.to_owned()),
        before: Set(change.before),
        after: Set(change.after),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map(|_| ())
}
