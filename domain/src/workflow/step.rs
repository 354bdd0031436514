//! One step of an assignment's life, the same for every action: load it
//! (visible to the actor, the version they read) -> ask the lifecycle ->
//! update it only if nobody changed it meanwhile -> write the audit event
//! -> tell whoever must hear of it. All inside the caller's transaction; the
//! step answers the assignment as its list shows it, so nobody has to read
//! it again.

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use super::listing::{self, AssignmentRow};
use super::{Action, Status, transition};
use crate::audit::{self, AuditAction, Change};
use crate::context::Tx;
use crate::entities::assignment;
use crate::messages::Message;
use crate::notify::{self, Addressbook, Notice};
use crate::policy::{ensure_visible_item, party_for_item};
use crate::role::Role;
use crate::time::{end_of_day, zone_of};
use crate::{DomainError, DomainResult};

/// The conflict a concurrent change causes.
pub fn stale() -> DomainError {
    DomainError::conflict(
        crate::error::ConflictCode::StaleVersion,
        "事项已被他人修改，请刷新后重试 (the assignment changed since you read it; reload and retry)",
    )
}

/// An assignment read for a step, with the state the step leads to.
#[derive(Debug, Clone)]
pub(crate) struct Loaded {
    pub row: AssignmentRow,
    pub to: Status,
}

impl Loaded {
    pub fn from(&self) -> Status {
        self.row.status
    }
}

/// Reads the assignment the actor may see, without a lifecycle step (a
/// remark, an escalation by hand).
pub(crate) async fn visible(tx: &Tx<'_>, id: i64) -> DomainResult<AssignmentRow> {
    let row = listing::row(tx.conn(), id)
        .await?
        .ok_or(DomainError::NotFound("assignment"))?;
    ensure_visible_item(
        tx.actor,
        row.unit_id,
        row.parent_unit_id,
        row.status == Status::Draft,
    )?;
    Ok(row)
}

/// Reads the assignment for `action`: visible to the actor, their copy
/// current (when they sent the version they read), the step allowed.
pub(crate) async fn load(
    tx: &Tx<'_>,
    id: i64,
    action: Action,
    expected_version: Option<i32>,
) -> DomainResult<Loaded> {
    let row = visible(tx, id).await?;
    let party = party_for_item(tx.actor, row.unit_id, row.parent_unit_id, action);
    let to = transition(row.status, action, party)?;
    if expected_version.is_some_and(|v| v != row.version) {
        return Err(stale());
    }
    Ok(Loaded { row, to })
}

/// A field a step sets on the assignment.
#[derive(Debug, Clone)]
pub(crate) enum Set {
    Status(Status),
    IssuedAt,
    AcknowledgedAt,
    LastReportAt,
    CompletedAt,
    Percent(Option<i32>),
    /// A new due date (and the instant it ends, in the plan's zone).
    DueOn(NaiveDate),
    /// 挂起 with its reason.
    Suspend(String),
    /// The clock runs again.
    Resume,
    /// The ladder starts afresh (a suspension excuses the lateness so far).
    EscalationLevel(i32),
}

/// Who a step tells.
#[derive(Debug, Clone)]
pub(crate) enum Audience {
    /// The assignment's unit: its staff and head (its address, its robots).
    Unit,
    /// The supervising office.
    Office,
    /// One person, whatever their roles now.
    User(i64),
}

/// One thing the step tells: the occasion's key (the address is appended),
/// the audience and the message.
#[derive(Debug, Clone)]
pub(crate) struct Tell {
    pub key: String,
    pub to: Audience,
    pub message: Message,
}

/// What a step writes besides the lifecycle's state.
#[derive(Debug, Clone)]
pub(crate) struct Effect {
    pub audit: AuditAction,
    pub sets: Vec<Set>,
    /// Added to the audit event's `after` (a comment, a report id...).
    pub note: Value,
    pub tell: Vec<Tell>,
}

impl Effect {
    pub fn new(audit: AuditAction) -> Self {
        Self {
            audit,
            sets: Vec::new(),
            note: json!({}),
            tell: Vec::new(),
        }
    }

    pub fn set(mut self, s: Set) -> Self {
        self.sets.push(s);
        self
    }

    pub fn note(mut self, key: &str, v: impl serde::Serialize) -> Self {
        if let Value::Object(m) = &mut self.note {
            m.insert(key.to_owned(), json!(v));
        }
        self
    }

    pub fn tell(mut self, key: String, to: Audience, message: Message) -> Self {
        self.tell.push(Tell { key, to, message });
        self
    }
}

/// The history's picture of an assignment.
pub(crate) fn snapshot(r: &AssignmentRow) -> Value {
    json!({
        "status": r.status, "due_on": r.due_on, "escalation_level": r.escalation_level,
        "percent": r.percent, "version": r.version, "suspended": r.suspended_at.is_some(),
    })
}

/// Applies the step: the lifecycle's new state and `effect`'s fields, only
/// if nobody changed the row since it was loaded; then the audit event and
/// the notices. Answers the row as it now is.
pub(crate) async fn apply(
    tx: &Tx<'_>,
    loaded: Loaded,
    effect: Effect,
) -> DomainResult<AssignmentRow> {
    apply_all(tx, vec![(loaded, effect)])
        .await?
        .pop()
        .ok_or(DomainError::NotFound("assignment"))
}

