//! Finding assignments: filters, sort and pages, scoped to what the caller
//! may see. Overdue is derived from `due_at` and the injected clock.

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use sea_orm::sea_query::{Expr, IntoCondition};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, Order,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, RelationTrait,
};
use serde::Serialize;

use super::Status;
use crate::context::Ctx;
use crate::db::Generation;
use crate::directory::units::{escape_like, like};
use crate::entities::assignment::AssignmentRole;
use crate::entities::{assignment, plan, task, unit};
use crate::page::{Page, PageRequest};
use crate::policy::{Actor, Scope, assignment_scope};
use crate::time::{days_overdue, local_date, zone_of};
use crate::{DomainError, FieldError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    DueOn,
    Id,
    UpdatedAt,
    EscalationLevel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Sort {
    /// `due_on`, `-due_on`, `id`, `updated_at`, `escalation_level` (a leading `-` sorts descending).
    pub fn parse(s: &str) -> Result<Sort, FieldError> {
        let (descending, name) = s.strip_prefix('-').map_or((false, s), |n| (true, n));
        let key = match name {
            "due_on" => SortKey::DueOn,
            "id" => SortKey::Id,
            "updated_at" => SortKey::UpdatedAt,
            "escalation_level" => SortKey::EscalationLevel,
            _ => {
                return Err(FieldError::new(
                    "sort",
                    "排序字段须为 due_on、id、updated_at、escalation_level 之一，前加 - 为倒序",
                ));
            }
        };
        Ok(Sort { key, descending })
    }
}

impl Default for Sort {
    fn default() -> Self {
        Sort {
            key: SortKey::DueOn,
            descending: false,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct AssignmentFilter {
    pub statuses: Vec<Status>,
    pub unit_id: Option<i64>,
    pub plan_id: Option<i64>,
    pub task_id: Option<i64>,
    pub role: Option<AssignmentRole>,
    pub overdue: Option<bool>,
    pub escalation_level: Option<i32>,
    pub min_escalation_level: Option<i32>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
    /// Words in the task title or requirements, or the plan's doc number.
    pub q: Option<String>,
    /// Open and either overdue or already escalated: what stays under
    /// supervision (an escalated item stays on the board until it is closed).
    pub supervised: bool,
    pub sort: Sort,
}

/// One line of a list: the assignment with the names people need to read it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct AssignmentRow {
    pub id: i64,
    pub task_id: i64,
    pub plan_id: i64,
    pub unit_id: i64,
    pub role: AssignmentRole,
    pub status: Status,
    pub due_on: NaiveDate,
    pub due_at: DateTime<Utc>,
    pub issued_at: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub last_report_at: Option<DateTime<Utc>>,
    pub percent: Option<i32>,
    pub escalation_level: i32,
    pub parent_id: Option<i64>,
    pub parent_unit_id: Option<i64>,
    pub suspended_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    pub task_number: String,
    pub task_title: String,
    pub plan_doc_no: String,
    pub plan_timezone: String,
    pub unit_name: String,
}

/// The derived facts of a row at a given moment.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Derived {
    pub overdue: bool,
    pub days_overdue: i64,
}

impl AssignmentRow {
    /// The item as people name it: "通政办发〔2013〕35号 (一)承接政务便民服务".
    pub fn what(&self) -> String {
        format!(
            "{} {}{}",
            self.plan_doc_no, self.task_number, self.task_title
        )
        .trim()
        .to_owned()
    }

    /// The task as it is named inside its plan: "(一)承接政务便民服务".
    pub fn what_in_plan(&self) -> String {
        format!("{}{}", self.task_number, self.task_title)
            .trim()
            .to_owned()
    }

    pub fn derived(&self, now: DateTime<Utc>) -> Derived {
        // A paused clock is not late (挂起).
        let overdue = self.status.is_open() && self.suspended_at.is_none() && now >= self.due_at;
        let today = local_date(now, zone_of(&self.plan_timezone));
        Derived {
            overdue,
            days_overdue: if overdue {
                days_overdue(self.due_on, today)
            } else {
                0
            },
        }
    }
}

/// The list line's columns, joined with the names people read.
pub(crate) fn base_select() -> sea_orm::Select<assignment::Entity> {
    assignment::Entity::find()
        .select_only()
        .columns([
            assignment::Column::Id,
            assignment::Column::TaskId,
            assignment::Column::PlanId,
            assignment::Column::UnitId,
            assignment::Column::Role,
            assignment::Column::Status,
            assignment::Column::DueOn,
            assignment::Column::DueAt,
            assignment::Column::IssuedAt,
            assignment::Column::AcknowledgedAt,
            assignment::Column::CompletedAt,
            assignment::Column::LastReportAt,
            assignment::Column::Percent,
            assignment::Column::EscalationLevel,
            assignment::Column::ParentId,
            assignment::Column::ParentUnitId,
            assignment::Column::SuspendedAt,
            assignment::Column::Version,
            assignment::Column::UpdatedAt,
        ])
        .column_as(task::Column::Number, "task_number")
        .column_as(task::Column::Title, "task_title")
        .column_as(plan::Column::DocNo, "plan_doc_no")
        .column_as(plan::Column::Timezone, "plan_timezone")
        .column_as(unit::Column::Name, "unit_name")
        .join(JoinType::InnerJoin, assignment::Relation::Task.def())
        .join(JoinType::InnerJoin, assignment::Relation::Plan.def())
        .join(JoinType::InnerJoin, assignment::Relation::Unit.def())
}

/// "Open" written out with literals exactly as the partial index
/// `ix_assignments_open_due` is (migrations): a planner can only use a
/// partial index when it can prove the query implies its WHERE clause, which
/// SQLite cannot do through bound parameters.
pub const OPEN_SQL: &str = "\"assignments\".\"status\" IN ('issued', 'acknowledged', 'in_progress', 'pending_review', 'returned')";

pub fn is_open() -> sea_orm::sea_query::SimpleExpr {
    Expr::cust(OPEN_SQL)
}

/// The WHERE clause for a filter and a caller; `Err` when the caller may see nothing.
pub fn condition(
    actor: &Actor,
    f: &AssignmentFilter,
    now: DateTime<Utc>,
) -> Result<(Condition, bool), DomainError> {
    let mut c = Condition::all();
    match assignment_scope(actor) {
        Scope::All => {}
        Scope::Unit(u) => {
            c = c
                .add(assignment::Column::UnitId.eq(u))
                .add(assignment::Column::Status.ne(Status::Draft));
        }
        Scope::Nothing => {
            return Err(DomainError::Forbidden(
                "该角色不能查看督办事项 (this role has no access to assignments)".into(),
            ));
        }
    }
    let (filter, needs_join) = filter_condition(f, now);
    Ok((c.add(filter), needs_join))
}

/// The WHERE clause of a filter alone, whoever asks.
fn filter_condition(f: &AssignmentFilter, now: DateTime<Utc>) -> (Condition, bool) {
    let mut c = Condition::all();
    if !f.statuses.is_empty() {
        c = c.add(assignment::Column::Status.is_in(f.statuses.iter().copied()));
    }
    if let Some(u) = f.unit_id {
        c = c.add(assignment::Column::UnitId.eq(u));
    }
    if let Some(p) = f.plan_id {
        c = c.add(assignment::Column::PlanId.eq(p));
    }
    if let Some(t) = f.task_id {
        c = c.add(assignment::Column::TaskId.eq(t));
    }
    if let Some(r) = f.role {
        c = c.add(assignment::Column::Role.eq(r));
    }
    match f.overdue {
        Some(true) => {
            c = c
                .add(is_open())
                .add(assignment::Column::DueAt.lte(now))
                .add(assignment::Column::SuspendedAt.is_null());
        }
        Some(false) => {
            c = c.add(
                Condition::any()
                    .add(assignment::Column::Status.is_not_in(Status::OPEN))
                    .add(assignment::Column::DueAt.gt(now))
                    .add(assignment::Column::SuspendedAt.is_not_null()),
            );
        }
        None => {}
    }
    if f.supervised {
        c = c
            .add(is_open())
            .add(assignment::Column::SuspendedAt.is_null())
            .add(
                Condition::any()
                    .add(assignment::Column::DueAt.lte(now))
                    .add(assignment::Column::EscalationLevel.gt(0)),
            );
    }
    if let Some(l) = f.escalation_level {
        c = c.add(assignment::Column::EscalationLevel.eq(l));
    }
    if let Some(l) = f.min_escalation_level {
        c = c.add(assignment::Column::EscalationLevel.gte(l));
    }
    if let Some(d) = f.due_from {
        c = c.add(assignment::Column::DueOn.gte(d));
    }
    if let Some(d) = f.due_to {
        c = c.add(assignment::Column::DueOn.lte(d));
    }
    let mut needs_join = false;
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        needs_join = true;
        let p = format!("%{}%", escape_like(q));
        c = c.add(
            Condition::any()
                .add(Expr::col((task::Entity, task::Column::Title)).like(like(&p)))
                .add(Expr::col((task::Entity, task::Column::Requirements)).like(like(&p)))
                .add(Expr::col((plan::Entity, plan::Column::DocNo)).like(like(&p)))
                .into_condition(),
        );
    }
    (c, needs_join)
}

/// The rows of the given assignments, by id (visibility is the caller's).
pub async fn rows_by_ids<C: sea_orm::ConnectionTrait>(
    conn: &C,
    mut ids: Vec<i64>,
) -> Result<std::collections::HashMap<i64, AssignmentRow>, sea_orm::DbErr> {
    ids.sort_unstable();
    ids.dedup();
    let mut out = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let rows = base_select()
            .filter(assignment::Column::Id.is_in(chunk.iter().copied()))
            .into_model::<AssignmentRow>()
            .all(conn)
            .await?;
        out.extend(rows.into_iter().map(|r| (r.id, r)));
    }
    Ok(out)
}

