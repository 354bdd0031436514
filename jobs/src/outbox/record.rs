//! Writing down what happened to an envelope: sent, failed (retry later
//! with backoff, or give up after the last attempt), skipped, or released
//! unattempted. Each attempt is also a row of `notification_attempts`.
//! A send is written down first as one row of the sent journal and
//! recorded on its notifications by `settle`, many messages at a time.
//! Every update is guarded by this process's claim, so a run whose claim was
//! taken over cannot overwrite the new owner's outcome.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use duban_domain::bulk;
use duban_domain::entities::notification::{self, Column as N, DeliveryStatus};
use duban_domain::entities::notification_attempt::{self as attempt, AttemptOutcome};
use duban_domain::entities::outbox_sent;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, Set,
};

use crate::context::JobContext;

/// The envelope's rows this process still holds, their claim ended by the
/// update. The claim is `claimed_by`: set only with the status `sending`
/// (claim.rs) and cleared by every update here, so it alone proves the rows
/// are ours and still being sent. A `status = 'sending'` term besides it
/// led SQLite to read them through the dispatch index, every row being
/// sent, instead of by id: 7 ms a message with 133,000 rows claimed, 10 of
/// the 23 s a dispatch of them took.
fn mine(worker: &str, ids: &[i64]) -> sea_orm::UpdateMany<notification::Entity> {
    notification::Entity::update_many()
        .col_expr(N::ClaimedBy, Expr::value(Option::<String>::None))
        .col_expr(N::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(N::Id.is_in(ids.iter().copied()))
        .filter(N::ClaimedBy.eq(worker))
}

async fn attempts(
    txn: &sea_orm::DatabaseTransaction,
    ids: &[i64],
    attempt_no: i32,
    at: DateTime<Utc>,
    outcome: AttemptOutcome,
    message_id: Option<&str>,
    error: Option<&str>,
) -> Result<(), DbErr> {
    let rows = ids
        .iter()
        .map(|id| attempt_row(*id, attempt_no, at, outcome, message_id, error));
    attempt::Entity::insert_many(rows)
        .exec_without_returning(txn)
        .await
        .map(|_| ())
}

fn attempt_row(
    notification_id: i64,
    attempt_no: i32,
    at: DateTime<Utc>,
    outcome: AttemptOutcome,
    message_id: Option<&str>,
    error: Option<&str>,
) -> attempt::ActiveModel {
    attempt::ActiveModel {
        notification_id: Set(notification_id),
        attempt: Set(attempt_no),
        at: Set(at),
        outcome: Set(outcome),
        message_id: Set(message_id.map(str::to_owned)),
        error: Set(error.map(str::to_owned)),
        ..Default::default()
    }
}

/// A message the server accepted: written down at once as one journal row
/// (the guarantee: a kill after this repeats nothing), its rows recorded
/// sent later, with those of the messages around it, by [`settle`].
pub(crate) async fn sent(
    ctx: &JobContext,
    ids: &[i64],
    attempt_no: i32,
    message_id: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let ids = serde_json::to_string(ids).map_err(|e| DbErr::Custom(e.to_string()))?;
    let txn = ctx.db.begin().await?;
    outbox_sent::Entity::insert(outbox_sent::ActiveModel {
        message_id: Set(message_id.to_owned()),
        worker: Set(ctx.worker.clone()),
        attempt: Set(attempt_no),
        sent_at: Set(at),
        ids: Set(ids),
    })
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await
}

/// Ids per statement when settling (well under SQLite's bound-parameter limit).
const SETTLE_CHUNK: usize = 1000;

/// Records sent every message the journal holds, whoever sent it: its rows
/// (still under the sender's claim) become `sent`, each gets its attempt
/// row, and the journal row goes. Runs inside the claim's transaction, so
/// a claim never takes back rows whose message went out, and at the end of
/// a run.
pub(crate) async fn settle<C: ConnectionTrait>(conn: &C) -> Result<(), DbErr> {
    // Taken out of the journal in one statement: of two settles at once
    // (a run's end beside another's claim) each entry goes to one only.
    let take = Query::delete()
        .from_table(outbox_sent::Entity)
        .returning_all()
        .to_owned();
    let journal = outbox_sent::Model::find_by_statement(conn.get_database_backend().build(&take))
        .all(conn)
        .await?;
    if journal.is_empty() {
        return Ok(());
    }
    // Each notice with the journal entry that sent it, in id order: a
    // message's rows lie spread over the table (its recipient's notices were
    // written among everyone's), so settling message by message rewrote a
    // page once for every message with a row on it; in id order each page
    // is rewritten once, and the attempt rows enter their index in order.
    let mut sent: Vec<(i64, &outbox_sent::Model)> = Vec::new();
    for entry in &journal {
        let ids: Vec<i64> = serde_json::from_str(&entry.ids)
            .map_err(|e| DbErr::Custom(format!("sent journal {}: {e}", entry.message_id)))?;
        sent.extend(ids.into_iter().map(|id| (id, entry)));
    }
    sent.sort_unstable_by_key(|(id, _)| *id);
    let mut groups: BTreeMap<(&str, i32, DateTime<Utc>), Vec<i64>> = BTreeMap::new();
    for (id, entry) in &sent {
        groups
            .entry((&entry.worker, entry.attempt, entry.sent_at))
            .or_default()
            .push(*id);
    }
    for ((worker, attempt_no, at), ids) in groups {
        for chunk in ids.chunks(SETTLE_CHUNK) {
            mine(worker, chunk)
                .col_expr(N::Status, Expr::value(DeliveryStatus::Sent))
                .col_expr(N::Attempts, Expr::value(attempt_no))
                .col_expr(N::SentAt, Expr::value(Some(at)))
                .col_expr(N::LastError, Expr::value(Option::<String>::None))
                .exec(conn)
                .await?;
        }
    }
    let rows: Vec<attempt::ActiveModel> = sent
        .iter()
        .map(|(id, entry)| {
            attempt_row(
                *id,
                entry.attempt,
                entry.sent_at,
                AttemptOutcome::Sent,
                Some(&entry.message_id),
                None,
            )
        })
        .collect();
    bulk::insert(conn, &rows, None).await.map(|_| ())
}

/// [`settle`] in a transaction of its own, at the end of a run. A run that
/// ends on an empty claim has settled everything in it, so the journal is
/// looked at first: no write transaction (on SQLite, one more generation of
/// every remembered list) for nothing.
pub(crate) async fn settle_now(ctx: &JobContext) -> Result<(), DbErr> {
    if outbox_sent::Entity::find()
        .one(ctx.db.conn())
        .await?
        .is_none()
    {
        return Ok(());
    }
    let txn = ctx.db.begin().await?;
    settle(&txn).await?;
    txn.commit().await
}

/// Answers whether the notices were given up on (status failed).
pub(crate) async fn failed(
    ctx: &JobContext,
    ids: &[i64],
    attempt_no: i32,
    message_id: &str,
    error: &str,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    failed_with(
        ctx,
        ids,
        attempt_no,
        message_id,
        error,
        at,
        Retry::Backoff(None),
    )
    .await
}

/// How many times more "too fast" answers than failures a message takes
/// before it is given up on.
const SLOW_DOWN_PATIENCE: u32 = 5;

/// What follows a failed attempt.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Retry {
    /// Again after the backoff, and not before the instant given (a robot
    /// that asked us to slow down); failed after the last attempt.
    Backoff(Option<DateTime<Utc>>),
    /// Not before the instant given: the platform said we sent too fast.
    /// Counted as an attempt but not a failure of the message, so it gives
    /// up only after many more tries than a real failure.
    SlowDown(DateTime<Utc>),
    /// Never: the address is refused until someone fixes it.
    GiveUp,
}

