//! A person's own notifications, as their list shows them: each message
//! rendered from the catalogue with the item it concerns.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::context::Ctx;
use crate::entities::notification::{self, DeliveryStatus, NoticeKind};
use crate::messages::{Catalogue, Rendering, Stored, item_facts};
use crate::page::{Page, PageRequest};
use crate::{DomainError, DomainResult};

/// One entry of a person's notification list.
#[derive(Debug, Clone)]
pub struct InboxEntry {
    pub id: i64,
    pub kind: NoticeKind,
    pub assignment_id: Option<i64>,
    pub subject: String,
    pub body: String,
    pub read: bool,
    /// How the e-mail copy fared.
    pub delivery: DeliveryStatus,
    pub created_at: DateTime<Utc>,
}

/// The caller's notifications, newest first, and how many are unread.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn inbox(
    ctx: &Ctx<'_>,
    catalogue: &Catalogue,
    unread_only: bool,
    page: PageRequest,
) -> DomainResult<(Page<InboxEntry>, u64)> {
    let conn = ctx.db().conn();
    let mine = notification::Entity::find()
        .filter(notification::Column::RecipientUserId.eq(ctx.actor.user_id));
    let unread = mine
        .clone()
        .filter(notification::Column::ReadAt.is_null())
        .count(conn)
        .await?;
    let q = if unread_only {
        mine.filter(notification::Column::ReadAt.is_null())
    } else {
        mine
    };
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by_desc(notification::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(conn)
        .await?;
    let facts = item_facts(conn, rows.iter().filter_map(|r| r.assignment_id).collect()).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        let stored = Stored::from_json(&r.payload);
        let rendered = catalogue
            .notice(
                &Rendering {
                    kind: r.kind,
                    stored: &stored,
                    item: r.assignment_id.and_then(|a| facts.get(&a)),
                },
                ctx.now,
            )
            .map_err(DomainError::Internal)?;
        items.push(InboxEntry {
            id: r.id,
            kind: r.kind,
            assignment_id: r.assignment_id,
            subject: rendered.subject,
            body: rendered.text,
            read: r.read_at.is_some(),
            delivery: r.status,
            created_at: r.created_at,
        });
    }
    Ok((Page::of(items, total, page), unread))
}

/// How many of the caller's notifications are unread (the header's badge).
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn unread_count(ctx: &Ctx<'_>) -> DomainResult<u64> {
    Ok(notification::Entity::find()
        .filter(notification::Column::RecipientUserId.eq(ctx.actor.user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(ctx.db().conn())
        .await?)
}

/// Marks one of the caller's notifications read (`None`: all of them).
/// Another user's id reads as not found.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn mark_read(ctx: &Ctx<'_>, id: Option<i64>) -> DomainResult<u64> {
    let user_id = ctx.actor.user_id;
    ctx.write(async |tx| {
        let mut q = notification::Entity::update_many()
            .col_expr(notification::Column::ReadAt, Expr::value(Some(tx.now)))
            .filter(notification::Column::RecipientUserId.eq(user_id))
            .filter(notification::Column::ReadAt.is_null());
        if let Some(id) = id {
            let exists = notification::Entity::find_by_id(id)
                .filter(notification::Column::RecipientUserId.eq(user_id))
                .one(tx.conn())
                .await?;
            if exists.is_none() {
                return Err(DomainError::NotFound("notification"));
            }
            q = q.filter(notification::Column::Id.eq(id));
        }
        Ok(q.exec(tx.conn()).await?.rows_affected)
    })
    .await
}
