//! The scans: each reads only the items its rule can concern (a window of
//! open assignments by deadline, through the partial index over open items),
//! decides in plain Rust, and writes notices whose dedupe keys make a re-run
//! a no-op.

pub(crate) mod ack;
pub(crate) mod escalations;
pub(crate) mod reminders;
pub(crate) mod reports;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use duban_domain::entities::assignment;
use duban_domain::notify::{self, Notice};
use duban_domain::plan_policy::PlanFacts;
use duban_domain::workflow::Status;
use duban_domain::workflow::listing::is_open;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::context::JobContext;

/// Rows per statement and per transaction when writing.
pub(crate) const WRITE_CHUNK: usize = 1000;
const TXN_CHUNK: usize = 10_000;

/// What a scan reads of an open assignment.
#[derive(Debug, Clone, FromQueryResult)]
pub(crate) struct OpenItem {
    pub id: i64,
    pub task_id: i64,
    pub plan_id: i64,
    pub unit_id: i64,
    pub status: Status,
    pub due_on: NaiveDate,
    pub issued_at: Option<DateTime<Utc>>,
    pub last_report_at: Option<DateTime<Utc>>,
    pub escalation_level: i32,
}

fn open_items() -> sea_orm::Select<assignment::Entity> {
    assignment::Entity::find()
        .select_only()
        .columns([
            assignment::Column::Id,
            assignment::Column::TaskId,
            assignment::Column::PlanId,
            assignment::Column::UnitId,
            assignment::Column::Status,
            assignment::Column::DueOn,
            assignment::Column::IssuedAt,
            assignment::Column::LastReportAt,
            assignment::Column::EscalationLevel,
        ])
        // Open, written as the partial index is, so the planner can use it.
        .filter(is_open())
        // Waiting for the office's review: the unit has done its part.
        .filter(assignment::Column::Status.ne(Status::PendingReview))
}

/// Open items whose due date ends within `(from, to]`.
pub(crate) async fn open_due_between<C: ConnectionTrait>(
    conn: &C,
    from: Option<DateTime<Utc>>,
    to: DateTime<Utc>,
    extra: Condition,
) -> Result<Vec<OpenItem>, DbErr> {
    let mut q = open_items().filter(assignment::Column::DueAt.lte(to));
    if let Some(from) = from {
        q = q.filter(assignment::Column::DueAt.gt(from));
    }
    q.filter(extra)
        .order_by_asc(assignment::Column::DueAt)
        .order_by_asc(assignment::Column::Id)
        .into_model::<OpenItem>()
        .all(conn)
        .await
}

/// Open items of the given tasks.
pub(crate) async fn open_of_tasks<C: ConnectionTrait>(
    conn: &C,
    task_ids: &[i64],
) -> Result<Vec<OpenItem>, DbErr> {
    let mut out = Vec::new();
    for chunk in task_ids.chunks(WRITE_CHUNK) {
        out.extend(
            open_items()
                .filter(assignment::Column::TaskId.is_in(chunk.iter().copied()))
                .into_model::<OpenItem>()
                .all(conn)
                .await?,
        );
    }
    Ok(out)
}

/// Open items still `issued` (not acknowledged), issued at or before `by`.
pub(crate) async fn unacknowledged<C: ConnectionTrait>(
    conn: &C,
    by: DateTime<Utc>,
) -> Result<Vec<OpenItem>, DbErr> {
    open_items()
        // As the partial index ix_assignments_unacknowledged is written.
        .filter(Expr::cust("\"assignments\".\"status\" = 'issued'"))
        .filter(assignment::Column::IssuedAt.lte(by))
        .into_model::<OpenItem>()
        .all(conn)
        .await
}

pub(crate) fn zone(plans: &HashMap<i64, PlanFacts>, plan_id: i64) -> chrono_tz::Tz {
    plans.get(&plan_id).map_or(chrono_tz::Asia::Shanghai, |p| {
        duban_domain::time::zone_of(&p.timezone)
    })
}

/// Writes notices in chunked statements and transactions; answers how many
/// were new.
pub(crate) async fn write_notices(
    ctx: &JobContext,
    at: DateTime<Utc>,
    notices: Vec<Notice>,
) -> Result<u64, DbErr> {
    let mut new = 0;
    for txn_chunk in notices.chunks(TXN_CHUNK) {
        let txn = ctx.db.begin().await?;
        for chunk in txn_chunk.chunks(WRITE_CHUNK) {
            new += notify::enqueue(&txn, at, chunk.to_vec()).await?;
        }
        txn.commit().await?;
    }
    Ok(new)
}
