//! What happens to one assignment: acknowledge, report, review, cancel,
//! comment, and its history. Each step runs in one transaction that also
//! writes its audit event and the notifications it causes.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;
use serde_json::{Value, json};

use super::listing::{self, AssignmentRow, Derived};
use super::{Action, Party, Status, transition};
use crate::audit::{self, Change};
use crate::clock::Clock;
use crate::db::Db;
use crate::entities::{
    assignment, attachment, audit_event, comment, extension_request, indicator, plan, report,
    review, task, user,
};
use crate::notify::{self, Notice};
use crate::policy::{Actor, ensure_may_comment, ensure_visible, party_for};
use crate::role::Role;
use crate::{DomainError, FieldError};

pub(crate) fn snapshot(a: &assignment::Model) -> Value {
    json!({
        "status": a.status, "due_on": a.due_on, "escalation_level": a.escalation_level,
        "percent": a.percent, "version": a.version,
    })
}

/// The conflict a concurrent change causes, for other modules.
pub fn stale_conflict() -> DomainError {
    stale()
}

pub(crate) fn stale() -> DomainError {
    DomainError::Conflict(
        "事项已被他人修改，请刷新后重试 (the assignment changed since you read it; reload and retry)".into(),
    )
}

/// Loads an assignment inside `txn` for `action`, checking that the actor may
/// see it, that their copy is current, and that the step is allowed.
pub(crate) async fn load_for(
    txn: &DatabaseTransaction,
    actor: &Actor,
    id: i64,
    action: Action,
    expected_version: Option<i32>,
) -> Result<(assignment::Model, Status, Party, Status), DomainError> {
    let a = assignment::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(DomainError::NotFound("assignment"))?;
    let from = Status::parse(&a.status).ok_or_else(|| {
        DomainError::Internal(anyhow::anyhow!("unknown stored status {}", a.status))
    })?;
    ensure_visible(actor, a.unit_id, from == Status::Draft)?;
    let party = party_for(actor, a.unit_id, action);
    let to = transition(from, action, party)?;
    if expected_version.is_some_and(|v| v != a.version) {
        return Err(stale());
    }
    Ok((a, from, party, to))
}

/// Applies `changes` to the row only if nobody changed it since it was read.
async fn guarded_update(
    txn: &DatabaseTransaction,
    a: &assignment::Model,
    now: DateTime<Utc>,
    changes: Vec<(assignment::Column, sea_orm::sea_query::SimpleExpr)>,
) -> Result<(), DomainError> {
    let mut q = assignment::Entity::update_many()
        .col_expr(assignment::Column::Version, Expr::value(a.version + 1))
        .col_expr(assignment::Column::UpdatedAt, Expr::value(now));
    for (c, v) in changes {
        q = q.col_expr(c, v);
    }
    let res = q
        .filter(assignment::Column::Id.eq(a.id))
        .filter(assignment::Column::Version.eq(a.version))
        .exec(txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(stale());
    }
    Ok(())
}

async fn after_of(txn: &DatabaseTransaction, id: i64) -> Result<assignment::Model, DomainError> {
    assignment::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(DomainError::NotFound("assignment"))
}

async fn record(
    txn: &DatabaseTransaction,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    action: &str,
    before: Value,
    after: Value,
) -> Result<(), DomainError> {
    audit::record(
        txn,
        Some(actor),
        now,
        Change {
            entity: "assignment",
            entity_id: id,
            action,
            before: Some(before),
            after: Some(after),
        },
    )
    .await?;
    Ok(())
}

/// Title line for messages: "通政办发〔2013〕35号 (一)承接政务便民服务".
pub(crate) async fn describe<C: ConnectionTrait>(
    conn: &C,
    a: &assignment::Model,
) -> Result<String, DomainError> {
    let t = task::Entity::find_by_id(a.task_id).one(conn).await?;
    let p = plan::Entity::find_by_id(a.plan_id).one(conn).await?;
    Ok(format!(
        "{} {}{}",
        p.map(|p| p.doc_no).unwrap_or_default(),
        t.as_ref().map(|t| t.number.as_str()).unwrap_or_default(),
        t.as_ref().map(|t| t.title.as_str()).unwrap_or_default()
    ))
}

