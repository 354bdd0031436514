//! The outbox dispatcher: claims due notifications, sends what each person
//! is to be told as one e-mail and what each group robot is to show as a
//! few short messages, and records every attempt. Two dispatchers
//! at once never send one notification twice: each row is claimed by one,
//! and a claim that outlives its lease is no longer used for sending.

mod claim;
mod compose;
mod record;
mod robot;

use chrono::{DateTime, Utc};
use duban_domain::db::Db;
use duban_domain::entities::notification::{self, Column as N, DeliveryStatus};
use duban_domain::entities::notification_attempt as attempt;
use duban_domain::messages::{Stored, item_facts};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

pub use attempt::Model as NotificationAttempt;

use crate::context::JobContext;
use crate::outcome::Outcome;
use claim::Recipient;

/// Consecutive failed e-mails after which a run stops trying (the server is
/// down); the rest stays due for the next run. A robot that fails is not
/// tried again in the run; the others go on.
const MAX_CONSECUTIVE_FAILURES: u32 = 3;
/// Claim rounds per run, so one run cannot go on forever.
const MAX_ROUNDS: usize = 1000;

pub(crate) async fn run(ctx: &JobContext, at: DateTime<Utc>) -> anyhow::Result<Outcome> {
    let mut out = Outcome::new("dispatch");
    let timeout = std::time::Duration::from_secs(ctx.mail.smtp.timeout_secs);
    let longest = timeout.max(std::time::Duration::from_secs(ctx.jobs.robots.timeout_secs));
    let mut consecutive_failures = 0;
    let mut down = robot::Down::default();
    for _ in 0..MAX_ROUNDS {
        // Asked to stop: claim nothing more.
        if ctx.stop_requested() {
            out.skipped = Some("stopping".into());
            break;
        }
        let (envelopes, until) = claim::claim(ctx, at).await?;
        if envelopes.is_empty() {
            break;
        }
        out.scanned += envelopes.iter().map(|e| e.rows.len() as u64).sum::<u64>();
        let conn = ctx.db.conn();
        let addresses = compose::Addresses::load(conn, &envelopes).await?;
        let robots = robot::load(
            conn,
            envelopes
                .iter()
                .filter_map(|e| match e.recipient {
                    Recipient::Robot(c) => Some(c),
                    Recipient::User(_) | Recipient::Unit(_) => None,
                })
                .collect(),
        )
        .await?;
        let items: Vec<i64> = envelopes
            .iter()
            .flat_map(|e| e.rows.iter().filter_map(|r| r.assignment_id))
            .collect();
        let facts = item_facts(conn, items).await?;
        // A send must end before the claim does, or another run may take the
        // rows over while this one still talks to the server.
        let last_start = until - chrono::Duration::from_std(longest)?;
        let mut stopped = false;
        for env in &envelopes {
            let attempt_no = env.attempts() + 1;
            let mail_down = consecutive_failures >= MAX_CONSECUTIVE_FAILURES
                && !matches!(env.recipient, Recipient::Robot(_));
            if stopped || mail_down || ctx.stop_requested() || ctx.lease_clock.now() >= last_start {
                stopped = true;
                record::released(ctx, &env.ids()).await?;
                continue;
            }
            let stored: Vec<Stored> = env
                .rows
                .iter()
                .map(|r| Stored::from_json_text(&r.payload))
                .collect();
            let (stale, live): (Vec<_>, Vec<_>) =
                env.rows.iter().zip(&stored).partition(|(r, s)| {
                    let item = r.assignment_id.and_then(|a| facts.get(&a));
                    match (s, item) {
                        (Stored::Message(m), Some(f)) => m.obsolete(f).is_some(),
                        _ => false,
                    }
                });
            if let Recipient::Robot(channel_id) = env.recipient {
                if !stale.is_empty() {
                    let ids: Vec<i64> = stale.iter().map(|(r, _)| r.id).collect();
                    record::skipped(ctx, &ids, attempt_no, "no longer relevant", at).await?;
                    out.notifications_skipped += ids.len() as u64;
                }
                if !live.is_empty() {
                    robot::deliver(
                        ctx, at, env, channel_id, &live, &facts, &robots, &mut down, &mut out,
                    )
                    .await?;
                }
                continue;
            }
            let Some(to) = addresses.mailbox(env.recipient) else {
                record::skipped(ctx, &env.ids(), attempt_no, "no valid email address", at).await?;
                out.notifications_skipped += env.rows.len() as u64;
                continue;
            };
            if !stale.is_empty() {
                let ids: Vec<i64> = stale.iter().map(|(r, _)| r.id).collect();
                record::skipped(ctx, &ids, attempt_no, "no longer relevant", at).await?;
                out.notifications_skipped += ids.len() as u64;
            }
            if live.is_empty() {
                continue;
            }
            let ids: Vec<i64> = live.iter().map(|(r, _)| r.id).collect();
            let message = compose::compose(ctx, at, env, &live, to, &facts)?;
            match ctx.mailer.send(message, timeout).await {
                Ok(()) => {
                    consecutive_failures = 0;
                    record::sent(ctx, &ids, attempt_no, &env.message_id, at).await?;
                    out.messages_sent += 1;
                    out.notifications_sent += ids.len() as u64;
                }
                Err(failure) if failure.permanent => {
                    // The server answered: it is up, but will never take
                    // this message (a refused recipient, a policy, a size).
                    consecutive_failures = 0;
                    tracing::warn!(
                        message_id = %env.message_id, attempt = attempt_no, error = %failure,
                        "mail refused permanently; not retried"
                    );
                    record::failed_with(
                        ctx,
                        &ids,
                        attempt_no,
                        &env.message_id,
                        &failure.error,
                        at,
                        record::Retry::GiveUp,
                    )
                    .await?;
                    out.messages_failed += 1;
                    out.notifications_failed += ids.len() as u64;
                }
                Err(error) => {
                    consecutive_failures += 1;
                    tracing::warn!(
                        message_id = %env.message_id, attempt = attempt_no, %error,
                        "mail delivery failed; will retry"
                    );
                    let gave_up =
                        record::failed(ctx, &ids, attempt_no, &env.message_id, &error.error, at)
                            .await?;
                    out.messages_failed += 1;
                    if gave_up {
                        out.notifications_failed += ids.len() as u64;
                    }
                }
            }
        }
        if stopped {
            break;
        }
    }
    record::settle_now(ctx).await?;
    Ok(out)
}

