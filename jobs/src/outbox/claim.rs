//! Claiming what is due: whole recipients at a time (so one person's
//! notices go out as one digest, and a robot's as a few messages), marked
//! `sending` with this process's name and a lease. PostgreSQL claims take
//! turns on an advisory lock (and skip rows an API write has locked);
//! SQLite claims inside a write transaction, which holds the database's
//! single write lock. A claim whose lease ran out (a killed process) is due
//! again. The due rows are read, grouped into messages, and each row is
//! marked claimed together with its message's Message-ID in one write, so
//! any retry keeps the Message-ID.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use duban_domain::db::Store;
use duban_domain::entities::notification::{self, Column as N, DeliveryStatus, NoticeKind};
use sea_orm::sea_query::{Alias, Expr, LockBehavior, LockType, Query, SelectStatement};
use sea_orm::{Condition, ConnectionTrait, DbErr, FromQueryResult};

use crate::context::JobContext;

/// A claimed notification, as the dispatcher needs it.
#[derive(Debug, Clone, FromQueryResult)]
pub(crate) struct Claimed {
    pub id: i64,
    pub kind: NoticeKind,
    pub recipient_user_id: Option<i64>,
    pub recipient_unit_id: Option<i64>,
    pub channel_id: Option<i64>,
    pub assignment_id: Option<i64>,
    /// The stored message as its JSON text.
    pub payload: String,
    pub attempts: i32,
    pub message_id: Option<String>,
}

/// Who one message goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Recipient {
    /// A person, at their address.
    User(i64),
    /// A unit, at its contact address.
    Unit(i64),
    /// A unit's group robot.
    Robot(i64),
}

impl Claimed {
    fn recipient(&self) -> Recipient {
        match (
            self.recipient_user_id,
            self.recipient_unit_id,
            self.channel_id,
        ) {
            (Some(u), _, _) => Recipient::User(u),
            (None, Some(u), _) => Recipient::Unit(u),
            (None, None, Some(c)) => Recipient::Robot(c),
            // Every row has one of the three (see the notifications entity).
            (None, None, None) => Recipient::Unit(0),
        }
    }
}

