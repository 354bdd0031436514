//! Assessment (考核): how each unit delivered, over a plan or a date range,
//! scored by configurable rules and ranked; the same per plan and per task;
//! and indicator targets against the latest reported actuals.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::calendar::WorkingCalendar;
use crate::context::Ctx;
use crate::db::Db;
use crate::entities::indicator::{Comparator, IndicatorKind};
use crate::entities::review::Decision;
use crate::entities::{assignment, indicator, plan, report, review, task, unit};
use crate::policy::{Actor, Scope, assignment_scope};
use crate::supervision::{ack_deadline, ensure_inspection_view};
use crate::time::zone_of;
use crate::workflow::Status;

/// Points per event (`[assessment]` in the configuration).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct ScoreRules {
    pub completed_on_time: f64,
    pub completed_late: f64,
    pub still_overdue: f64,
    pub returned: f64,
    pub level3_escalation: f64,
}

impl Default for ScoreRules {
    fn default() -> Self {
        Self {
            completed_on_time: 1.0,
            completed_late: -1.0,
            still_overdue: -1.0,
            returned: -2.0,
            level3_escalation: -3.0,
        }
    }
}

/// Which assignments count: one plan, and/or those due in a date range.
#[derive(Debug, Clone, Default)]
pub struct StatsScope {
    pub plan_id: Option<i64>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Tally {
    pub assigned: u64,
    pub completed: u64,
    pub completed_on_time: u64,
    pub completed_late: u64,
    pub overdue: u64,
    pub returned_count: u64,
    pub acknowledged_late: u64,
    pub average_days_to_complete: Option<f64>,
    pub highest_escalation_level: i32,
    pub level3_count: u64,
    pub score: f64,
    #[serde(skip)]
    days_to_complete_sum: f64,
}

impl Tally {
    fn add(
        &mut self,
        a: &assignment::Model,
        returns: u64,
        now: DateTime<Utc>,
        tz: chrono_tz::Tz,
        cal: &WorkingCalendar,
    ) {
        let status = a.status;
        if matches!(status, Status::Draft | Status::Cancelled) {
            return;
        }
        self.assigned += 1;
        self.returned_count += returns;
        if status == Status::Completed {
            self.completed += 1;
            let done = a.completed_at.unwrap_or(now);
            if done <= a.due_at {
                self.completed_on_time += 1;
            } else {
                self.completed_late += 1;
            }
            if let Some(issued) = a.issued_at {
                self.days_to_complete_sum += (done - issued).num_seconds() as f64 / 86_400.0;
            }
        } else if now >= a.due_at {
            self.overdue += 1;
        }
        if let Some(issued) = a.issued_at {
            let deadline = ack_deadline(issued, tz, cal);
            let late = match a.acknowledged_at {
                Some(at) => at > deadline,
                None => status == Status::Issued && now > deadline,
            };
            if late {
                self.acknowledged_late += 1;
            }
        }
        self.highest_escalation_level = self.highest_escalation_level.max(a.escalation_level);
        if a.escalation_level >= 3 {
            self.level3_count += 1;
        }
    }

