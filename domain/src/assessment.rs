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

/// Points per event (`[assessment]` in the configuration). Work done on
/// time earns; lateness, silence and escalation cost, so a unit that never
/// acts cannot rank above one that works.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoreRules {
    /// Each item completed by its due date.
    pub completed_on_time: f64,
    /// Each item completed after its due date (done, if late).
    pub completed_late: f64,
    /// Each open item past its due date.
    pub still_overdue: f64,
    /// Each item acknowledged after the deadline to do so, or still not.
    pub acknowledged_late: f64,
    /// Each open item without a single report although half its time (or
    /// all of it) has gone.
    pub not_started: f64,
    /// Each time a completion request was returned.
    pub returned: f64,
    /// Each escalation level an item reached (催办 1, 督办 2, 通报 3).
    pub per_escalation_level: f64,
    /// Each milestone reached after its date, or not reached and past it.
    pub missed_milestone: f64,
    /// Each period of a recurring duty that ended short of its count.
    pub missed_period: f64,
}

impl Default for ScoreRules {
    fn default() -> Self {
        Self {
            completed_on_time: 2.0,
            completed_late: 0.5,
            still_overdue: -2.0,
            acknowledged_late: -1.0,
            not_started: -1.0,
            returned: -0.5,
            per_escalation_level: -1.0,
            missed_milestone: -1.0,
            missed_period: -1.0,
        }
    }
}

crate::vocabulary::vocabulary! {
    /// Why an item earned or cost points.
    pub enum Rule {
        CompletedOnTime => "按期办结",
        CompletedLate => "逾期办结",
        StillOverdue => "逾期未办结",
        AcknowledgedLate => "签收超时",
        NotStarted => "未开展工作",
        Returned => "被退回",
        Escalated => "升级督办",
        MissedMilestone => "里程碑未按期完成",
        MissedPeriod => "经常性工作未完成",
    }
}

impl ScoreRules {
    fn points(&self, rule: Rule) -> f64 {
        match rule {
            Rule::CompletedOnTime => self.completed_on_time,
            Rule::CompletedLate => self.completed_late,
            Rule::StillOverdue => self.still_overdue,
            Rule::AcknowledgedLate => self.acknowledged_late,
            Rule::NotStarted => self.not_started,
            Rule::Returned => self.returned,
            Rule::Escalated => self.per_escalation_level,
            Rule::MissedMilestone => self.missed_milestone,
            Rule::MissedPeriod => self.missed_period,
        }
    }

    /// The rules in words, for the README and the assessment page.
    pub fn describe(&self) -> Vec<(Rule, f64)> {
        [
            Rule::CompletedOnTime,
            Rule::CompletedLate,
            Rule::StillOverdue,
            Rule::AcknowledgedLate,
            Rule::NotStarted,
            Rule::Returned,
            Rule::Escalated,
            Rule::MissedMilestone,
            Rule::MissedPeriod,
        ]
        .into_iter()
        .map(|r| (r, self.points(r)))
        .collect()
    }
}

/// Which assignments count: one plan, and/or those due in a date range.
#[derive(Debug, Clone, Default)]
pub struct StatsScope {
    pub plan_id: Option<i64>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
}