/// Applies several steps at once (issuing a plan): each row guarded on its
/// own, the audit events and the notices written in batches.
pub(crate) async fn apply_all(
    tx: &Tx<'_>,
    steps: Vec<(Loaded, Effect)>,
) -> DomainResult<Vec<AssignmentRow>> {
    let mut rows = Vec::with_capacity(steps.len());
    let mut changes = Vec::with_capacity(steps.len());
    let mut tells = Vec::new();
    for (Loaded { row: before, to }, effect) in steps {
        let mut sets = effect.sets;
        if to != before.status {
            sets.insert(0, Set::Status(to));
        }
        let after = write(tx, &before, &sets).await?;
        let mut after_json = snapshot(&after);
        if let (Value::Object(a), Value::Object(n)) = (&mut after_json, effect.note) {
            a.extend(n);
        }
        changes.push(
            Change::assignment(before.id, effect.audit)
                .before(snapshot(&before))
                .after(after_json),
        );
        if !effect.tell.is_empty() {
            tells.push((after.clone(), effect.tell));
        }
        rows.push(after);
    }
    audit::record_all(tx.conn(), Some(tx.actor), tx.now, changes).await?;
    tell_all(tx, tells).await?;
    Ok(rows)
}

/// The guarded update: answers the row with `sets` applied, or a conflict
/// when its version moved.
async fn write(tx: &Tx<'_>, row: &AssignmentRow, sets: &[Set]) -> DomainResult<AssignmentRow> {
    use assignment::Column as C;
    let now = tx.now;
    let mut after = row.clone();
    let mut changes: Vec<(C, SimpleExpr)> = vec![
        (C::Version, Expr::value(row.version + 1)),
        (C::UpdatedAt, Expr::value(now)),
    ];
    after.version = row.version + 1;
    after.updated_at = now;
    for s in sets {
        match s {
            Set::Status(st) => {
                changes.push((C::Status, Expr::value(*st)));
                after.status = *st;
            }
            Set::IssuedAt => {
                changes.push((C::IssuedAt, Expr::value(Some(now))));
                after.issued_at = Some(now);
            }
            Set::AcknowledgedAt => {
                changes.push((C::AcknowledgedAt, Expr::value(Some(now))));
                after.acknowledged_at = Some(now);
            }
            Set::LastReportAt => {
                changes.push((C::LastReportAt, Expr::value(Some(now))));
                after.last_report_at = Some(now);
            }
            Set::CompletedAt => {
                changes.push((C::CompletedAt, Expr::value(Some(now))));
                after.completed_at = Some(now);
            }
            Set::Percent(p) => {
                changes.push((C::Percent, Expr::value(*p)));
                after.percent = *p;
            }
            Set::DueOn(d) => {
                let due_at = end_of_day(*d, zone_of(&row.plan_timezone));
                changes.push((C::DueOn, Expr::value(*d)));
                changes.push((C::DueAt, Expr::value(due_at)));
                after.due_on = *d;
                after.due_at = due_at;
            }
            Set::Suspend(reason) => {
                changes.push((C::SuspendedAt, Expr::value(Some(now))));
                changes.push((C::SuspendReason, Expr::value(Some(reason.clone()))));
                after.suspended_at = Some(now);
            }
            Set::EscalationLevel(l) => {
                changes.push((C::EscalationLevel, Expr::value(*l)));
                after.escalation_level = *l;
            }
            Set::Resume => {
                changes.push((
                    C::SuspendedAt,
                    Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
                ));
                changes.push((C::SuspendReason, Expr::value(Option::<String>::None)));
                after.suspended_at = None;
            }
        }
    }
    let mut q = assignment::Entity::update_many();
    for (c, v) in changes {
        q = q.col_expr(c, v);
    }
    let res = q
        .filter(C::Id.eq(row.id))
        .filter(C::Version.eq(row.version))
        .exec(tx.conn())
        .await?;
    if res.rows_affected == 0 {
        return Err(stale());
    }
    Ok(after)
}

/// Writes the notices of `tells` about `row`, in the step's transaction.
pub(crate) async fn tell(tx: &Tx<'_>, row: &AssignmentRow, tells: Vec<Tell>) -> DomainResult<()> {
    tell_all(tx, vec![(row.clone(), tells)]).await
}

async fn tell_all(tx: &Tx<'_>, tells: Vec<(AssignmentRow, Vec<Tell>)>) -> DomainResult<()> {
    if tells.is_empty() {
        return Ok(());
    }
    let mut units: Vec<i64> = tells.iter().map(|(r, _)| r.unit_id).collect();
    units.sort_unstable();
    units.dedup();
    let book = Addressbook::for_units(tx.conn(), &units).await?;
    let mut notices = Vec::new();
    for (row, row_tells) in tells {
        for t in row_tells {
            let to = match t.to {
                Audience::Unit => book.unit(row.unit_id),
                Audience::Office => book.audience(&[Role::Office], row.unit_id),
                Audience::User(u) => vec![notify::Address::User(u)],
            };
            notices.extend(Notice::to_each(&t.key, Some(row.id), &t.message, to));
        }
    }
    notify::enqueue(tx.conn(), tx.now, notices).await?;
    Ok(())
}
