//! 催办 before the due date: at the nearest configured offset (per plan
//! override), once per (assignment, due date, offset, person). An approved
//! extension moves the due date, and with it the keys.

use chrono::{DateTime, Duration, Utc};
use duban_domain::notify::Notice;
use duban_domain::plan_policy::all_plans;
use duban_domain::reminders::offset_due;
use duban_domain::role::Role;
use duban_domain::time::local_date;
use sea_orm::Condition;

use super::{describe, open_due_between, task_titles, write_notices, zone};
use crate::context::JobContext;
use crate::outcome::Outcome;
use crate::people::People;

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
        let people = People::load(conn).await?;
        let titles = task_titles(conn, &items).await?;
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
            let what = describe(&plans, &titles, item);
            let when = if days_left == 0 {
                "今天到期".to_owned()
            } else {
                format!("还剩 {days_left} 天")
            };
            let subject = format!("【催办提醒】{what}（{}，{when}）", item.due_on);
            let body = format!(
                "{what}\n完成时限：{}，{when}。请抓紧办理，并及时反馈进展。",
                item.due_on
            );
            for user in people.of(Role::UnitStaff, item.unit_id) {
                notices.push(Notice {
                    dedupe_key: format!("remind:{}:{}:{offset}:{user}", item.id, item.due_on),
                    kind: "reminder",
                    recipient_user_id: *user,
                    assignment_id: Some(item.id),
                    subject: subject.clone(),
                    body: body.clone(),
                });
            }
        }
    }
    out.notices = write_notices(ctx, at, notices).await?;
    Ok(out)
}

/// Tells the admins, once per year, that the calendar lacks a year in use.
async fn calendar_gap_notices(ctx: &JobContext, at: DateTime<Utc>) -> anyhow::Result<Vec<Notice>> {
    let gaps = ctx.calendar_gaps_at(at);
    if gaps.is_empty() {
        return Ok(Vec::new());
    }
    let admins = duban_domain::notify::people_with(ctx.db.conn(), &[Role::Admin]).await?;
    let dir = ctx.jobs.calendar_dir.display().to_string();
    Ok(gaps
        .iter()
        .flat_map(|year| {
            let dir = dir.clone();
            admins.iter().map(move |a| Notice {
                dedupe_key: format!("calendar_gap:{year}:{}", a.id),
                kind: "calendar_gap",
                recipient_user_id: a.id,
                assignment_id: None,
                subject: format!("【系统提示】工作日历缺少 {year} 年节假日安排"),
                body: format!(
                    "工作日历（{dir}）中没有 {year} 年的节假日安排，目前按周一至周五计算工作日，逾期升级可能不准确。请依据国务院办公厅通知添加 {dir}/{year}.toml 后重启服务。\n(The working-day calendar has no {year} schedule; add {dir}/{year}.toml.)"
                ),
            })
        })
        .collect())
}
