//! 延期申请: a unit asks, before its deadline, for a later one; the office
//! decides. Approval moves the assignment's due date. Both are steps of the
//! assignment ([`super::step`]).

use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait, Set,
};

use super::Action;
use super::listing::AssignmentRow;
use super::step::{self, Audience, Effect};
use crate::audit::AuditAction;
use crate::context::{Ctx, Tx};
use crate::entities::extension_request::{self, ExtensionStatus};
use crate::entities::{assignment, plan, task, unit};
use crate::error::ConflictCode;
use crate::messages::Message;
use crate::page::{Page, PageRequest};
use crate::policy::{Scope, assignment_scope};
use crate::{DomainError, DomainResult};

#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn request(
    ctx: &Ctx<'_>,
    assignment_id: i64,
    due_on: NaiveDate,
    reason: &str,
) -> DomainResult<extension_request::Model> {
    ctx.write(async |tx| request_in(tx, assignment_id, due_on, reason).await)
        .await
}

pub async fn request_in(
    tx: &Tx<'_>,
    assignment_id: i64,
    due_on: NaiveDate,
    reason: &str,
) -> DomainResult<extension_request::Model> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 2000 {
        return Err(DomainError::invalid(
            "reason",
            "请说明延期理由（1–2000 字） (a reason of 1–2000 characters)",
        ));
    }
    let loaded = step::load(tx, assignment_id, Action::RequestExtension, None).await?;
    let a = &loaded.row;
    if tx.now >= a.due_at {
        return Err(DomainError::conflict(
            ConflictCode::TooLate,
            "已超过完成时限，不能再申请延期 (the deadline has passed; an extension must be asked before it)",
        ));
    }
    if due_on <= a.due_on {
        return Err(DomainError::invalid(
            "due_on",
            format!(
                "新的完成时限须晚于当前时限 {} (must be after the current due date)",
                a.due_on
            ),
        ));
    }
    let pending = extension_request::Entity::find()
        .filter(extension_request::Column::AssignmentId.eq(assignment_id))
        .filter(extension_request::Column::Status.eq(ExtensionStatus::Pending))
        .one(tx.conn())
        .await?;
    if pending.is_some() {
        return Err(DomainError::conflict(
            ConflictCode::AlreadyDecided,
            "已有待审批的延期申请 (an extension request is already pending)",
        ));
    }
    let req = extension_request::ActiveModel {
        assignment_id: Set(assignment_id),
        previous_due_on: Set(a.due_on),
        requested_due_on: Set(due_on),
        reason: Set(reason.to_owned()),
        status: Set(ExtensionStatus::Pending),
        requested_by: Set(tx.actor.user_id),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_comment: Set(None),
        created_at: Set(tx.now),
        ..Default::default()
    }
    .insert(tx.conn())
    .await?;
    let from = a.due_on;
    step::apply(
        tx,
        loaded,
        Effect::new(AuditAction::RequestExtension)
            .note("extension_request_id", req.id)
            .note("requested_due_on", due_on)
            .note("reason", reason)
            .tell(
                format!("extension_requested:{}", req.id),
                Audience::Office,
                Message::ExtensionRequested {
                    from,
                    to: due_on,
                    reason: reason.to_owned(),
                },
            ),
    )
    .await?;
    Ok(req)
}

/// The office's decision: the request as decided and the assignment after it.
#[derive(Debug, Clone)]
pub struct Decided {
    pub request: extension_request::Model,
    pub assignment: AssignmentRow,
}

#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn decide(
    ctx: &Ctx<'_>,
    request_id: i64,
    approve: bool,
    comment: Option<String>,
) -> DomainResult<Decided> {
    ctx.write(async |tx| decide_in(tx, request_id, approve, comment).await)
        .await
}

