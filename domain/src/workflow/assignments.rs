//! What happens to one assignment: acknowledge, report, review, cancel,
//! remark, and its history. Each action is a [`step`](super::step) in one
//! transaction that also writes its audit event and the notices it causes;
//! each has a core taking the caller's transaction (`*_in`) and a wrapper
//! that opens one.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::listing::{AssignmentRow, Derived};
use super::step::{self, Audience, Effect};
use super::{Action, Status};
use crate::audit::{self, AuditAction, AuditEntity, Change};
use crate::context::{Ctx, Tx};
use crate::entities::audit_event;
use crate::entities::comment::CommentKind;
use crate::entities::report::ReportKind;
use crate::entities::review::Decision;
use crate::entities::{
    attachment, comment, extension_request, indicator, plan, report, review, task, user,
};
use crate::messages::Message;
use crate::policy::{Actor, comment_kind};
use crate::{DomainError, DomainResult, FieldError};

/// 签收: the unit confirms it received the assignment.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn acknowledge(
    ctx: &Ctx<'_>,
    id: i64,
    version: Option<i32>,
) -> DomainResult<AssignmentRow> {
    ctx.write(async |tx| acknowledge_in(tx, id, version).await)
        .await
}

pub async fn acknowledge_in(
    tx: &Tx<'_>,
    id: i64,
    version: Option<i32>,
) -> DomainResult<AssignmentRow> {
    let loaded = step::load(tx, id, Action::Acknowledge, version).await?;
    step::apply(
        tx,
        loaded,
        Effect::new(AuditAction::Acknowledge).set(step::Set::AcknowledgedAt),
    )
    .await
}

/// An indicator's actual value as reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorValue {
    pub indicator_id: i64,
    pub value: String,
}

#[derive(Debug, Clone)]
pub struct NewReport {
    pub kind: ReportKind,
    pub text: String,
    pub percent: Option<i32>,
    pub indicator_values: Vec<IndicatorValue>,
    /// The milestone this report reaches.
    pub milestone_id: Option<i64>,
    /// The recurring duty an occurrence counts for (needed when the task has several).
    pub recurrence_id: Option<i64>,
    /// Why completion is asked while handed-down parts are still open.
    pub reason: Option<String>,
}

