//! 催办 before the due date: at the nearest configured offset (per plan
//! override), once per (assignment, due date, offset, person). An approved
//! extension moves the due date, and with it the keys.

use chrono::{DateTime, Duration, Utc};
use duban_domain::messages::Message;
use duban_domain::notify::{Addressbook, Notice};
use duban_domain::plan_policy::all_plans;
use duban_domain::reminders::offset_due;
use duban_domain::role::Role;
use duban_domain::time::local_date;
use duban_domain::workflow::Status;
use sea_orm::Condition;

use super::{open_due_between, open_with_duties, standings, write_notices, zone};
use crate::context::JobContext;
use crate::outcome::Outcome;

pub(crate) async fn run(ctx: &JobContext, at: DateTime<Utc>) -> anyhow::Result<Outcome> {
    let mut out = Outcome::new("reminders");
    let conn = ctx.db.conn();
    let plans = all_plans(conn).await?;
    let default = &ctx.jobs.reminders.offsets_days;
    let furthest = plans
        .values()
        .filter_map(|p| p.policy.reminder_offsets.as_ref())
        .chain(std::iter::once(default))
        .flat_map(|o| o.iter().copied())
        .max();
    let mut notices = calendar_gap_notices(ctx, at).await?;
    if let Some(furthest) = furthest {
        // One day more than the furthest offset covers every zone's "today".
        let to = at + Duration::days(i64::from(furthest) + 2);
        let items = open_due_between(conn, Some(at), to, Condition::all()).await?;
        out.scanned = items.len() as u64;
        let book = Addressbook::load(conn).await?;
        for item in &items {
            let offsets = plans
                .get(&item.plan_id)
                .and_then(|p| p.policy.reminder_offsets.as_ref())
                .unwrap_or(default);
            let today = local_date(at, zone(&plans, item.plan_id));
            let days_left = (item.due_on - today).num_days();
            let Some(offset) = offset_due(offsets, days_left) else {
                continue;
            };
            notices.extend(Notice::to_each(
                &format!("remind:{}:{}:{offset}", item.id, item.due_on),
                Some(item.id),
                &Message::Reminder {
                    due_on: item.due_on,
                    days_left,
                    acknowledged: item.status != Status::Issued,
                },
                book.audience(&[Role::UnitStaff], item.unit_id),
            ));
        }
        notices.extend(duty_notices(ctx, at, &plans, furthest, &book).await?);
    }
    out.notices = write_notices(ctx, at, notices).await?;
    Ok(out)
}

/// 履职提醒 before each milestone not reached and before the end of each
/// period of a recurring duty still short, at the same offsets as due dates,
/// once per (milestone or period, date, offset). The last milestone on the
/// due date itself is left to the due date's reminder.
async fn duty_notices(
    ctx: &JobContext,
    at: DateTime<Utc>,
    plans: &std::collections::HashMap<i64, duban_domain::plan_policy::PlanFacts>,
    furthest: u32,
    book: &Addressbook,
) -> anyhow::Result<Vec<Notice>> {
    use duban_domain::duties::periods::PeriodStatus;
    let conn = ctx.db.conn();
    let default = &ctx.jobs.reminders.offsets_days;
    let to = at + Duration::days(i64::from(furthest) + 2);
    let items = open_with_duties(conn, to).await?;
    let standing = standings(conn, &items, plans, at, ctx.calendar()).await?;
    let mut notices = Vec::new();
    for item in &items {
        let Some(st) = standing.get(&item.id) else {
            continue;
        };
        let offsets = plans
            .get(&item.plan_id)
            .and_then(|p| p.policy.reminder_offsets.as_ref())
            .unwrap_or(default);
        let today = local_date(at, zone(plans, item.plan_id));
        let mut due: Vec<(String, String, chrono::NaiveDate)> = st
            .milestones
            .iter()
            .filter(|m| m.reached_on.is_none() && m.due_on != item.due_on)
            .map(|m| {
                (
                    format!("remind_milestone:{}:{}", m.id, m.due_on),
                    format!("里程碑“{}”", m.title),
                    m.due_on,
                )
            })
            .collect();
        for r in &st.recurrences {
            due.extend(
                r.periods
                    .iter()
                    .filter(|p| matches!(p.status, PeriodStatus::Open | PeriodStatus::Upcoming))
                    .map(|p| {
                        (
                            format!(
                                "remind_period:{}:{}:{}",
                                item.id, r.recurrence.id, p.period.start
                            ),
                            format!("经常性工作“{}”，已完成 {} 次", r.about(&p.period), p.done),
                            p.period.due_on,
                        )
                    }),
            );
        }
        for (key, about, due_on) in due {
            let days_left = (due_on - today).num_days();
            let Some(offset) = offset_due(offsets, days_left) else {
                continue;
            };
            notices.extend(Notice::to_each(
                &format!("{key}:{offset}"),
                Some(item.id),
                &Message::DutyReminder {
                    about,
                    due_on,
                    days_left,
                },
                book.audience(&[Role::UnitStaff], item.unit_id),
            ));
        }
    }
    Ok(notices)
}

/// Tells the admins, once per year, that the calendar lacks a year in use.
async fn calendar_gap_notices(ctx: &JobContext, at: DateTime<Utc>) -> anyhow::Result<Vec<Notice>> {
    let gaps = ctx.calendar_gaps_at(at);
    if gaps.is_empty() {
        return Ok(Vec::new());
    }
    let book = Addressbook::load(ctx.db.conn()).await?;
    let admins = book.audience(&[Role::Admin], 0);
    let dir = ctx.jobs.calendar_dir.display().to_string();
    Ok(gaps
        .iter()
        .flat_map(|year| {
            Notice::to_each(
                &format!("calendar_gap:{year}"),
                None,
                &Message::CalendarGap {
                    year: *year,
                    dir: dir.clone(),
                },
                admins.iter().copied(),
            )
        })
        .collect())
}
