//! 进展反馈提醒: a task with a reporting schedule (cron, e.g. "0 9 25 * *",
//! monthly by the 25th) reminds, in the days before each deadline, the
//! units that have not reported since the previous one.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use duban_domain::entities::task;
use duban_domain::messages::Message;
use duban_domain::notify::{Addressbook, Notice};
use duban_domain::plan_policy::all_plans;
use duban_domain::reminders::{parse_cron, report_period};
use duban_domain::role::Role;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{open_of_tasks, write_notices, zone};
use crate::context::JobContext;
use crate::outcome::Outcome;

pub(crate) async fn run(ctx: &JobContext, at: DateTime<Utc>) -> anyhow::Result<Outcome> {
    let mut out = Outcome::new("report_reminders");
    let conn = ctx.db.conn();
    let scheduled: Vec<(i64, i64, String)> = task::Entity::find()
        .select_only()
        .columns([
            task::Column::Id,
            task::Column::PlanId,
            task::Column::ReportCron,
        ])
        .filter(task::Column::ReportCron.is_not_null())
        .filter(task::Column::ReportCron.ne(""))
        .into_tuple()
        .all(conn)
        .await?;
    if scheduled.is_empty() {
        return Ok(out);
    }
    let plans = all_plans(conn).await?;
    let lead = Duration::days(i64::from(ctx.jobs.reminders.report_lead_days));
    // Tasks whose next deadline is near: (previous deadline, next deadline).
    let mut due: HashMap<i64, (Option<DateTime<Utc>>, DateTime<Utc>)> = HashMap::new();
    for (task_id, plan_id, expr) in scheduled {
        let schedule = match parse_cron(&expr) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(task = task_id, error = %e, "skipping a task's reporting schedule");
                continue;
            }
        };
        if let Some((prev, next)) = report_period(&schedule, zone(&plans, plan_id), at)
            && next - at <= lead
        {
            due.insert(task_id, (prev, next));
        }
    }
    let task_ids: Vec<i64> = due.keys().copied().collect();
    let items = open_of_tasks(conn, &task_ids).await?;
    out.scanned = items.len() as u64;
    let book = Addressbook::load(conn).await?;
    let mut notices = Vec::new();
    for item in &items {
        let Some(&(prev, next)) = due.get(&item.task_id) else {
            continue;
        };
        // The period starts at the previous deadline, or at the issue if later.
        let start = match (prev, item.issued_at) {
            (Some(p), Some(i)) => Some(p.max(i)),
            (p, i) => p.or(i),
        };
        let reported = match (item.last_report_at, start) {
            (Some(r), Some(s)) => r >= s,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if reported {
            continue;
        }
        let deadline = next.with_timezone(&zone(&plans, item.plan_id));
        notices.extend(Notice::to_each(
            &format!("report:{}:{}", item.id, deadline.format("%Y-%m-%dT%H:%M")),
            Some(item.id),
            &Message::ReportDue {
                deadline: deadline.naive_local(),
            },
            book.audience(&[Role::UnitStaff], item.unit_id),
        ));
    }
    out.notices = write_notices(ctx, at, notices).await?;
    Ok(out)
}
