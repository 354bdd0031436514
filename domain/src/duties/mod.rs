//! Every kind of duty a notice holds besides one deadline: dated milestones
//! (a multi-year target's steps), recurring duties (N times a period),
//! handing an assignment down to units below (层层分解), and pausing its
//! clock (挂起). See docs/DESIGN-NOTES.md "Duties" for the model.

pub mod delegation;
pub mod periods;
pub mod standing;
pub mod suspension;

use chrono::NaiveDate;
use chrono_tz::Tz;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::entities::recurrence::Per;
use crate::entities::{assignment, milestone, recurrence};
use crate::{DomainError, DomainResult, FieldError};

/// A milestone as the office (or the importer) gives it with a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMilestone {
    pub due_on: NaiveDate,
    pub title: String,
    pub target: Option<String>,
}

/// A recurring duty as given with a task: `times` per `per`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRecurrence {
    pub per: Per,
    pub times: i32,
    /// The duty in words; the task's title when empty.
    pub title: Option<String>,
}

/// At most this many milestones or recurring duties per task.
pub const MAX_PER_TASK: usize = 50;

/// Checks milestones against the task's due date: each titled, none after
/// the due date. Answers them in date order.
pub fn check_milestones(
    new: &[NewMilestone],
    due_on: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> Vec<NewMilestone> {
    if new.len() > MAX_PER_TASK {
        errors.push(FieldError::new(
            "milestones",
            format!("最多 {MAX_PER_TASK} 个里程碑"),
        ));
    }
    for (i, m) in new.iter().enumerate() {
        let t = m.title.trim().chars().count();
        if t == 0 || t > 300 {
            errors.push(FieldError::new(
                format!("milestones[{i}].title"),
                "里程碑名称须为 1–300 个字符 (1–300 characters)",
            ));
        }
        if m.target.as_ref().is_some_and(|t| t.chars().count() > 100) {
            errors.push(FieldError::new(
                format!("milestones[{i}].target"),
                "最多 100 个字符",
            ));
        }
        if m.due_on > due_on {
            errors.push(FieldError::new(
                format!("milestones[{i}].due_on"),
                format!(
                    "里程碑日期 {} 晚于任务完成时限 {due_on}（任务的完成时限是最后一个里程碑）(a milestone after the task's due date)",
                    m.due_on
                ),
            ));
        }
    }
    let mut out: Vec<NewMilestone> = new
        .iter()
        .map(|m| NewMilestone {
            due_on: m.due_on,
            title: m.title.trim().to_owned(),
            target: m
                .target
                .as_ref()
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty()),
        })
        .collect();
    out.sort_by_key(|m| m.due_on);
    out
}

/// Checks recurring duties: 1–366 times a period.
pub fn check_recurrences(new: &[NewRecurrence], errors: &mut Vec<FieldError>) {
    if new.len() > MAX_PER_TASK {
        errors.push(FieldError::new(
            "recurrence",
            format!("最多 {MAX_PER_TASK} 项经常性工作"),
        ));
    }
    for (i, r) in new.iter().enumerate() {
        let field = if new.len() == 1 {
            "recurrence.times".to_owned()
        } else {
            format!("recurrences[{i}].times")
        };
        if !(1..=366).contains(&r.times) {
            errors.push(FieldError::new(field, "次数须在 1 到 366 之间 (1–366)"));
        }
        if r.title.as_ref().is_some_and(|t| t.chars().count() > 300) {
            errors.push(FieldError::new(
                format!("recurrences[{i}].title"),
                "最多 300 个字符",
            ));
        }
    }
}

