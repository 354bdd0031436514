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
    /// The unit that handed this item down, if it was (层层分解).
    pub parent_unit_id: Option<i64>,
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
            assignment::Column::ParentUnitId,
        ])
        // Open, written as the partial index is, so the planner can use it.
        .filter(is_open())
        // A paused clock (挂起) is neither reminded nor escalated.
        .filter(assignment::Column::SuspendedAt.is_null())
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

/// Open items with a dated obligation besides their due date that a scan
/// up to `to` can concern: a milestone not reached and due by `to`, or a
/// task with a recurring duty.
pub(crate) async fn open_with_duties<C: ConnectionTrait>(
    conn: &C,
    to: DateTime<Utc>,
) -> Result<Vec<OpenItem>, DbErr> {
    use duban_domain::entities::{milestone, recurrence};
    let with_milestones: Vec<i64> = milestone::Entity::find()
        .select_only()
        .column(milestone::Column::AssignmentId)
        .filter(milestone::Column::ReachedOn.is_null())
        .filter(milestone::Column::DueAt.lte(to))
        .distinct()
        .into_tuple()
        .all(conn)
        .await?;
    let recurring: Vec<i64> = recurrence::Entity::find()
        .select_only()
        .column(recurrence::Column::TaskId)
        .distinct()
        .into_tuple()
        .all(conn)
        .await?;
    let mut out = open_of_tasks(conn, &recurring).await?;
    for chunk in with_milestones.chunks(WRITE_CHUNK) {
        out.extend(
            open_items()
                .filter(assignment::Column::Id.is_in(chunk.iter().copied()))
                .into_model::<OpenItem>()
                .all(conn)
                .await?,
        );
    }
    out.sort_by_key(|i| i.id);
    out.dedup_by_key(|i| i.id);
    Ok(out)
}

/// The standing (milestones, periods) of scanned items.
pub(crate) async fn standings<C: ConnectionTrait>(
    conn: &C,
    items: &[OpenItem],
    plans: &HashMap<i64, PlanFacts>,
    at: DateTime<Utc>,
    cal: &duban_domain::calendar::WorkingCalendar,
) -> Result<HashMap<i64, duban_domain::duties::standing::Standing>, DbErr> {
    let subjects: Vec<duban_domain::duties::standing::Subject> = items
        .iter()
        .map(|i| duban_domain::duties::standing::Subject {
            id: i.id,
            task_id: i.task_id,
            tz: zone(plans, i.plan_id),
            issued_at: i.issued_at,
            due_on: i.due_on,
        })
        .collect();
    duban_domain::duties::standing::load(conn, &subjects, at, cal).await
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
        new += notify::enqueue(&txn, at, txn_chunk.to_vec()).await?;
        txn.commit().await?;
    }
    Ok(new)
}