/// Every row meeting `f`, unscoped and unpaged, deadline first, on any
/// connection: for a step over many items (issuing a plan), whose caller
/// has checked that the actor may.
pub(crate) async fn rows_where<C: sea_orm::ConnectionTrait>(
    conn: &C,
    f: &AssignmentFilter,
    now: DateTime<Utc>,
) -> Result<Vec<AssignmentRow>, DomainError> {
    let (cond, _) = filter_condition(f, now);
    Ok(base_select()
        .filter(cond)
        .order_by(assignment::Column::DueAt, Order::Asc)
        .order_by(assignment::Column::Id, Order::Asc)
        .into_model::<AssignmentRow>()
        .all(conn)
        .await?)
}

#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn list(
    ctx: &Ctx<'_>,
    f: &AssignmentFilter,
    page: PageRequest,
) -> Result<Page<AssignmentRow>, DomainError> {
    list_seen(ctx, f, page, None).await
}

/// A statement as the memo knows it: its text and its values. Written
/// out like this, not with the values put into the text
/// (`Statement::to_string`, which tokenizes the whole statement again and
/// was 3.5 % of a remembered page's time).
fn memo_key(s: &sea_orm::Statement) -> String {
    format!("{}\u{0}{:?}", s.sql, s.values)
}

/// [`list`] for a caller whose check read the primary's generation `seen`
/// (see [`crate::identity::current`]): a page or a total read at that
/// generation is served from memory, exactly as the store would answer it.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn list_seen(
    ctx: &Ctx<'_>,
    f: &AssignmentFilter,
    page: PageRequest,
    seen: Option<&Generation>,
) -> Result<Page<AssignmentRow>, DomainError> {
    // Deadlines end on whole seconds, so `due_at <= now` means the same at
    // the second: the statement, and so its memo, holds for that second.
    let now = ctx.now.trunc_subsecs(0);
    let (cond, needs_join) = condition(ctx.actor, f, now)?;
    let db = ctx.reads();
    // The memo is as fresh as the generation the caller's check read, on the
    // primary; a replica's reads may be older, so they are not remembered.
    let seen = seen.filter(|_| !db.on_replica());
    let memo = db.memo();
    let (conn, backend) = (db.conn(), db.backend());
    // A plain COUNT(*) over the filter: sea-orm's paginator counts over a
    // subquery of every column, which makes SQLite read each row.
    let mut counter = assignment::Entity::find()
        .select_only()
        .column_as(Expr::cust("COUNT(*)"), "n");
    if needs_join {
        counter = counter
            .join(JoinType::InnerJoin, assignment::Relation::Task.def())
            .join(JoinType::InnerJoin, assignment::Relation::Plan.def());
    }
    let count = counter.filter(cond.clone()).build(backend);
    let count_key = memo_key(&count);
    let total = match seen.and_then(|g| memo.total(g, &count_key)) {
        Some(n) => n,
        None => {
            let n = conn
                .query_one(count)
                .await?
                .map(|r| r.try_get_by_index::<i64>(0))
                .transpose()?
                .unwrap_or(0)
                .max(0) as u64;
            if let Some(g) = seen {
                memo.remember_total(g, count_key, n);
            }
            n
        }
    };
    let order = if f.sort.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    let col = match f.sort.key {
        // due_at is the instant the due date ends: the same order as due_on
        // within a zone, and the column the indexes keep.
        SortKey::DueOn => assignment::Column::DueAt,
        SortKey::Id => assignment::Column::Id,
        SortKey::UpdatedAt => assignment::Column::UpdatedAt,
        SortKey::EscalationLevel => assignment::Column::EscalationLevel,
    };
    // The page's ids first, from the index alone, then their names: joined
    // before the OFFSET, every skipped row would be joined too (page 20
    // joined 500 rows to show 25).
    let mut ids = assignment::Entity::find()
        .select_only()
        .column(assignment::Column::Id)
        .filter(cond)
        .order_by(col, order.clone())
        .order_by(assignment::Column::Id, order.clone())
        .offset(page.offset())
        .limit(page.per_page);
    if needs_join {
        ids = ids
            .join(JoinType::InnerJoin, assignment::Relation::Task.def())
            .join(JoinType::InnerJoin, assignment::Relation::Plan.def());
    }
    let select = base_select()
        .filter(
            Expr::col((assignment::Entity, assignment::Column::Id)).in_subquery(ids.into_query()),
        )
        .order_by(col, order.clone())
        .order_by(assignment::Column::Id, order)
        .build(backend);
    let key = memo_key(&select);
    let items = match seen.and_then(|g| memo.page(g, &key)) {
        Some(rows) => rows.as_ref().clone(),
        None => {
            let rows = AssignmentRow::find_by_statement(select).all(conn).await?;
            if let Some(g) = seen {
                memo.remember_page(g, key, std::sync::Arc::new(rows.clone()));
            }
            rows
        }
    };
    Ok(Page::of(items, total, page))
}

