//! 挂起 / 恢复: the office pauses an assignment's clock (a higher-level
//! policy changed, the work waits on something outside the unit's power)
//! and starts it again. While paused nothing is overdue, reminded or
//! escalated; on resume the due date and the milestones not yet reached
//! move out by the working days paused, unless the office gives a date.

use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::audit::AuditAction;
use crate::context::{Ctx, Tx};
use crate::entities::{milestone, suspension};
use crate::error::ConflictCode;
use crate::messages::Message;
use crate::time::{end_of_day, local_date, zone_of};
use crate::workflow::Action;
use crate::workflow::listing::AssignmentRow;
use crate::workflow::step::{self, Audience, Effect};
use crate::{DomainError, DomainResult};

#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn suspend(ctx: &Ctx<'_>, id: i64, reason: &str) -> DomainResult<AssignmentRow> {
    ctx.write(async |tx| suspend_in(tx, id, reason).await).await
}

pub async fn suspend_in(tx: &Tx<'_>, id: i64, reason: &str) -> DomainResult<AssignmentRow> {
    let loaded = step::load(tx, id, Action::Suspend, None).await?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 2000 {
        return Err(DomainError::invalid(
            "reason",
            "请说明挂起理由，最多 2000 个字符 (a reason of 1–2000 characters)",
        ));
    }
    if loaded.row.suspended_at.is_some() {
        return Err(DomainError::conflict(
            ConflictCode::WrongState,
            "事项已挂起 (already suspended)",
        ));
    }
    let pause = suspension::ActiveModel {
        assignment_id: Set(id),
        suspended_at: Set(tx.now),
        reason: Set(reason.to_owned()),
        suspended_by: Set(Some(tx.actor.user_id).filter(|_| !tx.actor.is_system())),
        resumed_at: Set(None),
        resumed_by: Set(None),
        working_days: Set(None),
        ..Default::default()
    }
    .insert(tx.conn())
    .await?;
    step::apply(
        tx,
        loaded,
        Effect::new(AuditAction::Suspend)
            .set(step::Set::Suspend(reason.to_owned()))
            // Off the ladder: what made it late is excused, and it climbs
            // afresh from its moved dates after resuming.
            .set(step::Set::EscalationLevel(0))
            .note("reason", reason)
            .tell(
                format!("suspended:{id}:{}", pause.id),
                Audience::Unit,
                Message::Suspended {
                    reason: reason.to_owned(),
                },
            ),
    )
    .await
}

/// Working days lost to a pause from `suspended_on` to `resumed_on`: the
/// day of suspension counts, the day of resumption does not (the unit works
/// again that day); a pause within one working day costs that day.
pub fn paused_working_days(
    cal: &crate::calendar::WorkingCalendar,
    suspended_on: NaiveDate,
    resumed_on: NaiveDate,
) -> i64 {
    let before = |d: NaiveDate| d.pred_opt().unwrap_or(d);
    let n = cal.working_days_between(before(suspended_on), before(resumed_on));
    if n == 0 && cal.is_working_day(suspended_on) {
        1
    } else {
        n
    }
}

/// The due date after a pause of `paused` working days: `due_on` moved out
/// by as many working days (a date that was not a working day moves to one).
pub fn moved_by(
    cal: &crate::calendar::WorkingCalendar,
    due_on: NaiveDate,
    paused: i64,
) -> NaiveDate {
    match u32::try_from(paused) {
        Ok(0) | Err(_) => due_on,
        Ok(n) => cal.add_working_days(due_on, n),
    }
}

#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn resume(
    ctx: &Ctx<'_>,
    id: i64,
    due_on: Option<NaiveDate>,
) -> DomainResult<AssignmentRow> {
    ctx.write(async |tx| resume_in(tx, id, due_on).await).await
}

pub async fn resume_in(
    tx: &Tx<'_>,
    id: i64,
    due_on: Option<NaiveDate>,
) -> DomainResult<AssignmentRow> {
    let loaded = step::load(tx, id, Action::Resume, None).await?;
    let Some(since) = loaded.row.suspended_at else {
        return Err(DomainError::conflict(
            ConflictCode::WrongState,
            "事项未挂起 (not suspended)",
        ));
    };
    let tz = zone_of(&loaded.row.plan_timezone);
    let today = local_date(tx.now, tz);
    if let Some(d) = due_on
        && d < today
    {
        return Err(DomainError::invalid(
            "due_on",
            format!("完成时限 {d} 早于今天 {today} (in the past)"),
        ));
    }
    let cal = tx.calendar();
    let paused = paused_working_days(cal, local_date(since, tz), today);
    let old_due = loaded.row.due_on;
    let new_due = due_on.unwrap_or_else(|| moved_by(cal, old_due, paused));
    if let Some(open) = suspension::Entity::find()
        .filter(suspension::Column::AssignmentId.eq(id))
        .filter(suspension::Column::ResumedAt.is_null())
        .order_by_desc(suspension::Column::Id)
        .one(tx.conn())
        .await?
    {
        suspension::ActiveModel {
            id: Set(open.id),
            resumed_at: Set(Some(tx.now)),
            resumed_by: Set(Some(tx.actor.user_id).filter(|_| !tx.actor.is_system())),
            working_days: Set(Some(i32::try_from(paused).unwrap_or(i32::MAX))),
            ..Default::default()
        }
        .update(tx.conn())
        .await?;
    }
    let pending = milestone::Entity::find()
        .filter(milestone::Column::AssignmentId.eq(id))
        .filter(milestone::Column::ReachedOn.is_null())
        .all(tx.conn())
        .await?;
    for m in pending {
        let d = moved_by(cal, m.due_on, paused).min(new_due);
        if d != m.due_on {
            milestone::ActiveModel {
                id: Set(m.id),
                due_on: Set(d),
                due_at: Set(end_of_day(d, tz)),
                ..Default::default()
            }
            .update(tx.conn())
            .await?;
        }
    }
    let mut effect = Effect::new(AuditAction::Resume)
        .set(step::Set::Resume)
        .note("working_days_paused", paused)
        .note("previous_due_on", old_due)
        .tell(
            format!("resumed:{id}:{}", since.timestamp()),
            Audience::Unit,
            Message::Resumed {
                due_on: new_due,
                working_days: paused,
            },
        );
    if new_due != old_due {
        effect = effect.set(step::Set::DueOn(new_due));
    }
    step::apply(tx, loaded, effect).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_day_of_suspension_counts_the_day_of_resumption_does_not() {
        let cal = crate::calendar::WorkingCalendar::load_dir(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../config/calendar"
        )))
        .unwrap();
        // Monday to Monday two weeks on: ten working days.
        assert_eq!(
            paused_working_days(&cal, d("2026-03-02"), d("2026-03-16")),
            10
        );
        // Within one working day: that day.
        assert_eq!(
            paused_working_days(&cal, d("2026-03-03"), d("2026-03-03")),
            1
        );
        // Saturday to Monday: nothing lost.
        assert_eq!(
            paused_working_days(&cal, d("2026-03-07"), d("2026-03-09")),
            0
        );
        // Over National Day 2025 (1–8 October off).
        assert_eq!(
            paused_working_days(&cal, d("2025-09-30"), d("2025-10-10")),
            2
        );
        assert_eq!(moved_by(&cal, d("2026-03-06"), 10), d("2026-03-20"));
        assert_eq!(moved_by(&cal, d("2026-03-06"), 0), d("2026-03-06"));
    }
}