impl NewReport {
    fn check(&self) -> DomainResult<()> {
        let mut errors = Vec::new();
        let len = self.text.trim().chars().count();
        if len == 0 {
            errors.push(FieldError::new(
                "text",
                "请填写办理情况 (text must not be empty)",
            ));
        } else if len > 20_000 {
            errors.push(FieldError::new(
                "text",
                "最多 20000 个字符 (at most 20000 characters)",
            ));
        }
        if let Some(p) = self.percent
            && !(0..=100).contains(&p)
        {
            errors.push(FieldError::new(
                "percent",
                "完成百分比须在 0 到 100 之间 (0–100)",
            ));
        }
        for (i, v) in self.indicator_values.iter().enumerate() {
            if v.value.trim().is_empty() || v.value.chars().count() > 100 {
                errors.push(FieldError::new(
                    format!("indicator_values[{i}].value"),
                    "须为 1–100 个字符",
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Invalid(errors))
        }
    }
}

/// A report as written, with the assignment after it.
#[derive(Debug, Clone)]
pub struct Reported {
    pub report: report::Model,
    pub assignment: AssignmentRow,
}

/// 进展反馈 / 申请办结: a report from the unit. A completion report asks the
/// office to close the item.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn report(
    ctx: &Ctx<'_>,
    id: i64,
    new: NewReport,
    version: Option<i32>,
) -> DomainResult<Reported> {
    new.check()?;
    ctx.write(async |tx| report_in(tx, id, new, version).await)
        .await
}

pub async fn report_in(
    tx: &Tx<'_>,
    id: i64,
    new: NewReport,
    version: Option<i32>,
) -> DomainResult<Reported> {
    new.check()?;
    let action = match new.kind {
        ReportKind::Progress | ReportKind::Occurrence => Action::ReportProgress,
        ReportKind::Completion => Action::RequestCompletion,
    };
    let loaded = step::load(tx, id, action, version).await?;
    let recurrence_id = match new.kind {
        ReportKind::Occurrence => Some(
            crate::duties::occurrence_duty(tx.conn(), loaded.row.task_id, new.recurrence_id)
                .await?,
        ),
        _ if new.recurrence_id.is_some() => {
            return Err(DomainError::invalid(
                "recurrence_id",
                "只有履职记录 (kind: occurrence) 计入经常性工作",
            ));
        }
        _ => None,
    };
    let reason = checked_comment(new.reason.clone(), 2000)
        .map_err(|_| DomainError::invalid("reason", "最多 2000 个字符"))?;
    if new.kind == ReportKind::Completion {
        crate::duties::delegation::ensure_children_done(tx.conn(), id, reason.as_deref()).await?;
    }
    if !new.indicator_values.is_empty() {
        let ids: Vec<i64> = indicator::Entity::find()
            .filter(indicator::Column::TaskId.eq(loaded.row.task_id))
            .all(tx.conn())
            .await?
            .into_iter()
            .map(|i| i.id)
            .collect();
        if let Some(bad) = new
            .indicator_values
            .iter()
            .find(|v| !ids.contains(&v.indicator_id))
        {
            return Err(DomainError::invalid(
                "indicator_values",
                format!(
                    "指标 {} 不属于该任务 (indicator not on this task)",
                    bad.indicator_id
                ),
            ));
        }
    }
    let percent = match new.kind {
        ReportKind::Completion => Some(new.percent.unwrap_or(100)),
        ReportKind::Progress | ReportKind::Occurrence => new.percent.or(loaded.row.percent),
    };
    let rep = report::ActiveModel {
        assignment_id: Set(id),
        kind: Set(new.kind),
        text: Set(new.text.trim().to_owned()),
        percent: Set(new.percent),
        indicator_values: Set(
            (!new.indicator_values.is_empty()).then(|| json!(new.indicator_values))
        ),
        author_id: Set(tx.actor.user_id),
        milestone_id: Set(new.milestone_id),
        recurrence_id: Set(recurrence_id),
        created_at: Set(tx.now),
        ..Default::default()
    }
    .insert(tx.conn())
    .await?;
    if let Some(m) = new.milestone_id {
        let today =
            crate::time::local_date(tx.now, crate::time::zone_of(&loaded.row.plan_timezone));
        crate::duties::reach(tx.conn(), id, m, rep.id, today).await?;
    }
    let audit = match new.kind {
        ReportKind::Progress | ReportKind::Occurrence => AuditAction::ReportProgress,
        ReportKind::Completion => AuditAction::RequestCompletion,
    };
    let mut effect = Effect::new(audit)
        .set(step::Set::LastReportAt)
        .set(step::Set::Percent(percent))
        .note("report_id", rep.id)
        .note("kind", new.kind);
    if let Some(m) = new.milestone_id {
        effect = effect.note("milestone_id", m);
    }
    if let Some(r) = &reason {
        effect = effect.note("reason", r);
    }
    if new.kind == ReportKind::Completion {
        effect = effect.tell(
            format!("completion_requested:{id}:{}", rep.id),
            Audience::Office,
            Message::CompletionRequested {
                text: rep.text.clone(),
            },
        );
    }
    let assignment = step::apply(tx, loaded, effect).await?;
    Ok(Reported {
        report: rep,
        assignment,
    })
}

fn checked_comment(comment: Option<String>, max: usize) -> DomainResult<Option<String>> {
    let c = comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if c.as_ref().is_some_and(|c| c.chars().count() > max) {
        return Err(DomainError::invalid(
            "comment",
            format!("最多 {max} 个字符"),
        ));
    }
    Ok(c)
}

/// 审核: the office approves (办结) or returns (退回) a completion request.
/// Answers the item as its page shows it.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn review(
    ctx: &Ctx<'_>,
    id: i64,
    decision: Decision,
    comment: Option<String>,
    version: Option<i32>,
) -> DomainResult<Detail> {
    ctx.write(async |tx| {
        let row = review_in(tx, id, decision, comment, version).await?;
        detail_of(tx.conn(), row, tx.now).await
    })
    .await
}

