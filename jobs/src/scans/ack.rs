//! 签收提醒: an item issued and still not acknowledged after some working
//! days (per the calendar) reminds the unit's staff, once per issue.

use chrono::{DateTime, Duration, Utc};
use duban_domain::messages::Message;
use duban_domain::notify::{Addressbook, Notice};
use duban_domain::plan_policy::all_plans;
use duban_domain::reminders::ack_overdue;
use duban_domain::role::Role;
use duban_domain::time::local_date;

use super::{unacknowledged, write_notices, zone};
use crate::context::JobContext;
use crate::outcome::Outcome;

pub(crate) async fn run(ctx: &JobContext, at: DateTime<Utc>) -> anyhow::Result<Outcome> {
    let mut out = Outcome::new("ack_reminders");
    let conn = ctx.db.conn();
    let after = ctx.jobs.reminders.ack_after_working_days;
    // n working days are at least n calendar days.
    let items = unacknowledged(conn, at - Duration::days(i64::from(after))).await?;
    out.scanned = items.len() as u64;
    if items.is_empty() {
        return Ok(out);
    }
    let plans = all_plans(conn).await?;
    let book = Addressbook::load(conn).await?;
    let mut notices = Vec::new();
    for item in &items {
        let Some(issued_at) = item.issued_at else {
            continue;
        };
        let tz = zone(&plans, item.plan_id);
        let issued_on = local_date(issued_at, tz);
        if !ack_overdue(ctx.calendar(), issued_on, local_date(at, tz), after) {
            continue;
        }
        notices.extend(Notice::to_each(
            &format!("ack:{}:{}", item.id, issued_at.timestamp()),
            Some(item.id),
            &Message::AckReminder { issued_on },
            book.audience(&[Role::UnitStaff], item.unit_id),
        ));
    }
    out.notices = write_notices(ctx, at, notices).await?;
    Ok(out)
}