/// Hands back everything this process still holds claimed (its stop ran
/// out of time mid-send): the rows are due again at once, with the
/// Message-IDs they have, for the next dispatcher. Answers how many.
pub(crate) async fn release_claims(ctx: &JobContext) -> Result<u64, DbErr> {
    let txn = ctx.db.begin().await?;
    // What went out stays sent.
    record::settle(&txn).await?;
    let res = notification::Entity::update_many()
        .col_expr(N::Status, Expr::value(DeliveryStatus::Pending))
        .col_expr(N::ClaimedBy, Expr::value(Option::<String>::None))
        .col_expr(N::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(N::Status.eq(DeliveryStatus::Sending))
        .filter(N::ClaimedBy.eq(ctx.worker.clone()))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(res.rows_affected)
}

/// Notifications given up on, newest first, for the admins.
pub async fn failed_notifications(db: &Db, limit: u64) -> Result<Vec<notification::Model>, DbErr> {
    notification::Entity::find()
        .filter(N::Status.eq(DeliveryStatus::Failed))
        .order_by_desc(N::Id)
        .limit(limit)
        .all(db.conn())
        .await
}

/// Puts failed notifications back in the queue, due at `now`; each gets one
/// more attempt. Answers how many were failed and are now pending.
pub async fn retry_failed(db: &Db, now: DateTime<Utc>, ids: &[i64]) -> Result<u64, DbErr> {
    let txn = db.begin().await?;
    let mut n = 0;
    for chunk in ids.chunks(1000) {
        n += notification::Entity::update_many()
            .col_expr(N::Status, Expr::value(DeliveryStatus::Pending))
            .col_expr(N::NextAttemptAt, Expr::value(now))
            .filter(N::Id.is_in(chunk.iter().copied()))
            .filter(N::Status.eq(DeliveryStatus::Failed))
            .exec(&txn)
            .await?
            .rows_affected;
    }
    txn.commit().await?;
    Ok(n)
}

/// Every attempt to deliver a notification, oldest first.
pub async fn attempts_of(db: &Db, notification_id: i64) -> Result<Vec<NotificationAttempt>, DbErr> {
    attempt::Entity::find()
        .filter(attempt::Column::NotificationId.eq(notification_id))
        .order_by_asc(attempt::Column::Id)
        .all(db.conn())
        .await
}