pub async fn review_in(
    tx: &Tx<'_>,
    id: i64,
    decision: Decision,
    comment: Option<String>,
    version: Option<i32>,
) -> DomainResult<AssignmentRow> {
    let comment = checked_comment(comment, 5000)?;
    let action = match decision {
        Decision::Approve => Action::Approve,
        Decision::Return => Action::Return,
    };
    let returned_comment = match (decision, &comment) {
        (Decision::Return, None) => {
            return Err(DomainError::invalid(
                "comment",
                "退回时须说明理由 (a return needs a comment)",
            ));
        }
        (_, c) => c.clone().unwrap_or_default(),
    };
    let loaded = step::load(tx, id, action, version).await?;
    let last_completion = report::Entity::find()
        .filter(report::Column::AssignmentId.eq(id))
        .filter(report::Column::Kind.eq(ReportKind::Completion))
        .order_by_desc(report::Column::Id)
        .one(tx.conn())
        .await?;
    let rev = review::ActiveModel {
        assignment_id: Set(id),
        report_id: Set(last_completion.map(|r| r.id)),
        decision: Set(decision),
        comment: Set(returned_comment.clone()),
        reviewer_id: Set(tx.actor.user_id),
        created_at: Set(tx.now),
        ..Default::default()
    }
    .insert(tx.conn())
    .await?;
    let (effect, message) = match decision {
        Decision::Approve => (
            Effect::new(AuditAction::Approve).set(step::Set::CompletedAt),
            Message::Approved { comment },
        ),
        Decision::Return => (
            Effect::new(AuditAction::Return),
            Message::Returned {
                comment: returned_comment.clone(),
            },
        ),
    };
    step::apply(
        tx,
        loaded,
        effect.note("comment", &returned_comment).tell(
            format!("reviewed:{id}:{}", rev.id),
            Audience::Unit,
            message,
        ),
    )
    .await
}

/// 撤销: the office withdraws an open assignment.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn cancel(
    ctx: &Ctx<'_>,
    id: i64,
    reason: Option<String>,
    version: Option<i32>,
) -> DomainResult<Detail> {
    ctx.write(async |tx| {
        let row = cancel_in(tx, id, reason, version).await?;
        detail_of(tx.conn(), row, tx.now).await
    })
    .await
}

pub async fn cancel_in(
    tx: &Tx<'_>,
    id: i64,
    reason: Option<String>,
    version: Option<i32>,
) -> DomainResult<AssignmentRow> {
    let reason = checked_comment(reason, 2000)
        .map_err(|_| DomainError::invalid("reason", "最多 2000 个字符"))?;
    let loaded = step::load(tx, id, Action::Cancel, version).await?;
    let mut effect = Effect::new(AuditAction::Cancel).note("reason", &reason);
    // A draft was never given to anyone: nobody to tell.
    if loaded.from() != Status::Draft {
        effect = effect.tell(
            format!("cancelled:{id}"),
            Audience::Unit,
            Message::Cancelled { reason },
        );
    }
    step::apply(tx, loaded, effect).await
}

/// A remark with its author's name.
#[derive(Debug, Clone)]
pub struct Remark {
    pub comment: comment::Model,
    pub author_name: String,
}

/// 督查意见 / 领导批示: a remark by an inspector or the office, or a
/// leader's instruction, shown and told to the unit.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn add_comment(ctx: &Ctx<'_>, id: i64, text: &str) -> DomainResult<Remark> {
    ctx.write(async |tx| add_comment_in(tx, id, text).await)
        .await
}