/// One reason for points: which item, which rule, how often, how many.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Point {
    pub assignment_id: i64,
    pub rule: Rule,
    /// Returns or escalation levels counted; 1 for the others.
    pub times: u32,
    pub points: f64,
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
    pub not_started: u64,
    pub average_days_to_complete: Option<f64>,
    pub highest_escalation_level: i32,
    pub level3_count: u64,
    /// Milestones reached late or missed.
    pub missed_milestones: u64,
    /// Periods of recurring duties that ended short.
    pub missed_periods: u64,
    pub score: f64,
    /// Every point of the score, item by item.
    #[serde(skip)]
    pub points: Vec<Point>,
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
        rules: &ScoreRules,
    ) {
        let status = a.status;
        if matches!(status, Status::Draft | Status::Cancelled) {
            return;
        }
        let mut point = |rule: Rule, times: u32| {
            self.points.push(Point {
                assignment_id: a.id,
                rule,
                times,
                points: rules.points(rule) * f64::from(times),
            });
        };
        if status == Status::Completed {
            let done = a.completed_at.unwrap_or(now);
            point(
                if done <= a.due_at {
                    Rule::CompletedOnTime
                } else {
                    Rule::CompletedLate
                },
                1,
            );
        } else if now >= a.due_at && a.suspended_at.is_none() {
            point(Rule::StillOverdue, 1);
        }
        if let Some(issued) = a.issued_at {
            let deadline = ack_deadline(issued, tz, cal);
            let late = match a.acknowledged_at {
                Some(at) => at > deadline,
                None => status == Status::Issued && now > deadline,
            };
            if late {
                point(Rule::AcknowledgedLate, 1);
            }
            let half_gone = now >= issued + (a.due_at - issued) / 2;
            if status.is_open() && a.last_report_at.is_none() && half_gone {
                point(Rule::NotStarted, 1);
            }
        }
        if returns > 0 {
            point(Rule::Returned, u32::try_from(returns).unwrap_or(u32::MAX));
        }
        if a.escalation_level > 0 {
            point(
                Rule::Escalated,
                u32::try_from(a.escalation_level).unwrap_or(0),
            );
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
        } else if now >= a.due_at && a.suspended_at.is_none() {
            self.overdue += 1;
        }
        let mine = self
            .points
            .iter()
            .rev()
            .take_while(|p| p.assignment_id == a.id);
        let (late, idle) = mine.fold((false, false), |(l, i), p| {
            (
                l || p.rule == Rule::AcknowledgedLate,
                i || p.rule == Rule::NotStarted,
            )
        });
        self.acknowledged_late += u64::from(late);
        self.not_started += u64::from(idle);
        self.highest_escalation_level = self.highest_escalation_level.max(a.escalation_level);
        if a.escalation_level >= 3 {
            self.level3_count += 1;
        }
    }

    /// The dated obligations besides the due date: milestones and periods missed.
    fn add_duties(&mut self, assignment_id: i64, missed: (u32, u32), rules: &ScoreRules) {
        let (milestones, periods) = missed;
        for (rule, times) in [
            (Rule::MissedMilestone, milestones),
            (Rule::MissedPeriod, periods),
        ] {
            if times > 0 {
                self.points.push(Point {
                    assignment_id,
                    rule,
                    times,
                    points: rules.points(rule) * f64::from(times),
                });
            }
        }
        self.missed_milestones += u64::from(milestones);
        self.missed_periods += u64::from(periods);
    }

    fn finish(&mut self) {
        self.average_days_to_complete = (self.completed > 0)
            .then(|| (self.days_to_complete_sum / self.completed as f64 * 10.0).round() / 10.0);
        // Whole and half points only: summing in order keeps it exact.
        self.score = self.points.iter().map(|p| p.points).sum();
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
        ctx.reads(),
        ctx.actor,
        ctx.calendar(),
        &ctx.rules().assessment,
        ctx.now,
    )
}

struct Loaded {
    assignments: Vec<assignment::Model>,
    returns: HashMap<i64, u64>,
    /// (milestones, periods) missed per assignment.
    missed: HashMap<i64, (u32, u32)>,
    zones: HashMap<i64, chrono_tz::Tz>,
}

/// The units an actor may see statistics of: every unit (None), or their own.
fn visible_unit(actor: &Actor) -> Result<Option<i64>, DomainError> {
    match assignment_scope(actor) {
        Scope::All => Ok(None),
        Scope::Unit(u) => Ok(Some(u)),
        Scope::Nothing => Err(DomainError::Forbidden(
            "该角色不能查看考核统计 (no access to statistics)".into(),
        )),
    }
}

