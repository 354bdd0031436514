//! The escalation ladder over overdue items: each item goes to the highest
//! level its lateness has reached, recording every level it passes (so a
//! scan that ran late still leaves the full history), never lower.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use duban_domain::entities::assignment;
use duban_domain::escalation::{Escalation, Ladder, record_escalations};
use duban_domain::plan_policy::{PlanFacts, all_plans};
use duban_domain::time::{days_overdue, local_date};
use sea_orm::{ColumnTrait, Condition};

use duban_domain::notify::Addressbook;

use super::{OpenItem, open_due_between, zone};
use crate::context::JobContext;
use crate::outcome::Outcome;

/// Assignments recorded per transaction.
const TXN_ITEMS: usize = 5000;

pub(crate) async fn run(ctx: &JobContext, at: DateTime<Utc>) -> anyhow::Result<Outcome> {
    let mut out = Outcome::new("escalations");
    let conn = ctx.db.conn();
    let plans = all_plans(conn).await?;
    let ladders = plan_ladders(ctx, &plans);
    let top = ladders
        .values()
        .map(Ladder::top)
        .chain(std::iter::once(ctx.ladder.top()))
        .max()
        .unwrap_or(0);
    // Overdue (the due date has ended) and not yet at the top.
    let items = open_due_between(
        conn,
        None,
        at,
        Condition::all().add(assignment::Column::EscalationLevel.lt(top)),
    )
    .await?;
    out.scanned = items.len() as u64;
    if items.is_empty() {
        return Ok(out);
    }
    let mut rising: Vec<(&OpenItem, &Ladder, i32, i64, i64)> = Vec::new();
    for item in &items {
        let ladder = ladders.get(&item.plan_id).unwrap_or(&ctx.ladder);
        let today = local_date(at, zone(&plans, item.plan_id));
        let level = ladder.level_on(ctx.calendar(), item.due_on, today);
        if level > item.escalation_level {
            let days = days_overdue(item.due_on, today);
            let working = ctx.calendar().working_days_between(item.due_on, today);
            rising.push((item, ladder, level, days, working));
        }
    }
    if rising.is_empty() {
        return Ok(out);
    }
    let book = Addressbook::load(conn).await?;
    let steps: Vec<Escalation> = rising
        .iter()
        .map(|(item, ladder, level, days, working)| Escalation {
            assignment_id: item.id,
            from_level: item.escalation_level,
            to_level: *level,
            steps: ladder
                .steps(item.escalation_level, *level)
                .map(|rung| (rung.level, book.audience(&rung.notify, item.unit_id)))
                .collect(),
            due_on: item.due_on,
            overdue: Some((*days, *working)),
        })
        .collect();
    for chunk in steps.chunks(TXN_ITEMS) {
        let txn = ctx.db.begin().await?;
        let recorded = record_escalations(&txn, None, at, chunk, None).await?;
        txn.commit().await?;
        out.escalated += recorded.raised;
        out.notices += recorded.notices;
    }
    Ok(out)
}

/// The ladders of plans that override the configured one.
fn plan_ladders(ctx: &JobContext, plans: &HashMap<i64, PlanFacts>) -> HashMap<i64, Ladder> {
    plans
        .iter()
        .filter_map(|(id, p)| {
            let over = p.policy.escalation.as_ref()?;
            match ctx
                .jobs
                .escalation
                .with_override(over)
                .map_err(|e| vec![e])
                .and_then(|s| s.ladder())
            {
                Ok(l) => Some((*id, l)),
                Err(e) => {
                    tracing::warn!(plan = id, problems = ?e, "ignoring the plan's escalation policy");
                    None
                }
            }
        })
        .collect()
}
