//! The append-only audit log: every change writes one event in the same
//! transaction as the change itself.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, Set};
use serde_json::Value;

use crate::entities::audit_event;
pub use crate::entities::audit_event::{AuditAction, AuditEntity};
use crate::policy::Actor;

/// What changed, before it is written.
#[derive(Debug, Clone)]
pub struct Change {
    pub entity: AuditEntity,
    pub entity_id: i64,
    pub action: AuditAction,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Change {
    pub fn new(entity: AuditEntity, entity_id: i64, action: AuditAction) -> Self {
        Self {
            entity,
            entity_id,
            action,
            before: None,
            after: None,
        }
    }

    pub fn assignment(id: i64, action: AuditAction) -> Self {
        Self::new(AuditEntity::Assignment, id, action)
    }

    pub fn before(mut self, v: Value) -> Self {
        self.before = Some(v);
        self
    }

    pub fn after(mut self, v: Value) -> Self {
        self.after = Some(v);
        self
    }

    fn row(self, actor: Option<&Actor>, at: DateTime<Utc>) -> audit_event::ActiveModel {
        let actor = actor.filter(|a| !a.is_system());
        audit_event::ActiveModel {
            at: Set(at),
            actor_user_id: Set(actor.map(|a| a.user_id)),
            actor_name: Set(actor.map_or_else(|| "system".to_owned(), |a| a.username.clone())),
            entity: Set(self.entity),
            entity_id: Set(self.entity_id),
            action: Set(self.action),
            before: Set(self.before),
            after: Set(self.after),
            ..Default::default()
        }
    }
}

/// Writes the event on `conn`, which must be the transaction of the change.
/// `None` (or [`Actor::system`]) records the system as the actor.
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    actor: Option<&Actor>,
    at: DateTime<Utc>,
    change: Change,
) -> Result<(), sea_orm::DbErr> {
    record_all(conn, actor, at, vec![change]).await
}

/// Writes many events by one actor in batched statements.
pub async fn record_all<C: ConnectionTrait>(
    conn: &C,
    actor: Option<&Actor>,
    at: DateTime<Utc>,
    changes: Vec<Change>,
) -> Result<(), sea_orm::DbErr> {
    let rows: Vec<audit_event::ActiveModel> =
        changes.into_iter().map(|c| c.row(actor, at)).collect();
    crate::bulk::insert(conn, &rows, None).await?;
    Ok(())
}
