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

use super::{OpenItem, open_due_between, open_with_duties, standings, zone};
use duban_domain::duties::delegation::child_audience;

struct Rising<'a> {
    item: &'a OpenItem,
    ladder: &'a Ladder,
    level: i32,
    late_since: chrono::NaiveDate,
    about: Option<String>,
    days: i64,
    working: i64,
}
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
    // Overdue (the due date has ended) and not yet at the top, and items
    // with a milestone or a recurring duty that may be late.
    let mut items = open_due_between(
        conn,
        None,
        at,
        Condition::all().add(assignment::Column::EscalationLevel.lt(top)),
    )
    .await?;
    items.extend(
        open_with_duties(conn, at)
            .await?
            .into_iter()
            .filter(|i| i.escalation_level < top),
    );
    items.sort_by_key(|i| i.id);
    items.dedup_by_key(|i| i.id);
    out.scanned = items.len() as u64;
    if items.is_empty() {
        return Ok(out);
    }
    let standing = standings(conn, &items, &plans, at, ctx.calendar()).await?;
    // (item, ladder, level, the date it is late from, what is late, days, working days)
    let mut rising: Vec<Rising> = Vec::new();
    for item in &items {
        let ladder = ladders.get(&item.plan_id).unwrap_or(&ctx.ladder);
        let today = local_date(at, zone(&plans, item.plan_id));
        // The item is as late as its earliest obligation still open: the due
        // date itself, a milestone not reached, a recurring duty behind.
        let own = (item.due_on < today).then_some((item.due_on, None));
        let duty = standing
            .get(&item.id)
            .and_then(|s| s.behind(today))
            .map(|(d, about)| (d, Some(about)));
        let Some((late_since, about)) = [own, duty].into_iter().flatten().min_by_key(|(d, _)| *d)
        else {
            continue;
        };
        let level = ladder.level_on(ctx.calendar(), late_since, today);
        if level > item.escalation_level {
            rising.push(Rising {
                item,
                ladder,
                level,
                late_since,
                about,
                days: days_overdue(late_since, today),
                working: ctx.calendar().working_days_between(late_since, today),
            });
        }
    }
    if rising.is_empty() {
        return Ok(out);
    }
    let book = Addressbook::load(conn).await?;
    let steps: Vec<Escalation> = rising
        .iter()
        .map(|r| Escalation {
            assignment_id: r.item.id,
            from_level: r.item.escalation_level,
            to_level: r.level,
            steps: r
                .ladder
                .steps(r.item.escalation_level, r.level)
                .map(|rung| {
                    let to = match r.item.parent_unit_id {
                        // Handed down: the handing unit hears first.
                        Some(p) => child_audience(
                            &book,
                            &rung.notify,
                            r.item.unit_id,
                            p,
                            rung.level >= r.ladder.top(),
                        ),
                        None => book.audience(&rung.notify, r.item.unit_id),
                    };
                    (rung.level, to)
                })
                .collect(),
            due_on: r.late_since,
            overdue: Some((r.days, r.working)),
            about: r.about.clone(),
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