pub(crate) async fn failed_with(
    ctx: &JobContext,
    ids: &[i64],
    attempt_no: i32,
    message_id: &str,
    error: &str,
    at: DateTime<Utc>,
    retry: Retry,
) -> Result<bool, DbErr> {
    let last = u32::try_from(attempt_no).unwrap_or(u32::MAX) >= ctx.mail.max_attempts;
    let (give_up, not_before) = match retry {
        Retry::Backoff(not_before) => (last, not_before),
        Retry::SlowDown(until) => (
            u32::try_from(attempt_no).unwrap_or(u32::MAX)
                >= ctx.mail.max_attempts.saturating_mul(SLOW_DOWN_PATIENCE),
            Some(until),
        ),
        Retry::GiveUp => (true, None),
    };
    let next = (at + ctx.mail.backoff(u32::try_from(attempt_no).unwrap_or(1)))
        .max(not_before.unwrap_or(at));
    let txn = ctx.db.begin().await?;
    mine(&ctx.worker, ids)
        .col_expr(
            N::Status,
            Expr::value(if give_up {
                DeliveryStatus::Failed
            } else {
                DeliveryStatus::Pending
            }),
        )
        .col_expr(N::Attempts, Expr::value(attempt_no))
        .col_expr(N::NextAttemptAt, Expr::value(next))
        .col_expr(N::LastError, Expr::value(Some(error.to_owned())))
        .exec(&txn)
        .await?;
    attempts(
        &txn,
        ids,
        attempt_no,
        at,
        AttemptOutcome::Failed,
        Some(message_id),
        Some(error),
    )
    .await?;
    txn.commit().await?;
    Ok(give_up)
}