/// [`list_seen`] as the caller renders it (the API's JSON), rendered as of
/// the second: `render` gets the page and the instant it is answered for,
/// `now` to the second. A caller asking the same again within that second
/// and at the same generation gets the same bytes without a read, a
/// rendering or a statement built (the lists' cost under load was the
/// statements, the rows' copies and their JSON; the caller's standing is
/// still read fresh by the caller's check).
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn list_rendered<F>(
    ctx: &Ctx<'_>,
    f: &AssignmentFilter,
    page: PageRequest,
    seen: Option<&Generation>,
    render: F,
) -> Result<std::sync::Arc<[u8]>, DomainError>
where
    F: FnOnce(Page<AssignmentRow>, DateTime<Utc>) -> Result<Vec<u8>, serde_json::Error>,
{
    let now = ctx.now.trunc_subsecs(0);
    let db = ctx.reads();
    let seen = seen.filter(|_| !db.on_replica());
    let request = seen.map(|_| {
        format!(
            "{:?}\u{0}{f:?}\u{0}{page:?}\u{0}{}",
            ctx.actor,
            now.timestamp()
        )
    });
    if let (Some(g), Some(request)) = (seen, &request)
        && let Some(body) = db.memo().answer(g, request)
    {
        return Ok(body);
    }
    let rows = list_seen(ctx, f, page, seen).await?;
    let body: std::sync::Arc<[u8]> = render(rows, now)
        .map_err(|e| DomainError::Internal(e.into()))?
        .into();
    if let (Some(g), Some(request)) = (seen, request) {
        db.memo()
            .remember_answer(g, now.timestamp(), request, body.clone());
    }
    Ok(body)
}