/// The assignments that count for `scope` (one unit's when `unit` is set).
async fn load(
    db: &Db,
    scope: &StatsScope,
    unit: Option<i64>,
    now: DateTime<Utc>,
    cal: &WorkingCalendar,
) -> Result<Loaded, DomainError> {
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
    if let Some(u) = unit {
        cond = cond.add(assignment::Column::UnitId.eq(u));
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
        .collect::<HashMap<i64, chrono_tz::Tz>>();
    let subjects: Vec<crate::duties::standing::Subject> = assignments
        .iter()
        .map(|a| crate::duties::standing::Subject {
            id: a.id,
            task_id: a.task_id,
            tz: zones
                .get(&a.plan_id)
                .copied()
                .unwrap_or(chrono_tz::Asia::Shanghai),
            issued_at: a.issued_at,
            due_on: a.due_on,
        })
        .collect();
    let standing = crate::duties::standing::load(db.conn(), &subjects, now, cal).await?;
    let missed = subjects
        .iter()
        .filter_map(|s| {
            let st = standing.get(&s.id)?;
            let today = crate::time::local_date(now, s.tz);
            let milestones = st
                .milestones
                .iter()
                .filter(|m| m.reached_on.map_or(m.due_on < today, |r| r > m.due_on))
                .count();
            let periods = st
                .recurrences
                .iter()
                .flat_map(|r| r.periods.iter())
                .filter(|p| p.status == crate::duties::periods::PeriodStatus::Missed)
                .count();
            Some((
                s.id,
                (
                    u32::try_from(milestones).unwrap_or(u32::MAX),
                    u32::try_from(periods).unwrap_or(u32::MAX),
                ),
            ))
        })
        .filter(|(_, m)| *m != (0, 0))
        .collect();
    Ok(Loaded {
        assignments,
        returns,
        missed,
        zones,
    })
}

fn tz_of(l: &Loaded, plan_id: i64) -> chrono_tz::Tz {
    l.zones
        .get(&plan_id)
        .copied()
        .unwrap_or(chrono_tz::Asia::Shanghai)
}

/// Every unit's tally over `loaded`, ranked by score (ties: more completed
/// on time, then name).
async fn ranked(
    db: &Db,
    loaded: &Loaded,
    cal: &WorkingCalendar,
    rules: &ScoreRules,
    now: DateTime<Utc>,
) -> Result<Vec<UnitStats>, DomainError> {
    let mut by_unit: BTreeMap<i64, Tally> = BTreeMap::new();
    for a in &loaded.assignments {
        let returns = loaded.returns.get(&a.id).copied().unwrap_or(0);
        let tally = by_unit.entry(a.unit_id).or_default();
        tally.add(a, returns, now, tz_of(loaded, a.plan_id), cal, rules);
        if let Some(m) = loaded.missed.get(&a.id) {
            tally.add_duties(a.id, *m, rules);
        }
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
            tally.finish();
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

/// Per unit, ranked by score over every unit in scope. Unit staff and heads
/// see their own row, with its true rank among all.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn unit_stats(ctx: &Ctx<'_>, scope: &StatsScope) -> Result<Vec<UnitStats>, DomainError> {
    let (db, actor, cal, rules, now) = parts(ctx);
    let visible = visible_unit(actor)?;
    let loaded = load(db, scope, None, now, cal).await?;
    let mut rows = ranked(db, &loaded, cal, rules, now).await?;
    if let Some(u) = visible {
        rows.retain(|r| r.unit_id == u);
    }
    Ok(rows)
}

/// Every unit in the directory's order (by id), zeros included — the
/// exports' table, so one period's file lines up with the next. A unit with
/// nothing assigned has rank 0 (unranked); supervising offices with nothing
/// assigned are left out. Unit staff and heads get their own row.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn unit_table(ctx: &Ctx<'_>, scope: &StatsScope) -> Result<Vec<UnitStats>, DomainError> {
    let (db, actor, cal, rules, now) = parts(ctx);
    let visible = visible_unit(actor)?;
    let loaded = load(db, scope, None, now, cal).await?;
    let mut rows = ranked(db, &loaded, cal, rules, now).await?;
    for u in unit::Entity::find()
        .order_by_asc(unit::Column::Id)
        .all(db.conn())
        .await?
    {
        if u.kind != crate::entities::unit::UnitKind::Office
            && !rows.iter().any(|r| r.unit_id == u.id)
        {
            rows.push(UnitStats {
                rank: 0,
                unit_id: u.id,
                unit_name: u.name,
                tally: Tally::default(),
            });
        }
    }
    rows.sort_by_key(|r| r.unit_id);
    if let Some(u) = visible {
        rows.retain(|r| r.unit_id == u);
    }
    Ok(rows)
}

/// Completions in one month (in the plan's zone): on time and late.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MonthCompletions {
    /// "2026-03"
    pub month: String,
    pub on_time: u64,
    pub late: u64,
}

