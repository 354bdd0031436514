//! Claiming what is due: whole recipients at a time (so one person's
//! notices go out as one digest), marked `sending` with this process's name
//! and a lease. PostgreSQL skips rows another dispatcher has locked; SQLite
//! runs the claim as one UPDATE ... RETURNING inside a write transaction,
//! which holds the database's single write lock. A claim whose lease ran out
//! (a killed process) is due again. Before the claim commits, every new
//! message gets its Message-ID, stored on its rows, so any retry keeps it.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use duban_domain::db::Store;
use duban_domain::entities::notification::{self, Column as N};
use sea_orm::sea_query::{Alias, Expr, LockBehavior, LockType, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter,
};

use crate::context::JobContext;

pub(crate) fn claimed_by() -> Alias {
    Alias::new("claimed_by")
}

pub(crate) fn claimed_until() -> Alias {
    Alias::new("claimed_until")
}

/// A claimed notification, as the dispatcher needs it.
#[derive(Debug, Clone, FromQueryResult)]
pub(crate) struct Claimed {
    pub id: i64,
    pub dedupe_key: String,
    pub kind: String,
    pub recipient_user_id: i64,
    pub assignment_id: Option<i64>,
    pub subject: String,
    pub body: String,
    pub attempts: i32,
    pub message_id: Option<String>,
}

/// One message to send: a recipient's claimed notices under one Message-ID.
#[derive(Debug, Clone)]
pub(crate) struct Envelope {
    pub recipient: i64,
    pub message_id: String,
    pub rows: Vec<Claimed>,
}

impl Envelope {
    pub(crate) fn ids(&self) -> Vec<i64> {
        self.rows.iter().map(|r| r.id).collect()
    }

    /// Attempts so far (rows of one message are attempted together).
    pub(crate) fn attempts(&self) -> i32 {
        self.rows.iter().map(|r| r.attempts).max().unwrap_or(0)
    }
}

/// Claims the next recipients' due notices; answers their envelopes and the
/// wall-clock instant the claim lasts until.
pub(crate) async fn claim(
    ctx: &JobContext,
    at: DateTime<Utc>,
) -> Result<(Vec<Envelope>, DateTime<Utc>), DbErr> {
    let wall = ctx.lease_clock.now();
    let until = wall + Duration::seconds(i64::try_from(ctx.mail.claim_secs).unwrap_or(300));
    let due = Condition::any()
        .add(
            Condition::all()
                .add(Expr::col(N::Status).eq("pending"))
                .add(Expr::col(N::NextAttemptAt).lte(at)),
        )
        .add(
            Condition::all()
                .add(Expr::col(N::Status).eq("sending"))
                .add(Expr::col(claimed_until()).lt(wall)),
        );
    let recipients = Query::select()
        .distinct()
        .column(N::RecipientUserId)
        .from(notification::Entity)
        .cond_where(due.clone())
        .order_by(N::RecipientUserId, sea_orm::Order::Asc)
        .limit(ctx.mail.batch_recipients)
        .to_owned();
    let mut ids = Query::select()
        .column(N::Id)
        .from(notification::Entity)
        .cond_where(due)
        .and_where(Expr::col(N::RecipientUserId).in_subquery(recipients))
        .to_owned();
    if ctx.db.store() == Store::Postgres {
        ids.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let update = Query::update()
        .table(notification::Entity)
        .value(N::Status, "sending")
        .value(claimed_by(), ctx.worker.clone())
        .value(claimed_until(), until)
        .and_where(Expr::col(N::Id).in_subquery(ids))
        .returning(Query::returning().columns([
            N::Id,
            N::DedupeKey,
            N::Kind,
            N::RecipientUserId,
            N::AssignmentId,
            N::Subject,
            N::Body,
            N::Attempts,
            N::MessageId,
        ]))
        .to_owned();
    let txn = ctx.db.begin().await?;
    let rows = Claimed::find_by_statement(txn.get_database_backend().build(&update))
        .all(&txn)
        .await?;
    let envelopes = group(rows, || new_message_id(ctx));
    for e in &envelopes {
        if e.rows
            .iter()
            .any(|r| r.message_id.as_deref() != Some(&e.message_id))
        {
            notification::Entity::update_many()
                .col_expr(N::MessageId, Expr::value(Some(e.message_id.clone())))
                .filter(N::Id.is_in(e.ids()))
                .exec(&txn)
                .await?;
        }
    }
    txn.commit().await?;
    Ok((envelopes, until))
}

/// One envelope per earlier Message-ID (a retry sends the same message
/// again), and one new one per recipient for notices never attempted.
fn group(rows: Vec<Claimed>, mut new_id: impl FnMut() -> String) -> Vec<Envelope> {
    let mut retried: BTreeMap<String, Vec<Claimed>> = BTreeMap::new();
    let mut fresh: BTreeMap<i64, Vec<Claimed>> = BTreeMap::new();
    for r in rows {
        match &r.message_id {
            Some(m) => retried.entry(m.clone()).or_default().push(r),
            None => fresh.entry(r.recipient_user_id).or_default().push(r),
        }
    }
    let mut out: Vec<Envelope> = retried
        .into_iter()
        .map(|(message_id, mut rows)| {
            rows.sort_by_key(|r| r.id);
            Envelope {
                recipient: rows.first().map_or(0, |r| r.recipient_user_id),
                message_id,
                rows,
            }
        })
        .collect();
    out.extend(fresh.into_iter().map(|(recipient, mut rows)| {
        rows.sort_by_key(|r| r.id);
        Envelope {
            recipient,
            message_id: new_id(),
            rows,
        }
    }));
    out
}

fn new_message_id(ctx: &JobContext) -> String {
    format!(
        "<{}@{}>",
        uuid::Uuid::new_v4().simple(),
        ctx.from.email.domain()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, to: i64, mid: Option<&str>) -> Claimed {
        Claimed {
            id,
            dedupe_key: format!("k{id}"),
            kind: "reminder".into(),
            recipient_user_id: to,
            assignment_id: Some(id),
            subject: String::new(),
            body: String::new(),
            attempts: i32::from(mid.is_some()),
            message_id: mid.map(str::to_owned),
        }
    }

    #[test]
    fn one_message_per_recipient_and_retries_keep_their_id() {
        let mut n = 0;
        let envelopes = group(
            vec![
                row(1, 7, None),
                row(2, 8, None),
                row(3, 7, None),
                row(4, 7, Some("<old@x>")),
                row(5, 7, Some("<old@x>")),
            ],
            || {
                n += 1;
                format!("<new{n}@x>")
            },
        );
        let shape: Vec<(i64, &str, Vec<i64>)> = envelopes
            .iter()
            .map(|e| (e.recipient, e.message_id.as_str(), e.ids()))
            .collect();
        assert_eq!(
            shape,
            vec![
                (7, "<old@x>", vec![4, 5]),
                (7, "<new1@x>", vec![1, 3]),
                (8, "<new2@x>", vec![2]),
            ]
        );
        assert_eq!(envelopes[0].attempts(), 1);
    }
}
