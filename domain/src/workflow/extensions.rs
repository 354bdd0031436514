//! 延期申请: a unit asks, before its deadline, for a later one; the office
//! decides. Approval moves the assignment's due date.

use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

use super::assignments::{Audience, Message, describe, load_for, snapshot, stale, tell};
use super::{Action, Status, transition};
use crate::DomainError;
use crate::audit::{self, Change};
use crate::clock::Clock;
use crate::db::Db;
use crate::entities::{assignment, extension_request, plan};
use crate::notify::{self, Notice};
use crate::policy::{Actor, ensure_visible, party_for};
use crate::time::{end_of_day, zone_of};

pub async fn request(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    assignment_id: i64,
    due_on: NaiveDate,
    reason: &str,
) -> Result<extension_request::Model, DomainError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 2000 {
        return Err(DomainError::invalid(
            "reason",
            "请说明延期理由（1–2000 字） (a reason of 1–2000 characters)",
        ));
    }
    let now = clock.now();
    let txn = db.begin().await?;
    let (a, _, _, _) = load_for(&txn, actor, assignment_id, Action::RequestExtension, None).await?;
    if now >= a.due_at {
        return Err(DomainError::Conflict(
            "已超过完成时限，不能再申请延期 (the deadline has passed; an extension must be asked before it)".into(),
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
        .filter(extension_request::Column::Status.eq("pending"))
        .one(&txn)
        .await?;
    if pending.is_some() {
        return Err(DomainError::Conflict(
            "已有待审批的延期申请 (an extension request is already pending)".into(),
        ));
    }
    let req = extension_request::ActiveModel {
        assignment_id: Set(assignment_id),
        previous_due_on: Set(a.due_on),
        requested_due_on: Set(due_on),
        reason: Set(reason.to_owned()),
        status: Set("pending".into()),
        requested_by: Set(actor.user_id),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_comment: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(actor),
        now,
        Change {
            entity: "assignment",
            entity_id: assignment_id,
            action: "request_extension",
            before: Some(json!({"due_on": a.due_on})),
            after: Some(json!({"extension_request_id": req.id, "requested_due_on": due_on, "reason": reason})),
        },
    )
    .await?;
    let what = describe(&txn, &a).await?;
    tell(
        &txn,
        now,
        &a,
        Audience::Office,
        Message {
            key: &format!("extension_requested:{}", req.id),
            kind: "extension_requested",
            subject: format!("【督办】延期申请待审批：{what}"),
            body: format!(
                "{what}\n申请将完成时限由 {} 延至 {due_on}。\n理由：{reason}",
                a.due_on
            ),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(req)
}

pub async fn decide(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    request_id: i64,
    approve: bool,
    comment: Option<String>,
) -> Result<extension_request::Model, DomainError> {
    let comment = comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if comment.as_ref().is_some_and(|c| c.chars().count() > 2000) {
        return Err(DomainError::invalid("comment", "最多 2000 个字符"));
    }
    let now = clock.now();
    let txn = db.begin().await?;
    let req = extension_request::Entity::find_by_id(request_id)
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound("extension request"))?;
    let a = assignment::Entity::find_by_id(req.assignment_id)
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound("extension request"))?;
    let from = Status::parse(&a.status).ok_or_else(|| {
        DomainError::Internal(anyhow::anyhow!("unknown stored status {}", a.status))
    })?;
    ensure_visible(actor, a.unit_id, from == Status::Draft).map_err(|e| match e {
        DomainError::NotFound(_) => DomainError::NotFound("extension request"),
        other => other,
    })?;
    transition(
        from,
        Action::DecideExtension,
        party_for(actor, a.unit_id, Action::DecideExtension),
    )?;
    if req.status != "pending" {
        return Err(DomainError::Conflict(
            "该延期申请已审批 (already decided)".into(),
        ));
    }
    let status = if approve { "approved" } else { "rejected" };
    let updated = extension_request::Entity::update_many()
        .col_expr(extension_request::Column::Status, Expr::value(status))
        .col_expr(
            extension_request::Column::DecidedBy,
            Expr::value(Some(actor.user_id)),
        )
        .col_expr(extension_request::Column::DecidedAt, Expr::value(Some(now)))
        .col_expr(
            extension_request::Column::DecisionComment,
            Expr::value(comment.clone()),
        )
        .filter(extension_request::Column::Id.eq(request_id))
        .filter(extension_request::Column::Status.eq("pending"))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(DomainError::Conflict(
            "该延期申请已审批 (already decided)".into(),
        ));
    }
    let before = snapshot(&a);
    if approve {
        let tz = plan::Entity::find_by_id(a.plan_id)
            .one(&txn)
            .await?
            .map_or(chrono_tz::Asia::Shanghai, |p| zone_of(&p.timezone));
        let res = assignment::Entity::update_many()
            .col_expr(assignment::Column::DueOn, Expr::value(req.requested_due_on))
            .col_expr(
                assignment::Column::DueAt,
                Expr::value(end_of_day(req.requested_due_on, tz)),
            )
            .col_expr(assignment::Column::Version, Expr::value(a.version + 1))
            .col_expr(assignment::Column::UpdatedAt, Expr::value(now))
            .filter(assignment::Column::Id.eq(a.id))
            .filter(assignment::Column::Version.eq(a.version))
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(stale());
        }
    }
    let after = assignment::Entity::find_by_id(a.id)
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound("assignment"))?;
    let mut after_json = snapshot(&after);
    after_json["extension_request_id"] = json!(request_id);
    after_json["comment"] = json!(comment);
    audit::record(
        &txn,
        Some(actor),
        now,
        Change {
            entity: "assignment",
            entity_id: a.id,
            action: if approve {
                "approve_extension"
            } else {
                "reject_extension"
            },
            before: Some(before),
            after: Some(after_json),
        },
    )
    .await?;
    let what = describe(&txn, &a).await?;
    let note = comment
        .as_deref()
        .map(|c| format!("\n审批意见：{c}"))
        .unwrap_or_default();
    let (subject, body) = if approve {
        (
            format!("【督办】延期申请已同意：{what}"),
            format!("{what}\n完成时限调整为 {}。{note}", req.requested_due_on),
        )
    } else {
        (
            format!("【督办】延期申请未同意：{what}"),
            format!("{what}\n请仍按原时限 {} 完成。{note}", a.due_on),
        )
    };
    tell(
        &txn,
        now,
        &a,
        Audience::Unit,
        Message {
            key: &format!("extension_decided:{request_id}"),
            kind: "extension_decided",
            subject: subject.clone(),
            body: body.clone(),
        },
    )
    .await?;
    // The requester hears even if they have since left the unit's roles.
    notify::enqueue(
        &txn,
        now,
        vec![Notice {
            dedupe_key: format!("extension_decided:{request_id}:{}", req.requested_by),
            kind: "extension_decided",
            recipient_user_id: req.requested_by,
            assignment_id: Some(a.id),
            subject,
            body,
        }],
    )
    .await?;
    let decided = extension_request::Entity::find_by_id(request_id)
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound("extension request"))?;
    txn.commit().await?;
    Ok(decided)
}