    fn finish(&mut self, rules: &ScoreRules) {
        self.average_days_to_complete = (self.completed > 0)
            .then(|| (self.days_to_complete_sum / self.completed as f64 * 10.0).round() / 10.0);
        self.score = rules.completed_on_time * self.completed_on_time as f64
            + rules.completed_late * self.completed_late as f64
            + rules.still_overdue * self.overdue as f64
            + rules.returned * self.returned_count as f64
            + rules.level3_escalation * self.level3_count as f64;
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitStats {
    pub rank: u32,
    pub unit_id: i64,
    pub unit_name: String,
    #[serde(flatten)]
    pub tally: Tally,
}

/// The pieces every statistic reads from the use case.
fn parts<'a>(
    ctx: &Ctx<'a>,
) -> (
    &'a Db,
    &'a Actor,
    &'a WorkingCalendar,
    &'a ScoreRules,
    DateTime<Utc>,
) {
    (
        ctx.db(),
        ctx.actor,
        ctx.calendar(),
        &ctx.rules().assessment,
        ctx.now,
    )
}

struct Loaded {
    assignments: Vec<assignment::Model>,
    returns: HashMap<i64, u64>,
    zones: HashMap<i64, chrono_tz::Tz>,
}

async fn load(db: &Db, actor: &Actor, scope: &StatsScope) -> Result<Loaded, DomainError> {
    let mut cond = Condition::all()
        .add(assignment::Column::Status.ne(Status::Draft))
        .add(assignment::Column::Status.ne(Status::Cancelled));
    if let Some(p) = scope.plan_id {
        cond = cond.add(assignment::Column::PlanId.eq(p));
    }
    if let Some(d) = scope.due_from {
        cond = cond.add(assignment::Column::DueOn.gte(d));
    }
    if let Some(d) = scope.due_to {
        cond = cond.add(assignment::Column::DueOn.lte(d));
    }
    match assignment_scope(actor) {
        Scope::All => {}
        Scope::Unit(u) => cond = cond.add(assignment::Column::UnitId.eq(u)),
        Scope::Nothing => {
            return Err(DomainError::Forbidden(
                "该角色不能查看考核统计 (no access to statistics)".into(),
            ));
        }
    }
    let assignments = assignment::Entity::find()
        .filter(cond)
        .all(db.conn())
        .await?;
    let mut returns: HashMap<i64, u64> = HashMap::new();
    let ids: Vec<i64> = assignments.iter().map(|a| a.id).collect();
    for chunk in ids.chunks(500) {
        for r in review::Entity::find()
            .filter(review::Column::AssignmentId.is_in(chunk.iter().copied()))
            .filter(review::Column::Decision.eq(Decision::Return))
            .all(db.conn())
            .await?
        {
            *returns.entry(r.assignment_id).or_default() += 1;
        }
    }
    let zones = plan::Entity::find()
        .all(db.conn())
        .await?
        .into_iter()
        .map(|p| (p.id, zone_of(&p.timezone)))
        .collect();
    Ok(Loaded {
        assignments,
        returns,
        zones,
    })
}

fn tz_of(l: &Loaded, plan_id: i64) -> chrono_tz::Tz {
    l.zones
        .get(&plan_id)
        .copied()
        .unwrap_or(chrono_tz::Asia::Shanghai)
}

/// Per unit, ranked by score (ties: more completed on time, then name).
/// Unit staff and heads see their own unit only.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn unit_stats(ctx: &Ctx<'_>, scope: &StatsScope) -> Result<Vec<UnitStats>, DomainError> {
    let (db, actor, cal, rules, now) = parts(ctx);
    let loaded = load(db, actor, scope).await?;
    let mut by_unit: BTreeMap<i64, Tally> = BTreeMap::new();
    for a in &loaded.assignments {
        let returns = loaded.returns.get(&a.id).copied().unwrap_or(0);
        by_unit
            .entry(a.unit_id)
            .or_default()
            .add(a, returns, now, tz_of(&loaded, a.plan_id), cal);
    }
    let names: HashMap<i64, String> = unit::Entity::find()
        .filter(unit::Column::Id.is_in(by_unit.keys().copied()))
        .all(db.conn())
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let mut rows: Vec<UnitStats> = by_unit
        .into_iter()
        .map(|(unit_id, mut tally)| {
            tally.finish(rules);
            UnitStats {
                rank: 0,
                unit_name: names.get(&unit_id).cloned().unwrap_or_default(),
                unit_id,
                tally,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.tally
            .score
            .total_cmp(&a.tally.score)
            .then(b.tally.completed_on_time.cmp(&a.tally.completed_on_time))
            .then(a.unit_name.cmp(&b.unit_name))
    });
    let mut rank = 0;
    let mut last: Option<f64> = None;
    for (i, r) in rows.iter_mut().enumerate() {
        if last != Some(r.tally.score) {
            rank = i as u32 + 1;
            last = Some(r.tally.score);
        }
        r.rank = rank;
    }
    Ok(rows)
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanStats {
    pub plan_id: i64,
    pub doc_no: String,
    pub title: String,
    #[serde(flatten)]
    pub tally: Tally,
}

/// Per plan (office, inspectors, leaders).
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn plan_stats(ctx: &Ctx<'_>, scope: &StatsScope) -> Result<Vec<PlanStats>, DomainError> {
    let (db, actor, cal, rules, now) = parts(ctx);
    ensure_inspection_view(actor)?;
    let loaded = load(db, actor, scope).await?;
    let mut by_plan: BTreeMap<i64, Tally> = BTreeMap::new();
    for a in &loaded.assignments {
        let returns = loaded.returns.get(&a.id).copied().unwrap_or(0);
        by_plan
            .entry(a.plan_id)
            .or_default()
            .add(a, returns, now, tz_of(&loaded, a.plan_id), cal);
    }
    let plans: HashMap<i64, plan::Model> = plan::Entity::find()
        .all(db.conn())
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok(by_plan
        .into_iter()
        .map(|(plan_id, mut tally)| {
            tally.finish(rules);
            let p = plans.get(&plan_id);
            PlanStats {
                plan_id,
                doc_no: p.map(|p| p.doc_no.clone()).unwrap_or_default(),
                title: p.map(|p| p.title.clone()).unwrap_or_default(),
                tally,
            }
        })
        .collect())
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskStats {
    pub task_id: i64,
    pub number: String,
    pub title: String,
    pub due_on: NaiveDate,
    #[serde(flatten)]
    pub tally: Tally,
    /// Units whose part is overdue: who is behind on what.
    pub behind: Vec<String>,
}

/// Per task of one plan, with the units behind on each.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn task_stats(ctx: &Ctx<'_>, plan_id: i64) -> Result<Vec<TaskStats>, DomainError> {
    let (db, actor, cal, rules, now) = parts(ctx);
    ensure_inspection_view(actor)?;
    let loaded = load(
        db,
        actor,
        &StatsScope {
            plan_id: Some(plan_id),
            ..Default::default()
        },
    )
    .await?;
    let names: HashMap<i64, String> = unit::Entity::find()
        .all(db.conn())
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let tasks = task::Entity::find()
        .filter(task::Column::PlanId.eq(plan_id))
        .order_by_asc(task::Column::Position)
        .all(db.conn())
        .await?;
    Ok(tasks
        .into_iter()
        .map(|t| {
            let mut tally = Tally::default();
            let mut behind = Vec::new();
            for a in loaded.assignments.iter().filter(|a| a.task_id == t.id) {
                tally.add(
                    a,
                    loaded.returns.get(&a.id).copied().unwrap_or(0),
                    now,
                    tz_of(&loaded, a.plan_id),
                    cal,
                );
                if a.status.is_open() && now >= a.due_at {
                    behind.push(names.get(&a.unit_id).cloned().unwrap_or_default());
                }
            }
            tally.finish(rules);
            TaskStats {
                task_id: t.id,
                number: t.number,
                title: t.title,
                due_on: t.due_on,
                tally,
                behind,
            }
        })
        .collect())
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorProgress {
    pub indicator_id: i64,
    pub task_id: Option<i64>,
    pub name: String,
    pub target: String,
    pub measure: Option<String>,
    pub comparator: Comparator,
    pub kind: Option<IndicatorKind>,
    pub units: Vec<UnitActual>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitActual {
    pub unit_id: i64,
    pub unit_name: String,
    /// The unit's own target from the breakdown (分解表), else the indicator's.
    pub target: String,
    /// The latest reported actual, if any.
    pub actual: Option<String>,
    pub reported_at: Option<DateTime<Utc>>,
    /// Whether the actual meets the target (when both are numbers).
    pub met: Option<bool>,
}

fn number(s: &str) -> Option<f64> {
    s.trim().trim_end_matches('%').trim().parse().ok()
}

fn meets(actual: &str, target: &str, comparator: Comparator) -> Option<bool> {
    let (a, t) = (number(actual)?, number(target)?);
    Some(match comparator {
        Comparator::AtMost => a <= t,
        Comparator::Below => a < t,
        Comparator::Above => a > t,
        Comparator::Equal => (a - t).abs() < f64::EPSILON,
        Comparator::AtLeast => a >= t,
    })
}

/// Target against the latest reported actual, per indicator and unit, for one plan.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn indicator_progress(
    ctx: &Ctx<'_>,
    plan_id: i64,
) -> Result<Vec<IndicatorProgress>, DomainError> {
    ensure_inspection_view(ctx.actor)?;
    let conn = ctx.db().conn();
    let indicators = indicator::Entity::find()
        .filter(indicator::Column::PlanId.eq(plan_id))
        .order_by_asc(indicator::Column::Id)
        .all(conn)
        .await?;
    let assignments = assignment::Entity::find()
        .filter(assignment::Column::PlanId.eq(plan_id))
        .filter(assignment::Column::Status.ne(Status::Draft))
        .all(conn)
        .await?;
    let names: HashMap<i64, String> = unit::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    // Latest value per (assignment, indicator): reports in id order, later wins.
    let mut latest: HashMap<(i64, i64), (String, DateTime<Utc>)> = HashMap::new();
    let ids: Vec<i64> = assignments.iter().map(|a| a.id).collect();
    for chunk in ids.chunks(500) {
        for r in report::Entity::find()
            .filter(report::Column::AssignmentId.is_in(chunk.iter().copied()))
            .order_by_asc(report::Column::Id)
            .all(conn)
            .await?
        {
            let values: Vec<crate::workflow::assignments::IndicatorValue> = r
                .indicator_values
                .clone()
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_default();
            for v in values {
                latest.insert((r.assignment_id, v.indicator_id), (v.value, r.created_at));
            }
        }
    }
    Ok(indicators
        .into_iter()
        .map(|i| {
            let breakdown: HashMap<String, String> = i
                .breakdown
                .clone()
                .and_then(|b| serde_json::from_value(b).ok())
                .unwrap_or_default();
            let units = assignments
                .iter()
                .filter(|a| i.task_id.is_none_or(|t| a.task_id == t))
                .filter(|a| i.task_id.is_some() || breakdown.contains_key(&a.unit_id.to_string()))
                .map(|a| {
                    let target = breakdown
                        .get(&a.unit_id.to_string())
                        .cloned()
                        .unwrap_or_else(|| i.target.clone());
                    let found = latest.get(&(a.id, i.id));
                    UnitActual {
                        unit_id: a.unit_id,
                        unit_name: names.get(&a.unit_id).cloned().unwrap_or_default(),
                        met: found.and_then(|(v, _)| meets(v, &target, i.comparator)),
                        actual: found.map(|(v, _)| v.clone()),
                        reported_at: found.map(|(_, at)| *at),
                        target,
                    }
                })
                .collect();
            IndicatorProgress {
                indicator_id: i.id,
                task_id: i.task_id,
                name: i.name,
                target: i.target,
                measure: i.measure,
                comparator: i.comparator,
                kind: i.kind,
                units,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_met_by_comparator() {
        assert_eq!(meets("96", "95", Comparator::AtLeast), Some(true));
        assert_eq!(meets("94.5%", "95%", Comparator::AtLeast), Some(false));
        assert_eq!(meets("3", "5", Comparator::AtMost), Some(true));
        assert_eq!(meets("很好", "95", Comparator::AtLeast), None);
    }

    #[test]
    fn the_default_rules_score_as_configured() {
        let mut t = Tally {
            completed_on_time: 2,
            completed_late: 1,
            overdue: 1,
            returned_count: 1,
            level3_count: 1,
            ..Default::default()
        };
        t.finish(&ScoreRules::default());
        assert_eq!(t.score, 2.0 - 1.0 - 1.0 - 2.0 - 3.0);
    }
}
