//! Writing to the notification outbox. Every row has a dedupe key; writing
//! the same key twice is a no-op, so a change or a job scan can be repeated
//! without telling anyone twice. The dispatcher (jobs) sends the rows.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::entities::{notification, user};
use crate::role::{Role, RoleSet};

/// What to tell one person.
#[derive(Debug, Clone)]
pub struct Notice {
    pub dedupe_key: String,
    pub kind: &'static str,
    pub recipient_user_id: i64,
    pub assignment_id: Option<i64>,
    pub subject: String,
    pub body: String,
}

/// Writes the notices on `conn` (the transaction of the change); answers how
/// many were new.
pub async fn enqueue<C: ConnectionTrait>(
    conn: &C,
    now: DateTime<Utc>,
    notices: Vec<Notice>,
) -> Result<u64, sea_orm::DbErr> {
    if notices.is_empty() {
        return Ok(0);
    }
    let rows = notices.into_iter().map(|n| notification::ActiveModel {
        dedupe_key: Set(n.dedupe_key),
        kind: Set(n.kind.to_owned()),
        recipient_user_id: Set(n.recipient_user_id),
        assignment_id: Set(n.assignment_id),
        subject: Set(n.subject),
        body: Set(n.body),
        status: Set("pending".to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        message_id: Set(None),
        last_error: Set(None),
        read_at: Set(None),
        sent_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    });
    let res = notification::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(notification::Column::DedupeKey)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await;
    match res {
        Ok(n) => Ok(n),
        // Every row already existed: nothing new to say.
        Err(sea_orm::DbErr::RecordNotInserted) => Ok(0),
        Err(e) => Err(e),
    }
}

/// Active users of `unit_id` holding any of `roles`.
pub async fn unit_people<C: ConnectionTrait>(
    conn: &C,
    unit_id: i64,
    roles: &[Role],
) -> Result<Vec<user::Model>, sea_orm::DbErr> {
    let users = user::Entity::find()
        .filter(user::Column::UnitId.eq(unit_id))
        .filter(user::Column::Active.eq(true))
        .all(conn)
        .await?;
    Ok(users
        .into_iter()
        .filter(|u| RoleSet::from_stored(&u.roles).any(roles))
        .collect())
}

/// Active users anywhere holding any of `roles` (the office, inspectors, leaders).
pub async fn people_with<C: ConnectionTrait>(
    conn: &C,
    roles: &[Role],
) -> Result<Vec<user::Model>, sea_orm::DbErr> {
    let users = user::Entity::find()
        .filter(user::Column::Active.eq(true))
        .all(conn)
        .await?;
    Ok(users
        .into_iter()
        .filter(|u| RoleSet::from_stored(&u.roles).any(roles))
        .collect())
}

/// The caller's own notifications, newest first, and how many are unread.
pub async fn inbox(
    db: &crate::db::Db,
    user_id: i64,
    unread_only: bool,
    page: crate::page::PageRequest,
) -> Result<(crate::page::Page<notification::Model>, u64), sea_orm::DbErr> {
    use sea_orm::{PaginatorTrait, QueryOrder, QuerySelect};
    let mine =
        notification::Entity::find().filter(notification::Column::RecipientUserId.eq(user_id));
    let unread = mine
        .clone()
        .filter(notification::Column::ReadAt.is_null())
        .count(db.conn())
        .await?;
    let q = if unread_only {
        mine.filter(notification::Column::ReadAt.is_null())
    } else {
        mine
    };
    let total = q.clone().count(db.conn()).await?;
    let items = q
        .order_by_desc(notification::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db.conn())
        .await?;
    Ok((
        crate::page::Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        },
        unread,
    ))
}

/// Marks one of the caller's notifications read (`None`: all of them).
/// Another user's id reads as not found.
pub async fn mark_read(
    db: &crate::db::Db,
    now: DateTime<Utc>,
    user_id: i64,
    id: Option<i64>,
) -> Result<u64, crate::DomainError> {
    use sea_orm::sea_query::Expr;
    let txn = db.begin().await?;
    let mut q = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Some(now)))
        .filter(notification::Column::RecipientUserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        let exists = notification::Entity::find_by_id(id)
            .filter(notification::Column::RecipientUserId.eq(user_id))
            .one(&txn)
            .await?;
        if exists.is_none() {
            return Err(crate::DomainError::NotFound("notification"));
        }
        q = q.filter(notification::Column::Id.eq(id));
    }
    let n = q.exec(&txn).await?.rows_affected;
    txn.commit().await?;
    Ok(n)
}