/// Completed items by the month they were completed in, oldest first, over
/// the same assignments as [`unit_stats`] (a unit's staff: their own).
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn completions_by_month(
    ctx: &Ctx<'_>,
    scope: &StatsScope,
) -> Result<Vec<MonthCompletions>, DomainError> {
    let (db, actor, cal, _, now) = parts(ctx);
    let visible = visible_unit(actor)?;
    let loaded = load(db, scope, visible, now, cal).await?;
    let mut by_month: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for a in loaded
        .assignments
        .iter()
        .filter(|a| a.status == Status::Completed)
    {
        let done = a.completed_at.unwrap_or(now);
        let month = done
            .with_timezone(&tz_of(&loaded, a.plan_id))
            .format("%Y-%m")
            .to_string();
        let e = by_month.entry(month).or_default();
        if done <= a.due_at {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    Ok(by_month
        .into_iter()
        .map(|(month, (on_time, late))| MonthCompletions {
            month,
            on_time,
            late,
        })
        .collect())
}

/// One point of a unit's score with the item it came from.
#[derive(Debug, Clone, Serialize)]
pub struct ExplainedPoint {
    #[serde(flatten)]
    pub point: Point,
    pub rule_label: &'static str,
    /// The item as people name it.
    pub what: String,
    pub due_on: NaiveDate,
    pub status: Status,
}

/// A unit's row and every point behind its score.
#[derive(Debug, Clone, Serialize)]
pub struct UnitScore {
    #[serde(flatten)]
    pub stats: UnitStats,
    pub points: Vec<ExplainedPoint>,
}

/// Why a unit scored what it did: each item and rule. Units see their own.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn unit_score(
    ctx: &Ctx<'_>,
    unit_id: i64,
    scope: &StatsScope,
) -> Result<UnitScore, DomainError> {
    let (db, actor, cal, rules, now) = parts(ctx);
    if visible_unit(actor)?.is_some_and(|u| u != unit_id) {
        return Err(DomainError::NotFound("unit"));
    }
    let loaded = load(db, scope, None, now, cal).await?;
    let stats = ranked(db, &loaded, cal, rules, now)
        .await?
        .into_iter()
        .find(|r| r.unit_id == unit_id)
        .ok_or(DomainError::NotFound("unit"))?;
    let rows = crate::workflow::listing::rows_by_ids(
        db.conn(),
        stats.tally.points.iter().map(|p| p.assignment_id).collect(),
    )
    .await?;
    let points = stats
        .tally
        .points
        .iter()
        .map(|p| {
            let row = rows.get(&p.assignment_id);
            ExplainedPoint {
                point: p.clone(),
                rule_label: p.rule.label(),
                what: row.map(|r| r.what()).unwrap_or_default(),
                due_on: row.map_or(NaiveDate::MIN, |r| r.due_on),
                status: row.map_or(Status::Issued, |r| r.status),
            }
        })
        .collect();
    Ok(UnitScore { stats, points })
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
    let loaded = load(db, scope, visible_unit(actor)?, now, cal).await?;
    let mut by_plan: BTreeMap<i64, Tally> = BTreeMap::new();
    for a in &loaded.assignments {
        let returns = loaded.returns.get(&a.id).copied().unwrap_or(0);
        let tally = by_plan.entry(a.plan_id).or_default();
        tally.add(a, returns, now, tz_of(&loaded, a.plan_id), cal, rules);
        if let Some(m) = loaded.missed.get(&a.id) {
            tally.add_duties(a.id, *m, rules);
        }
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
            tally.finish();
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
        &StatsScope {
            plan_id: Some(plan_id),
            ..Default::default()
        },
        None,
        now,
        cal,
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
                    rules,
                );
                if let Some(m) = loaded.missed.get(&a.id) {
                    tally.add_duties(a.id, *m, rules);
                }
                if a.status.is_open() && now >= a.due_at && a.suspended_at.is_none() {
                    behind.push(names.get(&a.unit_id).cloned().unwrap_or_default());
                }
            }
            tally.finish();
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
    let conn = ctx.reads().conn();
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

    fn item(status: Status, issued_days_ago: i64, due_in_days: i64) -> assignment::Model {
        let now: DateTime<Utc> = "2026-06-15T02:00:00Z".parse().unwrap();
        let due_on = (now + chrono::Duration::days(due_in_days)).date_naive();
        assignment::Model {
            id: 1,
            task_id: 1,
            plan_id: 1,
            unit_id: 1,
            role: crate::entities::assignment::AssignmentRole::Lead,
            status,
            due_on,
            due_at: crate::time::end_of_day(due_on, chrono_tz::Asia::Shanghai),
            issued_at: Some(now - chrono::Duration::days(issued_days_ago)),
            acknowledged_at: None,
            completed_at: None,
            last_report_at: None,
            percent: None,
            escalation_level: 0,
            parent_id: None,
            parent_unit_id: None,
            note: None,
            suspended_at: None,
            suspend_reason: None,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    fn score(items: &[assignment::Model], returns: u64) -> Tally {
        let now: DateTime<Utc> = "2026-06-15T02:00:00Z".parse().unwrap();
        let mut t = Tally::default();
        for a in items {
            t.add(
                a,
                returns,
                now,
                chrono_tz::Asia::Shanghai,
                &WorkingCalendar::default(),
                &ScoreRules::default(),
            );
        }
        t.finish();
        t
    }

    #[test]
    fn work_done_on_time_ranks_above_work_never_started() {
        let now: DateTime<Utc> = "2026-06-15T02:00:00Z".parse().unwrap();
        let mut done = item(Status::Completed, 30, 5);
        done.acknowledged_at = Some(now - chrono::Duration::days(29));
        done.last_report_at = Some(now - chrono::Duration::days(2));
        done.completed_at = Some(now - chrono::Duration::days(1));
        // Returned once on the way: still well ahead.
        let worker = score(&[done], 1);
        let idle = score(&[item(Status::Issued, 30, -3)], 0);
        assert!(
            worker.score > 0.0 && idle.score < 0.0,
            "{worker:?} {idle:?}"
        );
        let rules: Vec<Rule> = idle.points.iter().map(|p| p.rule).collect();
        assert_eq!(
            rules,
            vec![Rule::StillOverdue, Rule::AcknowledgedLate, Rule::NotStarted],
            "every cost is explained"
        );
        assert_eq!(idle.score, -2.0 - 1.0 - 1.0);
        assert_eq!(worker.score, 2.0 - 0.5);
    }

    #[test]
    fn fresh_work_costs_nothing_yet_and_escalation_costs_per_level() {
        let fresh = score(&[item(Status::Issued, 0, 30)], 0);
        assert_eq!((fresh.score, fresh.points.len()), (0.0, 0));
        let mut raised = item(Status::InProgress, 40, -20);
        raised.acknowledged_at = raised.issued_at;
        raised.last_report_at = raised.issued_at;
        raised.escalation_level = 3;
        let t = score(&[raised], 0);
        assert_eq!(t.score, -2.0 - 3.0, "{:?}", t.points);
        assert_eq!(t.level3_count, 1);
    }
}