pub async fn add_comment_in(tx: &Tx<'_>, id: i64, text: &str) -> DomainResult<Remark> {
    let kind = comment_kind(tx.actor)?;
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 5000 {
        return Err(DomainError::invalid(
            "text",
            "意见须为 1–5000 个字符 (1–5000 characters)",
        ));
    }
    let row = step::visible(tx, id).await?;
    let c = comment::ActiveModel {
        assignment_id: Set(id),
        author_id: Set(tx.actor.user_id),
        kind: Set(kind),
        text: Set(text.to_owned()),
        created_at: Set(tx.now),
        ..Default::default()
    }
    .insert(tx.conn())
    .await?;
    audit::record(
        tx.conn(),
        Some(tx.actor),
        tx.now,
        Change::assignment(id, AuditAction::Comment)
            .after(json!({"comment_id": c.id, "text": text})),
    )
    .await?;
    let author_name = display_name(tx.conn(), tx.actor).await?;
    if row.status != Status::Draft {
        step::tell(
            tx,
            &row,
            vec![step::Tell {
                key: format!("comment:{}", c.id),
                to: Audience::Unit,
                message: match kind {
                    CommentKind::Remark => Message::Remark {
                        author: author_name.clone(),
                        text: text.to_owned(),
                    },
                    CommentKind::Instruction => Message::Instruction {
                        author: author_name.clone(),
                        text: text.to_owned(),
                    },
                },
            }],
        )
        .await?;
    }
    Ok(Remark {
        comment: c,
        author_name,
    })
}

/// The name people know the actor by.
pub(crate) async fn display_name<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
) -> DomainResult<String> {
    Ok(user::Entity::find_by_id(actor.user_id)
        .one(conn)
        .await?
        .map_or_else(|| actor.username.clone(), |u| u.display_name))
}

/// One step of an assignment's history as people read it.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub event: audit_event::Model,
    /// The actor's display name ("系统" for the system itself).
    pub actor_name: String,
    pub action_label: &'static str,
}

/// The audit events of one assignment, oldest first, with who made them.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn history(ctx: &Ctx<'_>, id: i64) -> DomainResult<Vec<HistoryEntry>> {
    let conn = ctx.db().conn();
    super::listing::visible_row(conn, ctx.actor, id).await?;
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::Entity.eq(AuditEntity::Assignment))
        .filter(audit_event::Column::EntityId.eq(id))
        .order_by_asc(audit_event::Column::Id)
        .all(conn)
        .await?;
    let names = names_of(conn, events.iter().filter_map(|e| e.actor_user_id)).await?;
    Ok(events
        .into_iter()
        .map(|event| HistoryEntry {
            actor_name: event
                .actor_user_id
                .and_then(|u| names.get(&u).cloned())
                .unwrap_or_else(|| "系统".to_owned()),
            action_label: event.action.label(),
            event,
        })
        .collect())
}

/// Display names by user id.
async fn names_of<C: ConnectionTrait>(
    conn: &C,
    ids: impl Iterator<Item = i64>,
) -> DomainResult<std::collections::HashMap<i64, String>> {
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

/// Everything about one assignment that its reader needs.
#[derive(Debug, Clone)]
pub struct Detail {
    pub row: AssignmentRow,
    pub derived: Derived,
    pub plan_title: String,
    pub requirements: String,
    pub due_text: Option<String>,
    pub report_cron: Option<String>,
    /// When the next progress report is due, by the reporting schedule.
    pub next_report_at: Option<DateTime<Utc>>,
    pub indicators: Vec<indicator::Model>,
    pub reports: Vec<(report::Model, Vec<attachment::Model>)>,
    pub reviews: Vec<review::Model>,
    pub extension_requests: Vec<extension_request::Model>,
    pub comments: Vec<(comment::Model, String)>,
    /// Dated steps of this assignment.
    pub milestones: Vec<crate::entities::milestone::Model>,
    /// The task's recurring duties.
    pub recurrences: Vec<crate::entities::recurrence::Model>,
    /// What it was handed down to (层层分解).
    pub children: Vec<AssignmentRow>,
    /// The handing unit's note, for a handed-down item.
    pub note: Option<String>,
    /// Why the office paused it, while it is paused.
    pub suspend_reason: Option<String>,
}

#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn detail(ctx: &Ctx<'_>, id: i64) -> DomainResult<Detail> {
    let conn = ctx.db().conn();
    let row = super::listing::visible_row(conn, ctx.actor, id).await?;
    detail_of(conn, row, ctx.now).await
}