/// Who a change tells.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Audience {
    /// The assignment's unit: its staff and head.
    Unit,
    /// The supervising office.
    Office,
}

/// What a change tells people: its dedupe key prefix, kind and text.
pub(crate) struct Message<'a> {
    pub key: &'a str,
    pub kind: &'static str,
    pub subject: String,
    pub body: String,
}

/// One notification about `a` for each person of the audience, keyed
/// `{key}:{user}`, written in the change's transaction.
pub(crate) async fn tell(
    txn: &DatabaseTransaction,
    now: DateTime<Utc>,
    a: &assignment::Model,
    to: Audience,
    message: Message<'_>,
) -> Result<(), DomainError> {
    let people = match to {
        Audience::Unit => {
            notify::unit_people(txn, a.unit_id, &[Role::UnitStaff, Role::UnitHead]).await?
        }
        Audience::Office => notify::people_with(txn, &[Role::Office]).await?,
    };
    let notices = people
        .iter()
        .map(|p| Notice {
            dedupe_key: format!("{}:{}", message.key, p.id),
            kind: message.kind,
            recipient_user_id: p.id,
            assignment_id: Some(a.id),
            subject: message.subject.clone(),
            body: message.body.clone(),
        })
        .collect();
    notify::enqueue(txn, now, notices).await?;
    Ok(())
}