/// Every row the actor may see that meets `extra`, capped at `LIST_WHERE_CAP`
/// rows, deadline first: for views whose rule is more than a filter.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn list_where(
    ctx: &Ctx<'_>,
    extra: Condition,
) -> Result<Vec<AssignmentRow>, DomainError> {
    let (cond, _) = condition(ctx.actor, &AssignmentFilter::default(), ctx.now)?;
    let db = ctx.reads();
    Ok(base_select()
        .filter(cond.add(extra))
        .order_by(assignment::Column::DueAt, Order::Asc)
        .order_by(assignment::Column::Id, Order::Asc)
        .limit(LIST_WHERE_CAP)
        .into_model::<AssignmentRow>()
        .all(db.conn())
        .await?)
}

pub const LIST_WHERE_CAP: u64 = 5000;

/// One row by id (visibility is the caller's to check), on any connection:
/// a step reads it inside its transaction.
pub async fn row<C: sea_orm::ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<AssignmentRow>, DomainError> {
    Ok(base_select()
        .filter(assignment::Column::Id.eq(id))
        .into_model::<AssignmentRow>()
        .one(conn)
        .await?)
}

/// One row the actor may see (their unit's, or one their unit handed down),
/// or why not.
pub async fn visible_row<C: sea_orm::ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: i64,
) -> Result<AssignmentRow, DomainError> {
    let row = row(conn, id)
        .await?
        .ok_or(DomainError::NotFound("assignment"))?;
    crate::policy::ensure_visible_item(
        actor,
        row.unit_id,
        row.parent_unit_id,
        row.status == Status::Draft,
    )?;
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_open_literal_is_the_open_states() {
        let names: Vec<String> = Status::OPEN
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        assert_eq!(
            OPEN_SQL,
            format!("\"assignments\".\"status\" IN ({})", names.join(", "))
        );
    }

    #[test]
    fn sort_keys() {
        assert_eq!(
            Sort::parse("-due_on").unwrap(),
            Sort {
                key: SortKey::DueOn,
                descending: true
            }
        );
        assert_eq!(
            Sort::parse("escalation_level").unwrap().key,
            SortKey::EscalationLevel
        );
        assert!(Sort::parse("title; drop table").is_err());
    }
}