/// Writes the milestones of each assignment (each unit reaches them on its
/// own), in the caller's transaction.
pub(crate) async fn insert_milestones<C: ConnectionTrait>(
    conn: &C,
    assignments: &[assignment::Model],
    milestones: &[NewMilestone],
    tz: Tz,
    now: chrono::DateTime<chrono::Utc>,
) -> DomainResult<()> {
    let rows: Vec<milestone::ActiveModel> = assignments
        .iter()
        .flat_map(|a| {
            milestones.iter().enumerate().map(|(i, m)| {
                // A unit given an earlier date has its steps no later than it.
                let due_on = m.due_on.min(a.due_on);
                milestone::ActiveModel {
                    assignment_id: Set(a.id),
                    position: Set(i as i32 + 1),
                    title: Set(m.title.clone()),
                    target: Set(m.target.clone()),
                    due_on: Set(due_on),
                    due_at: Set(crate::time::end_of_day(due_on, tz)),
                    reached_on: Set(None),
                    report_id: Set(None),
                    created_at: Set(now),
                    ..Default::default()
                }
            })
        })
        .collect();
    for chunk in rows.chunks(500) {
        milestone::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// Writes a task's recurring duties.
pub(crate) async fn insert_recurrences<C: ConnectionTrait>(
    conn: &C,
    task_id: i64,
    task_title: &str,
    new: &[NewRecurrence],
) -> DomainResult<Vec<recurrence::Model>> {
    let mut out = Vec::with_capacity(new.len());
    for (i, r) in new.iter().enumerate() {
        let title = r
            .title
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .unwrap_or(task_title);
        out.push(
            recurrence::ActiveModel {
                task_id: Set(task_id),
                position: Set(i as i32 + 1),
                per: Set(r.per),
                times: Set(r.times),
                title: Set(title.chars().take(300).collect()),
                ..Default::default()
            }
            .insert(conn)
            .await?,
        );
    }
    Ok(out)
}

/// The milestones of one assignment, in order.
pub async fn milestones_of<C: ConnectionTrait>(
    conn: &C,
    assignment_id: i64,
) -> DomainResult<Vec<milestone::Model>> {
    use sea_orm::QueryOrder;
    Ok(milestone::Entity::find()
        .filter(milestone::Column::AssignmentId.eq(assignment_id))
        .order_by_asc(milestone::Column::Position)
        .order_by_asc(milestone::Column::Id)
        .all(conn)
        .await?)
}

/// Marks the assignment's milestone reached by a report on `today`; a
/// milestone reached already keeps its first date.
pub(crate) async fn reach<C: ConnectionTrait>(
    conn: &C,
    assignment_id: i64,
    milestone_id: i64,
    report_id: i64,
    today: NaiveDate,
) -> DomainResult<()> {
    let m = milestone::Entity::find_by_id(milestone_id)
        .one(conn)
        .await?
        .filter(|m| m.assignment_id == assignment_id)
        .ok_or_else(|| {
            DomainError::invalid(
                "milestone_id",
                "该里程碑不属于此事项 (no such milestone on this assignment)",
            )
        })?;
    if m.reached_on.is_none() {
        milestone::ActiveModel {
            id: Set(m.id),
            reached_on: Set(Some(today)),
            report_id: Set(Some(report_id)),
            ..Default::default()
        }
        .update(conn)
        .await?;
    }
    Ok(())
}

/// Checks that an occurrence names a duty of the task; answers the duty's
/// id (the only one when none is named).
pub(crate) async fn occurrence_duty<C: ConnectionTrait>(
    conn: &C,
    task_id: i64,
    named: Option<i64>,
) -> DomainResult<i64> {
    let duties = recurrence::Entity::find()
        .filter(recurrence::Column::TaskId.eq(task_id))
        .all(conn)
        .await?;
    match (named, duties.as_slice()) {
        (_, []) => Err(DomainError::invalid(
            "kind",
            "该任务没有经常性工作，不能报送履职记录 (the task has no recurring duty)",
        )),
        (Some(id), list) => list
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.id)
            .ok_or_else(|| {
                DomainError::invalid(
                    "recurrence_id",
                    "该经常性工作不属于此任务 (no such recurring duty on this task)",
                )
            }),
        (None, [only]) => Ok(only.id),
        (None, _) => Err(DomainError::invalid(
            "recurrence_id",
            "该任务有多项经常性工作，请注明是哪一项 (name the recurring duty)",
        )),
    }
}

/// The periods of the assignment's recurring duties, each with its count:
/// what the unit has done and still owes.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn occurrences(
    ctx: &crate::Ctx<'_>,
    id: i64,
) -> DomainResult<Vec<standing::RecurrenceStanding>> {
    let conn = ctx.db().conn();
    let row = crate::workflow::listing::visible_row(conn, ctx.actor, id).await?;
    let subject = standing::Subject::from(&row);
    let mut all = standing::load(conn, &[subject], ctx.now, ctx.calendar()).await?;
    Ok(all.remove(&id).map(|s| s.recurrences).unwrap_or_default())
}

/// The missed obligations of each row (milestones not reached, periods
/// short), for the board to name them.
pub async fn missed_of(
    ctx: &crate::Ctx<'_>,
    rows: &[crate::workflow::listing::AssignmentRow],
) -> DomainResult<std::collections::HashMap<i64, Vec<standing::Missed>>> {
    let subjects: Vec<standing::Subject> = rows.iter().map(standing::Subject::from).collect();
    let all = standing::load(ctx.db().conn(), &subjects, ctx.now, ctx.calendar()).await?;
    Ok(rows
        .iter()
        .map(|r| {
            let today = crate::time::local_date(ctx.now, crate::time::zone_of(&r.plan_timezone));
            let missed = all.get(&r.id).map(|s| s.missed(today)).unwrap_or_default();
            (r.id, missed)
        })
        .collect())
}

/// What each item's latest escalation was for, when it was a milestone or a
/// period rather than the due date: the board names it even once the moment
/// has passed (the scan may have run "as if" at another time).
pub async fn escalated_for<C: ConnectionTrait>(
    conn: &C,
    ids: &[i64],
) -> DomainResult<std::collections::HashMap<i64, String>> {
    use crate::entities::audit_event;
    use sea_orm::QueryOrder;
    let mut out = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        for e in audit_event::Entity::find()
            .filter(audit_event::Column::Entity.eq(crate::audit::AuditEntity::Assignment))
            .filter(audit_event::Column::Action.eq(crate::audit::AuditAction::Escalate))
            .filter(audit_event::Column::EntityId.is_in(chunk.iter().copied()))
            .order_by_asc(audit_event::Column::Id)
            .all(conn)
            .await?
        {
            match e
                .after
                .as_ref()
                .and_then(|a| a.get("about"))
                .and_then(|a| a.as_str())
            {
                Some(about) => {
                    out.insert(e.entity_id, about.to_owned());
                }
                None => {
                    out.remove(&e.entity_id);
                }
            }
        }
    }
    Ok(out)
}