/// Puts notices back unattempted, due again at `until` (a robot's minute is
/// full, or it is down for this run).
pub(crate) async fn deferred(
    ctx: &JobContext,
    ids: &[i64],
    until: DateTime<Utc>,
) -> Result<(), DbErr> {
    let txn = ctx.db.begin().await?;
    mine(&ctx.worker, ids)
        .col_expr(N::Status, Expr::value(DeliveryStatus::Pending))
        .col_expr(N::NextAttemptAt, Expr::value(until))
        .exec(&txn)
        .await?;
    txn.commit().await
}

/// Not to be mailed: no address, or no longer relevant. Users still see
/// the notices in the app.
pub(crate) async fn skipped(
    ctx: &JobContext,
    ids: &[i64],
    attempt_no: i32,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    let txn = ctx.db.begin().await?;
    mine(&ctx.worker, ids)
        .col_expr(N::Status, Expr::value(DeliveryStatus::Skipped))
        .col_expr(N::LastError, Expr::value(Some(reason.to_owned())))
        .exec(&txn)
        .await?;
    attempts(
        &txn,
        ids,
        attempt_no,
        at,
        AttemptOutcome::Skipped,
        None,
        Some(reason),
    )
    .await?;
    txn.commit().await
}

/// Hands notices back unattempted (the run stopped before sending them);
/// they keep their Message-ID for the run that sends them.
pub(crate) async fn released(ctx: &JobContext, ids: &[i64]) -> Result<(), DbErr> {
    let txn = ctx.db.begin().await?;
    mine(&ctx.worker, ids)
        .col_expr(N::Status, Expr::value(DeliveryStatus::Pending))
        .exec(&txn)
        .await?;
    txn.commit().await
}

#[cfg(test)]
mod tests {
    use duban_migrations::{Migrator, MigratorTrait};
    use sea_orm::{Database, FromQueryResult, QueryTrait, Statement};

    use super::*;

    #[derive(Debug, FromQueryResult)]
    struct Plan {
        detail: String,
    }

    /// However many rows are being sent, recording one message reads its
    /// own rows by id (SQLite, with no statistics yet, picked the dispatch
    /// index for a status term and read every row being sent).
    #[tokio::test]
    async fn recording_a_message_reads_its_rows_by_id() {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        Migrator::up(&db, None).await.unwrap();
        // A digest's worth of rows.
        let ids: Vec<i64> = (1..=100).collect();
        let update = mine("worker-1", &ids)
            .col_expr(N::Status, Expr::value(DeliveryStatus::Sent))
            .build(sea_orm::DbBackend::Sqlite);
        let explain = Statement::from_sql_and_values(
            sea_orm::DbBackend::Sqlite,
            format!("EXPLAIN QUERY PLAN {}", update.sql),
            update.values.map(|v| v.0).unwrap_or_default(),
        );
        let plan: Vec<String> = Plan::find_by_statement(explain)
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.detail)
            .collect();
        assert!(
            plan.iter().all(|d| !d.contains("ix_notifications")),
            "{plan:?}"
        );
        assert!(plan.iter().any(|d| d.contains("PRIMARY KEY")), "{plan:?}");
    }
}