/// The detail around a row the caller may see, on any connection.
async fn detail_of<C: ConnectionTrait>(
    conn: &C,
    row: AssignmentRow,
    now: DateTime<Utc>,
) -> DomainResult<Detail> {
    let id = row.id;
    let task = task::Entity::find_by_id(row.task_id).one(conn).await?;
    let plan = plan::Entity::find_by_id(row.plan_id).one(conn).await?;
    let indicators = indicator::Entity::find()
        .filter(indicator::Column::TaskId.eq(row.task_id))
        .order_by_asc(indicator::Column::Id)
        .all(conn)
        .await?;
    let reports = report::Entity::find()
        .filter(report::Column::AssignmentId.eq(id))
        .order_by_asc(report::Column::Id)
        .all(conn)
        .await?;
    let attachments = attachment::Entity::find()
        .filter(attachment::Column::AssignmentId.eq(id))
        .order_by_asc(attachment::Column::Id)
        .all(conn)
        .await?;
    let reports = reports
        .into_iter()
        .map(|r| {
            let files = attachments
                .iter()
                .filter(|f| f.report_id == r.id)
                .cloned()
                .collect();
            (r, files)
        })
        .collect();
    let reviews = review::Entity::find()
        .filter(review::Column::AssignmentId.eq(id))
        .order_by_asc(review::Column::Id)
        .all(conn)
        .await?;
    let extension_requests = extension_request::Entity::find()
        .filter(extension_request::Column::AssignmentId.eq(id))
        .order_by_asc(extension_request::Column::Id)
        .all(conn)
        .await?;
    let comments = comment::Entity::find()
        .filter(comment::Column::AssignmentId.eq(id))
        .order_by_asc(comment::Column::Id)
        .all(conn)
        .await?;
    let authors = names_of(conn, comments.iter().map(|c| c.author_id)).await?;
    let comments = comments
        .into_iter()
        .map(|c| {
            let name = authors.get(&c.author_id).cloned().unwrap_or_default();
            (c, name)
        })
        .collect();
    let own = crate::entities::assignment::Entity::find_by_id(id)
        .one(conn)
        .await?;
    let milestones = crate::duties::milestones_of(conn, id).await?;
    let recurrences = crate::entities::recurrence::Entity::find()
        .filter(crate::entities::recurrence::Column::TaskId.eq(row.task_id))
        .order_by_asc(crate::entities::recurrence::Column::Position)
        .all(conn)
        .await?;
    let children = crate::duties::delegation::children(conn, id).await?;
    let next_report_at = task
        .as_ref()
        .and_then(|t| t.report_cron.as_deref())
        .filter(|_| row.status.is_open())
        .and_then(|c| crate::cron::CronSchedule::parse(c).ok())
        .and_then(|s| s.next_after(&now.with_timezone(&crate::time::zone_of(&row.plan_timezone))))
        .map(|t| t.with_timezone(&Utc));
    Ok(Detail {
        next_report_at,
        derived: row.derived(now),
        row,
        plan_title: plan.map(|p| p.title).unwrap_or_default(),
        requirements: task
            .as_ref()
            .map(|t| t.requirements.clone())
            .unwrap_or_default(),
        due_text: task.as_ref().and_then(|t| t.due_text.clone()),
        report_cron: task.and_then(|t| t.report_cron),
        indicators,
        reports,
        reviews,
        extension_requests,
        comments,
        milestones,
        recurrences,
        children,
        note: own.as_ref().and_then(|a| a.note.clone()),
        suspend_reason: own.and_then(|a| a.suspend_reason),
    })
}