/// 签收: the unit confirms it received the assignment.
pub async fn acknowledge(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    expected_version: Option<i32>,
) -> Result<(), DomainError> {
    let now = clock.now();
    let txn = db.begin().await?;
    let (a, _, _, to) = load_for(&txn, actor, id, Action::Acknowledge, expected_version).await?;
    guarded_update(
        &txn,
        &a,
        now,
        vec![
            (assignment::Column::Status, Expr::value(to.as_str())),
            (assignment::Column::AcknowledgedAt, Expr::value(Some(now))),
        ],
    )
    .await?;
    let after = after_of(&txn, id).await?;
    record(
        &txn,
        actor,
        now,
        id,
        "acknowledge",
        snapshot(&a),
        snapshot(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    Progress,
    Completion,
}

/// An indicator's actual value as reported.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
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
}

impl NewReport {
    fn check(&self) -> Result<(), DomainError> {
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

/// 进展反馈 / 申请办结: a report from the unit. A completion report asks the
/// office to close the item.
pub async fn report(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    new: NewReport,
    expected_version: Option<i32>,
) -> Result<report::Model, DomainError> {
    new.check()?;
    let action = match new.kind {
        ReportKind::Progress => Action::ReportProgress,
        ReportKind::Completion => Action::RequestCompletion,
    };
    let now = clock.now();
    let txn = db.begin().await?;
    let (a, _, _, to) = load_for(&txn, actor, id, action, expected_version).await?;
    if !new.indicator_values.is_empty() {
        let ids: Vec<i64> = indicator::Entity::find()
            .filter(indicator::Column::TaskId.eq(a.task_id))
            .all(&txn)
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
        ReportKind::Progress => new.percent.or(a.percent),
    };
    guarded_update(
        &txn,
        &a,
        now,
        vec![
            (assignment::Column::Status, Expr::value(to.as_str())),
            (assignment::Column::LastReportAt, Expr::value(Some(now))),
            (assignment::Column::Percent, Expr::value(percent)),
        ],
    )
    .await?;
    let kind = match new.kind {
        ReportKind::Progress => "progress",
        ReportKind::Completion => "completion",
    };
    let rep = report::ActiveModel {
        assignment_id: Set(id),
        kind: Set(kind.to_owned()),
        text: Set(new.text.trim().to_owned()),
        percent: Set(new.percent),
        indicator_values: Set(
            (!new.indicator_values.is_empty()).then(|| json!(new.indicator_values))
        ),
        author_id: Set(actor.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let after = after_of(&txn, id).await?;
    let action_name = if new.kind == ReportKind::Progress {
        "report_progress"
    } else {
        "request_completion"
    };
    let mut after_json = snapshot(&after);
    after_json["report_id"] = json!(rep.id);
    record(&txn, actor, now, id, action_name, snapshot(&a), after_json).await?;
    if new.kind == ReportKind::Completion {
        let what = describe(&txn, &a).await?;
        tell(
            &txn,
            now,
            &a,
            Audience::Office,
            Message {
                key: &format!("completion_requested:{id}:{}", rep.id),
                kind: "completion_requested",
                subject: format!("【督办】申请办结待审核：{what}"),
                body: format!("{what}\n承办单位申请办结，请审核。\n办理情况：{}", rep.text),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(rep)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Return,
}

/// 审核: the office approves (办结) or returns (退回) a completion request.
pub async fn review(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    decision: Decision,
    comment: Option<String>,
    expected_version: Option<i32>,
) -> Result<review::Model, DomainError> {
    let comment = comment.map(|c| c.trim().to_owned()).unwrap_or_default();
    if decision == Decision::Return && comment.is_empty() {
        return Err(DomainError::invalid(
            "comment",
            "退回时须说明理由 (a return needs a comment)",
        ));
    }
    if comment.chars().count() > 5000 {
        return Err(DomainError::invalid("comment", "最多 5000 个字符"));
    }
    let action = match decision {
        Decision::Approve => Action::Approve,
        Decision::Return => Action::Return,
    };
    let now = clock.now();
    let txn = db.begin().await?;
    let (a, _, _, to) = load_for(&txn, actor, id, action, expected_version).await?;
    let mut changes = vec![(assignment::Column::Status, Expr::value(to.as_str()))];
    if decision == Decision::Approve {
        changes.push((assignment::Column::CompletedAt, Expr::value(Some(now))));
    }
    guarded_update(&txn, &a, now, changes).await?;
    let last_completion = report::Entity::find()
        .filter(report::Column::AssignmentId.eq(id))
        .filter(report::Column::Kind.eq("completion"))
        .order_by_desc(report::Column::Id)
        .one(&txn)
        .await?;
    let rev = review::ActiveModel {
        assignment_id: Set(id),
        report_id: Set(last_completion.map(|r| r.id)),
        decision: Set(if decision == Decision::Approve {
            "approve"
        } else {
            "return"
        }
        .to_owned()),
        comment: Set(comment.clone()),
        reviewer_id: Set(actor.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let after = after_of(&txn, id).await?;
    let mut after_json = snapshot(&after);
    after_json["comment"] = json!(comment);
    record(
        &txn,
        actor,
        now,
        id,
        action.as_str(),
        snapshot(&a),
        after_json,
    )
    .await?;
    let what = describe(&txn, &a).await?;
    let (subject, body) = match decision {
        Decision::Approve => (
            format!("【督办】事项已办结：{what}"),
            format!("{what}\n经审核，同意办结。{comment}"),
        ),
        Decision::Return => (
            format!("【督办】事项被退回：{what}"),
            format!("{what}\n经审核退回，请补充后重新申请办结。\n退回意见：{comment}"),
        ),
    };
    tell(
        &txn,
        now,
        &a,
        Audience::Unit,
        Message {
            key: &format!("reviewed:{id}:{}", rev.id),
            kind: "reviewed",
            subject,
            body,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(rev)
}

/// 撤销: the office withdraws an open assignment.
pub async fn cancel(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    reason: Option<String>,
    expected_version: Option<i32>,
) -> Result<(), DomainError> {
    let reason = reason.map(|r| r.trim().to_owned()).unwrap_or_default();
    if reason.chars().count() > 2000 {
        return Err(DomainError::invalid("reason", "最多 2000 个字符"));
    }
    let now = clock.now();
    let txn = db.begin().await?;
    let (a, from, _, to) = load_for(&txn, actor, id, Action::Cancel, expected_version).await?;
    guarded_update(
        &txn,
        &a,
        now,
        vec![(assignment::Column::Status, Expr::value(to.as_str()))],
    )
    .await?;
    let after = after_of(&txn, id).await?;
    let mut after_json = snapshot(&after);
    after_json["reason"] = json!(reason);
    record(&txn, actor, now, id, "cancel", snapshot(&a), after_json).await?;
    if from != Status::Draft {
        let what = describe(&txn, &a).await?;
        tell(
            &txn,
            now,
            &a,
            Audience::Unit,
            Message {
                key: &format!("cancelled:{id}"),
                kind: "cancelled",
                subject: format!("【督办】事项已撤销：{what}"),
                body: format!("{what}\n该事项已由督办办公室撤销，无需继续办理。{reason}"),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// 督查意见: a remark by an inspector or the office, shown to the unit.
pub async fn add_comment(
    db: &Db,
    clock: &dyn Clock,
    actor: &Actor,
    id: i64,
    text: &str,
) -> Result<comment::Model, DomainError> {
    ensure_may_comment(actor)?;
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 5000 {
        return Err(DomainError::invalid(
            "text",
            "意见须为 1–5000 个字符 (1–5000 characters)",
        ));
    }
    let now = clock.now();
    let txn = db.begin().await?;
    let a = assignment::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(DomainError::NotFound("assignment"))?;
    ensure_visible(actor, a.unit_id, a.status == Status::Draft.as_str())?;
    let c = comment::ActiveModel {
        assignment_id: Set(id),
        author_id: Set(actor.user_id),
        text: Set(text.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        actor,
        now,
        id,
        "comment",
        json!({}),
        json!({"comment_id": c.id, "text": text}),
    )
    .await?;
    if a.status != Status::Draft.as_str() {
        let what = describe(&txn, &a).await?;
        tell(
            &txn,
            now,
            &a,
            Audience::Unit,
            Message {
                key: &format!("comment:{}", c.id),
                kind: "comment",
                subject: format!("【督查意见】{what}"),
                body: format!("{what}\n督查意见：{text}"),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(c)
}

/// The audit events of one assignment, oldest first.
pub async fn history(
    db: &Db,
    actor: &Actor,
    id: i64,
) -> Result<Vec<audit_event::Model>, DomainError> {
    let a = assignment::Entity::find_by_id(id)
        .one(db.conn())
        .await?
        .ok_or(DomainError::NotFound("assignment"))?;
    ensure_visible(actor, a.unit_id, a.status == Status::Draft.as_str())?;
    Ok(audit_event::Entity::find()
        .filter(audit_event::Column::Entity.eq("assignment"))
        .filter(audit_event::Column::EntityId.eq(id))
        .order_by_asc(audit_event::Column::Id)
        .all(db.conn())
        .await?)
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
    pub indicators: Vec<indicator::Model>,
    pub reports: Vec<(report::Model, Vec<attachment::Model>)>,
    pub reviews: Vec<review::Model>,
    pub extension_requests: Vec<extension_request::Model>,
    pub comments: Vec<(comment::Model, String)>,
}

pub async fn detail(
    db: &Db,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Detail, DomainError> {
    let row = listing::row(db, id)
        .await?
        .ok_or(DomainError::NotFound("assignment"))?;
    ensure_visible(actor, row.unit_id, row.status == Status::Draft.as_str())?;
    let conn = db.conn();
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
    let authors: std::collections::HashMap<i64, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(comments.iter().map(|c| c.author_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let comments = comments
        .into_iter()
        .map(|c| {
            let name = authors.get(&c.author_id).cloned().unwrap_or_default();
            (c, name)
        })
        .collect();
    Ok(Detail {
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
    })
}