/// One message to send: a recipient's claimed notices under one Message-ID.
#[derive(Debug, Clone)]
pub(crate) struct Envelope {
    pub recipient: Recipient,
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
    let due = Condition::all().add(
        Condition::any()
            .add(
                Condition::all()
                    .add(Expr::col(N::Status).eq(DeliveryStatus::Pending))
                    .add(Expr::col(N::NextAttemptAt).lte(at)),
            )
            .add(
                Condition::all()
                    .add(Expr::col(N::Status).eq(DeliveryStatus::Sending))
                    .add(Expr::col(N::ClaimedUntil).lt(wall)),
            ),
    );
    // Whole recipients at a time: the first people, units and robots with rows due.
    let first = |col: N| -> SelectStatement {
        Query::select()
            .distinct()
            .column(col)
            .from(notification::Entity)
            .cond_where(due.clone())
            .and_where(Expr::col(col).is_not_null())
            .order_by(col, sea_orm::Order::Asc)
            .limit(ctx.mail.batch_recipients)
            .to_owned()
    };
    let mut ids = Query::select()
        .column(N::Id)
        .from(notification::Entity)
        .cond_where(due.clone())
        .cond_where(
            Condition::any()
                .add(Expr::col(N::RecipientUserId).in_subquery(first(N::RecipientUserId)))
                .add(Expr::col(N::RecipientUnitId).in_subquery(first(N::RecipientUnitId)))
                .add(Expr::col(N::ChannelId).in_subquery(first(N::ChannelId))),
        )
        .to_owned();
    if ctx.db.store() == Store::Postgres {
        ids.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let select = Query::select()
        .columns([
            N::Id,
            N::Kind,
            N::RecipientUserId,
            N::RecipientUnitId,
            N::ChannelId,
            N::AssignmentId,
        ])
        // As text: decoded once, straight into the message (json on
        // PostgreSQL would first become a tree of values).
        .expr_as(
            Expr::col(N::Payload).cast_as(Alias::new("TEXT")),
            Alias::new("payload"),
        )
        .columns([N::Attempts, N::MessageId])
        .from(notification::Entity)
        .and_where(Expr::col(N::Id).in_subquery(ids))
        .to_owned();
    let txn = ctx.db.begin().await?;
    if ctx.db.store() == Store::Postgres {
        // Row locks alone do not keep a recipient whole: two claims running
        // at once lock rows one at a time, so the second can take the rows
        // of a recipient the first has half locked, and a robot would get
        // one message more than its items need. Claims take turns instead
        // (the claim is one short statement; sending, the slow part, stays
        // parallel), and the next claim sees the last one committed.
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({CLAIM_LOCK})"))
            .await?;
    }
    // Messages that went out but whose rows are not yet recorded (this
    // run's, or a killed dispatcher's whose claim ran out) are recorded
    // sent first, so that nothing sent is claimed again.
    super::record::settle(&txn).await?;
    let rows = Claimed::find_by_statement(txn.get_database_backend().build(&select))
        .all(&txn)
        .await?;
    let sizes = Sizes {
        robot_items: ctx.jobs.robots.items_per_message,
        digest_items: ctx.mail.digest_max_items,
    };
    let envelopes = group(rows, sizes, || new_message_id(ctx));
    mark_claimed(&txn, ctx.db.store(), &ctx.worker, until, &envelopes).await?;
    txn.commit().await?;
    Ok((envelopes, until))
}

/// Rows per statement of [`mark_claimed`]: two bound values a row, well
/// under SQLite's limit of 32,766 parameters.
const CLAIM_CHUNK: usize = 10_000;

/// Marks the envelopes' rows `sending` under this claim, each with its
/// message's Message-ID, in one write of each row: the rows in id order,
/// many a statement, joined to their Message-IDs as a `VALUES` list. (An
/// envelope's rows lie spread over the table; marking them envelope by
/// envelope after a claim that had marked them all rewrote each page
/// twice and more.)
async fn mark_claimed(
    txn: &sea_orm::DatabaseTransaction,
    store: Store,
    worker: &str,
    until: DateTime<Utc>,
    envelopes: &[Envelope],
) -> Result<(), DbErr> {
    let mut pairs: Vec<(i64, &str)> = envelopes
        .iter()
        .flat_map(|e| e.rows.iter().map(|r| (r.id, e.message_id.as_str())))
        .collect();
    pairs.sort_unstable_by_key(|(id, _)| *id);
    let backend = txn.get_database_backend();
    // The n-th bound value's placeholder.
    let param = |n: usize| match store {
        Store::Postgres => format!("${n}"),
        Store::Sqlite => "?".to_owned(),
    };
    for chunk in pairs.chunks(CLAIM_CHUNK) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|k| format!("({}, {})", param(4 + 2 * k), param(5 + 2 * k)))
            .collect();
        let sql = format!(
            "UPDATE notifications SET status = {}, claimed_by = {}, claimed_until = {}, \
             message_id = v.column2 FROM (VALUES {}) AS v WHERE notifications.id = v.column1",
            param(1),
            param(2),
            param(3),
            rows.join(", ")
        );
        let mut values: Vec<sea_orm::Value> = Vec::with_capacity(3 + 2 * chunk.len());
        values.push(DeliveryStatus::Sending.into());
        values.push(worker.into());
        values.push(until.into());
        for (id, message_id) in chunk {
            values.push((*id).into());
            values.push((*message_id).into());
        }
        txn.execute(sea_orm::Statement::from_sql_and_values(
            backend, sql, values,
        ))
        .await?;
    }
    Ok(())
}

/// The PostgreSQL advisory lock claims take turns on ("duban_cl" as bytes).
const CLAIM_LOCK: i64 = 0x6475_6261_6e5f_636c;

/// How many notices one message carries at most.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    /// A robot's message: a group reads a short one, and WeCom refuses
    /// long ones.
    robot_items: usize,
    /// A mail digest: an inspector's day can hold a thousand items, and
    /// mail servers refuse large messages (a digest item is about 1.3 KB,
    /// so 100 keep a message near 130 KB).
    digest_items: usize,
}

