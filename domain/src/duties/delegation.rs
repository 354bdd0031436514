//! 层层分解: a unit hands its assignment, or part of it, to a unit below it
//! in the tree. The sub-assignment is an ordinary assignment of the same
//! task, due no later than its parent, reviewed by the handing unit's head;
//! the parent answers for it and shows it among its children.

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::audit::{self, AuditAction, Change};
use crate::context::{Ctx, Tx};
use crate::entities::{assignment, unit};
use crate::error::ConflictCode;
use crate::messages::Message;
use crate::role::Role;
use crate::time::{local_date, zone_of};
use crate::workflow::listing::{self, AssignmentRow};
use crate::workflow::step::{self, Audience, Effect, Tell};
use crate::workflow::{Action, Status};
use crate::{DomainError, DomainResult};

/// What the handing unit asks.
#[derive(Debug, Clone)]
pub struct Delegation {
    /// A unit below the handing unit (at any depth).
    pub unit_id: i64,
    /// Not after the parent's own due date.
    pub due_on: NaiveDate,
    pub note: Option<String>,
}

/// How deep a unit tree may go before it is taken for a loop.
const MAX_DEPTH: usize = 64;

/// Is `unit_id` strictly below `ancestor` in the unit tree?
pub async fn is_below<C: ConnectionTrait>(
    conn: &C,
    unit_id: i64,
    ancestor: i64,
) -> DomainResult<bool> {
    let mut at = unit_id;
    for _ in 0..MAX_DEPTH {
        let Some(u) = unit::Entity::find_by_id(at).one(conn).await? else {
            return Ok(false);
        };
        match u.parent_id {
            Some(p) if p == ancestor => return Ok(true),
            Some(p) => at = p,
            None => return Ok(false),
        }
    }
    Ok(false)
}

/// Hands the assignment down; answers the sub-assignment (issued).
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn delegate(ctx: &Ctx<'_>, id: i64, d: Delegation) -> DomainResult<AssignmentRow> {
    ctx.write(async |tx| delegate_in(tx, id, d).await).await
}

pub async fn delegate_in(tx: &Tx<'_>, id: i64, d: Delegation) -> DomainResult<AssignmentRow> {
    let loaded = step::load(tx, id, Action::Delegate, None).await?;
    let parent = loaded.row.clone();
    let note = d
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(DomainError::invalid("note", "最多 2000 个字符"));
    }
    let tz = zone_of(&parent.plan_timezone);
    let today = local_date(tx.now, tz);
    if d.due_on > parent.due_on {
        return Err(DomainError::invalid(
            "due_on",
            format!(
                "分解事项的完成时限 {} 不能晚于本单位的完成时限 {} (not after the parent's due date)",
                d.due_on, parent.due_on
            ),
        ));
    }
    if d.due_on < today {
        return Err(DomainError::invalid(
            "due_on",
            format!("完成时限 {} 早于今天 {today} (in the past)", d.due_on),
        ));
    }
    if !is_below(tx.conn(), d.unit_id, parent.unit_id).await? {
        return Err(DomainError::invalid(
            "unit_id",
            "只能分解给本单位的下级单位 (only to a unit below your own)",
        ));
    }
    let taken = assignment::Entity::find()
        .filter(assignment::Column::TaskId.eq(parent.task_id))
        .filter(assignment::Column::UnitId.eq(d.unit_id))
        .one(tx.conn())
        .await?;
    if taken.is_some() {
        return Err(DomainError::conflict(
            ConflictCode::Duplicate,
            "该单位已承担此任务 (that unit already has this task)",
        ));
    }
    let role = assignment::Entity::find_by_id(parent.id)
        .one(tx.conn())
        .await?
        .map_or(crate::entities::assignment::AssignmentRole::Lead, |a| {
            a.role
        });
    let mut row = assignment::ActiveModel::new_row(
        parent.task_id,
        parent.plan_id,
        d.unit_id,
        role,
        Status::Issued,
        d.due_on,
        tz,
        tx.now,
    );
    row.parent_id = sea_orm::Set(Some(parent.id));
    row.parent_unit_id = sea_orm::Set(Some(parent.unit_id));
    row.note = sea_orm::Set(note.clone());
    row.issued_at = sea_orm::Set(Some(tx.now));
    let child = sea_orm::ActiveModelTrait::insert(row, tx.conn()).await?;
    audit::record(
        tx.conn(),
        Some(tx.actor),
        tx.now,
        Change::assignment(child.id, AuditAction::Create).after(serde_json::json!({
            "status": child.status, "unit_id": child.unit_id, "due_on": child.due_on,
            "parent_id": parent.id, "note": note,
        })),
    )
    .await?;
    step::apply(
        tx,
        loaded,
        Effect::new(AuditAction::Delegate)
            .note("child_id", child.id)
            .note("child_unit_id", child.unit_id)
            .note("child_due_on", child.due_on),
    )
    .await?;
    let child_row = listing::row(tx.conn(), child.id)
        .await?
        .ok_or(DomainError::NotFound("assignment"))?;
    step::tell(
        tx,
        &child_row,
        vec![Tell {
            key: format!("assigned:{}", child.id),
            to: Audience::Unit,
            message: Message::Assigned {
                role,
                due_on: child.due_on,
            },
        }],
    )
    .await?;
    Ok(child_row)
}

/// The sub-assignments of an assignment, in the order they were handed down.
pub async fn children<C: ConnectionTrait>(conn: &C, id: i64) -> DomainResult<Vec<AssignmentRow>> {
    Ok(listing::base_select()
        .filter(assignment::Column::ParentId.eq(id))
        .order_by_asc(assignment::Column::Id)
        .into_model::<AssignmentRow>()
        .all(conn)
        .await?)
}

/// A parent asks for completion only when its children are done, or says
/// why not.
pub(crate) async fn ensure_children_done<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    reason: Option<&str>,
) -> DomainResult<()> {
    let open: Vec<AssignmentRow> = children(conn, id)
        .await?
        .into_iter()
        .filter(|c| c.status.is_open())
        .collect();
    if open.is_empty() || reason.is_some() {
        return Ok(());
    }
    let names: Vec<&str> = open.iter().map(|c| c.unit_name.as_str()).collect();
    Err(DomainError::conflict(
        ConflictCode::WrongState,
        format!(
            "分解给 {} 的事项尚未办结；请待其办结，或在 reason 中说明理由后申请办结 (sub-assignments still open: give a reason)",
            names.join("、")
        ),
    ))
}

/// Whom a rung of the ladder tells about a handed-down item: the handing
/// unit first. Below the top rung, what would go to people above the units
/// (inspectors, leaders, the office) goes to the handing unit's head and
/// staff instead; the top rung tells both.
pub fn child_audience(
    book: &crate::notify::Addressbook,
    roles: &[Role],
    unit_id: i64,
    parent_unit_id: i64,
    top: bool,
) -> Vec<crate::notify::Address> {
    let own: Vec<Role> = roles
        .iter()
        .copied()
        .filter(|r| r.is_unit_bound())
        .collect();
    let mut out = book.audience(&own, unit_id);
    out.extend(book.audience(&[Role::UnitHead, Role::UnitStaff], parent_unit_id));
    if top {
        let above: Vec<Role> = roles
            .iter()
            .copied()
            .filter(|r| !r.is_unit_bound())
            .collect();
        out.extend(book.audience(&above, unit_id));
    }
    out.sort_unstable();
    out.dedup();
    out
}