pub async fn decide_in(
    tx: &Tx<'_>,
    request_id: i64,
    approve: bool,
    comment: Option<String>,
) -> DomainResult<Decided> {
    let comment = comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if comment.as_ref().is_some_and(|c| c.chars().count() > 2000) {
        return Err(DomainError::invalid("comment", "最多 2000 个字符"));
    }
    if !approve && comment.is_none() {
        return Err(DomainError::invalid(
            "comment",
            "不同意延期时须说明理由 (a rejection needs a reason)",
        ));
    }
    let req = extension_request::Entity::find_by_id(request_id)
        .one(tx.conn())
        .await?
        .ok_or(DomainError::NotFound("extension request"))?;
    let loaded = step::load(tx, req.assignment_id, Action::DecideExtension, None)
        .await
        .map_err(|e| match e {
            DomainError::NotFound(_) => DomainError::NotFound("extension request"),
            other => other,
        })?;
    let already = || {
        DomainError::conflict(
            ConflictCode::AlreadyDecided,
            "该延期申请已审批 (already decided)",
        )
    };
    if req.status != ExtensionStatus::Pending {
        return Err(already());
    }
    let status = if approve {
        ExtensionStatus::Approved
    } else {
        ExtensionStatus::Rejected
    };
    let updated = extension_request::Entity::update_many()
        .col_expr(extension_request::Column::Status, Expr::value(status))
        .col_expr(
            extension_request::Column::DecidedBy,
            Expr::value(Some(tx.actor.user_id)),
        )
        .col_expr(
            extension_request::Column::DecidedAt,
            Expr::value(Some(tx.now)),
        )
        .col_expr(
            extension_request::Column::DecisionComment,
            Expr::value(comment.clone()),
        )
        .filter(extension_request::Column::Id.eq(request_id))
        .filter(extension_request::Column::Status.eq(ExtensionStatus::Pending))
        .exec(tx.conn())
        .await?;
    if updated.rows_affected == 0 {
        return Err(already());
    }
    let (mut effect, due_on) = if approve {
        (
            Effect::new(AuditAction::ApproveExtension).set(step::Set::DueOn(req.requested_due_on)),
            req.requested_due_on,
        )
    } else {
        (Effect::new(AuditAction::RejectExtension), loaded.row.due_on)
    };
    let message = Message::ExtensionDecided {
        approved: approve,
        due_on,
        comment: comment.clone(),
    };
    let key = format!("extension_decided:{request_id}");
    effect = effect
        .note("extension_request_id", request_id)
        .note("comment", &comment)
        .tell(key.clone(), Audience::Unit, message.clone())
        // The requester hears even if they have since left the unit's roles.
        .tell(key, Audience::User(req.requested_by), message);
    let assignment = step::apply(tx, loaded, effect).await?;
    let request = extension_request::Entity::find_by_id(request_id)
        .one(tx.conn())
        .await?
        .ok_or(DomainError::NotFound("extension request"))?;
    Ok(Decided {
        request,
        assignment,
    })
}

/// A request in the office's queue, with the item it concerns.
#[derive(Debug, Clone, FromQueryResult)]
pub struct QueuedRequest {
    pub id: i64,
    pub assignment_id: i64,
    pub previous_due_on: NaiveDate,
    pub requested_due_on: NaiveDate,
    pub reason: String,
    pub status: ExtensionStatus,
    pub requested_by: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    pub decision_comment: Option<String>,
    pub unit_id: i64,
    pub unit_name: String,
    pub task_number: String,
    pub task_title: String,
    pub plan_doc_no: String,
}

/// Extension requests the actor may see, oldest first, optionally of one
/// status: the office's queue is `Some(Pending)`; a unit sees its own.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn list(
    ctx: &Ctx<'_>,
    status: Option<ExtensionStatus>,
    page: PageRequest,
) -> DomainResult<Page<QueuedRequest>> {
    use extension_request::Column as E;
    let mut q = extension_request::Entity::find()
        .select_only()
        .columns([
            E::Id,
            E::AssignmentId,
            E::PreviousDueOn,
            E::RequestedDueOn,
            E::Reason,
            E::Status,
            E::RequestedBy,
            E::CreatedAt,
            E::DecidedAt,
            E::DecisionComment,
        ])
        .column_as(assignment::Column::UnitId, "unit_id")
        .column_as(unit::Column::Name, "unit_name")
        .column_as(task::Column::Number, "task_number")
        .column_as(task::Column::Title, "task_title")
        .column_as(plan::Column::DocNo, "plan_doc_no")
        .join(
            JoinType::InnerJoin,
            extension_request::Relation::Assignment.def(),
        )
        .join(JoinType::InnerJoin, assignment::Relation::Unit.def())
        .join(JoinType::InnerJoin, assignment::Relation::Task.def())
        .join(JoinType::InnerJoin, assignment::Relation::Plan.def());
    match assignment_scope(ctx.actor) {
        Scope::All => {}
        Scope::Unit(u) => q = q.filter(assignment::Column::UnitId.eq(u)),
        Scope::Nothing => {
            return Err(DomainError::Forbidden(
                "该角色不能查看延期申请 (this role has no access to extension requests)".into(),
            ));
        }
    }
    if let Some(s) = status {
        q = q.filter(E::Status.eq(s));
    }
    let conn = ctx.db().conn();
    let total = sea_orm::PaginatorTrait::count(q.clone(), conn).await?;
    let items = q
        .order_by_asc(E::CreatedAt)
        .order_by_asc(E::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .into_model::<QueuedRequest>()
        .all(conn)
        .await?;
    Ok(Page::of(items, total, page))
}