/// One envelope per earlier Message-ID (a retry sends the same message
/// again), and new ones per recipient for notices never attempted, in
/// parts of at most the recipient's size, oldest notices first.
fn group(rows: Vec<Claimed>, sizes: Sizes, mut new_id: impl FnMut() -> String) -> Vec<Envelope> {
    let mut retried: BTreeMap<String, Vec<Claimed>> = BTreeMap::new();
    let mut fresh: BTreeMap<Recipient, Vec<Claimed>> = BTreeMap::new();
    for r in rows {
        match &r.message_id {
            Some(m) => retried.entry(m.clone()).or_default().push(r),
            None => fresh.entry(r.recipient()).or_default().push(r),
        }
    }
    let mut out: Vec<Envelope> = retried
        .into_iter()
        .map(|(message_id, mut rows)| {
            rows.sort_by_key(|r| r.id);
            Envelope {
                recipient: rows.first().map_or(Recipient::Unit(0), Claimed::recipient),
                message_id,
                rows,
            }
        })
        .collect();
    for (recipient, mut rows) in fresh {
        rows.sort_by_key(|r| r.id);
        let size = match recipient {
            Recipient::Robot(_) => sizes.robot_items.max(1),
            Recipient::User(_) | Recipient::Unit(_) => sizes.digest_items.max(1),
        };
        // The rows are moved into their parts, not copied: each carries its
        // stored message (perf: copying them was 4 % of a dispatch).
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            out.push(Envelope {
                recipient,
                message_id: new_id(),
                rows: rows.by_ref().take(size).collect(),
            });
        }
    }
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
            kind: NoticeKind::Reminder,
            recipient_user_id: Some(to),
            recipient_unit_id: None,
            channel_id: None,
            assignment_id: Some(id),
            payload: "{}".to_owned(),
            attempts: i32::from(mid.is_some()),
            message_id: mid.map(str::to_owned),
        }
    }

    const SIZES: Sizes = Sizes {
        robot_items: 10,
        digest_items: 100,
    };

    #[test]
    fn a_large_digest_is_split_into_messages_of_bounded_size() {
        let mut n = 0;
        let envelopes = group((1..=250).map(|i| row(i, 7, None)).collect(), SIZES, || {
            n += 1;
            format!("<d{n}@x>")
        });
        let sizes: Vec<usize> = envelopes.iter().map(|e| e.rows.len()).collect();
        assert_eq!(sizes, [100, 100, 50]);
        let ids: Vec<i64> = envelopes.iter().flat_map(Envelope::ids).collect();
        assert_eq!(
            ids,
            (1..=250).collect::<Vec<_>>(),
            "each notice once, in order"
        );
        let mids: std::collections::BTreeSet<&str> =
            envelopes.iter().map(|e| e.message_id.as_str()).collect();
        assert_eq!(mids.len(), 3, "each part is a message of its own");
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
            SIZES,
            || {
                n += 1;
                format!("<new{n}@x>")
            },
        );
        let shape: Vec<(Recipient, &str, Vec<i64>)> = envelopes
            .iter()
            .map(|e| (e.recipient, e.message_id.as_str(), e.ids()))
            .collect();
        assert_eq!(
            shape,
            vec![
                (Recipient::User(7), "<old@x>", vec![4, 5]),
                (Recipient::User(7), "<new1@x>", vec![1, 3]),
                (Recipient::User(8), "<new2@x>", vec![2]),
            ]
        );
        assert_eq!(envelopes[0].attempts(), 1);
    }

    #[test]
    fn a_robot_hears_in_short_messages() {
        let robot = |id: i64| Claimed {
            channel_id: Some(3),
            recipient_user_id: None,
            ..row(id, 0, None)
        };
        let mut n = 0;
        let envelopes = group((1..=25).map(robot).collect(), SIZES, || {
            n += 1;
            format!("<r{n}@x>")
        });
        let sizes: Vec<usize> = envelopes.iter().map(|e| e.rows.len()).collect();
        assert_eq!(sizes, [10, 10, 5]);
        assert!(envelopes.iter().all(|e| e.recipient == Recipient::Robot(3)));
    }
}
