//! Where an assignment stands on its dated obligations besides its due
//! date: its milestones and the periods of its task's recurring duties,
//! read for many assignments at once (the item page, the board, the scans,
//! the assessment) and decided in plain Rust.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::periods::{self, Period, PeriodStatus};
use crate::calendar::WorkingCalendar;
use crate::entities::report::ReportKind;
use crate::entities::{milestone, recurrence, report, suspension};
use crate::time::local_date;

const CHUNK: usize = 1000;

/// What the loader needs of an assignment.
#[derive(Debug, Clone, Copy)]
pub struct Subject {
    pub id: i64,
    pub task_id: i64,
    pub tz: Tz,
    pub issued_at: Option<DateTime<Utc>>,
    pub due_on: NaiveDate,
}

impl From<&crate::workflow::listing::AssignmentRow> for Subject {
    fn from(r: &crate::workflow::listing::AssignmentRow) -> Self {
        Subject {
            id: r.id,
            task_id: r.task_id,
            tz: crate::time::zone_of(&r.plan_timezone),
            issued_at: r.issued_at,
            due_on: r.due_on,
        }
    }
}

/// One period of a recurring duty with its count.
#[derive(Debug, Clone, Copy)]
pub struct PeriodStanding {
    pub period: Period,
    pub required: i32,
    pub done: i32,
    pub status: PeriodStatus,
}

/// A recurring duty of the assignment's task, cut into periods.
#[derive(Debug, Clone)]
pub struct RecurrenceStanding {
    pub recurrence: recurrence::Model,
    pub periods: Vec<PeriodStanding>,
}

impl RecurrenceStanding {
    /// Since when the unit is behind on this duty.
    pub fn behind_since(&self) -> Option<NaiveDate> {
        let s: Vec<(Period, PeriodStatus)> =
            self.periods.iter().map(|p| (p.period, p.status)).collect();
        periods::behind_since(&s)
    }

    /// "每月到社区调研（2026-03 期）".
    pub fn about(&self, p: &Period) -> String {
        format!(
            "{}（{} 至 {}，应完成 {} 次）",
            self.recurrence.title, p.start, p.end, self.recurrence.times
        )
    }
}

/// A dated obligation missed and not yet made good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Missed {
    /// milestone or period.
    pub kind: &'static str,
    pub title: String,
    pub due_on: NaiveDate,
}

/// An assignment's milestones and recurring duties as they stand.
#[derive(Debug, Clone, Default)]
pub struct Standing {
    pub milestones: Vec<milestone::Model>,
    pub recurrences: Vec<RecurrenceStanding>,
}

impl Standing {
    /// The earliest obligation missed and still open: (its due date, what it
    /// is). A reached milestone and a duty back on track no longer count.
    pub fn behind(&self, today: NaiveDate) -> Option<(NaiveDate, String)> {
        let milestone = self
            .milestones
            .iter()
            .filter(|m| m.reached_on.is_none() && m.due_on < today)
            .map(|m| (m.due_on, format!("里程碑“{}”", m.title)));
        let duties = self.recurrences.iter().filter_map(|r| {
            let since = r.behind_since()?;
            let p = r.periods.iter().find(|p| p.period.due_on == since)?;
            Some((since, format!("经常性工作“{}”", r.about(&p.period))))
        });
        milestone.chain(duties).min_by_key(|(d, _)| *d)
    }

    /// Every missed milestone not reached yet and every missed period of a
    /// duty still behind, earliest first: what the board names.
    pub fn missed(&self, today: NaiveDate) -> Vec<Missed> {
        let mut out: Vec<Missed> = self
            .milestones
            .iter()
            .filter(|m| m.reached_on.is_none() && m.due_on < today)
            .map(|m| Missed {
                kind: "milestone",
                title: m.title.clone(),
                due_on: m.due_on,
            })
            .collect();
        for r in &self.recurrences {
            let Some(since) = r.behind_since() else {
                continue;
            };
            out.extend(
                r.periods
                    .iter()
                    .filter(|p| p.status == PeriodStatus::Missed && p.period.due_on >= since)
                    .map(|p| Missed {
                        kind: "period",
                        title: r.about(&p.period),
                        due_on: p.period.due_on,
                    }),
            );
        }
        out.sort_by_key(|m| m.due_on);
        out
    }
}

/// Whether the clock stood still on local day `d` by these pauses.
pub fn paused_on(pauses: &[suspension::Model], tz: Tz, d: NaiveDate) -> bool {
    pauses.iter().any(|s| {
        local_date(s.suspended_at, tz) <= d && s.resumed_at.is_none_or(|r| d < local_date(r, tz))
    })
}

/// The standing of each subject at `now` (subjects with neither milestones
/// nor recurring duties get an empty one).
pub async fn load<C: ConnectionTrait>(
    conn: &C,
    subjects: &[Subject],
    now: DateTime<Utc>,
    cal: &WorkingCalendar,
) -> Result<HashMap<i64, Standing>, DbErr> {
    let ids: Vec<i64> = subjects.iter().map(|s| s.id).collect();
    let mut tasks: Vec<i64> = subjects.iter().map(|s| s.task_id).collect();
    tasks.sort_unstable();
    tasks.dedup();
    let mut milestones: HashMap<i64, Vec<milestone::Model>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        for m in milestone::Entity::find()
            .filter(milestone::Column::AssignmentId.is_in(chunk.iter().copied()))
            .order_by_asc(milestone::Column::Position)
            .order_by_asc(milestone::Column::Id)
            .all(conn)
            .await?
        {
            milestones.entry(m.assignment_id).or_default().push(m);
        }
    }
    let mut recurrences: HashMap<i64, Vec<recurrence::Model>> = HashMap::new();
    for chunk in tasks.chunks(CHUNK) {
        for r in recurrence::Entity::find()
            .filter(recurrence::Column::TaskId.is_in(chunk.iter().copied()))
            .order_by_asc(recurrence::Column::Position)
            .order_by_asc(recurrence::Column::Id)
            .all(conn)
            .await?
        {
            recurrences.entry(r.task_id).or_default().push(r);
        }
    }
    let recurring: Vec<i64> = subjects
        .iter()
        .filter(|s| recurrences.contains_key(&s.task_id))
        .map(|s| s.id)
        .collect();
    let mut occurrences: HashMap<i64, Vec<report::Model>> = HashMap::new();
    let mut pauses: HashMap<i64, Vec<suspension::Model>> = HashMap::new();
    for chunk in recurring.chunks(CHUNK) {
        for r in report::Entity::find()
            .filter(report::Column::AssignmentId.is_in(chunk.iter().copied()))
            .filter(report::Column::Kind.eq(ReportKind::Occurrence))
            .all(conn)
            .await?
        {
            occurrences.entry(r.assignment_id).or_default().push(r);
        }
        for s in suspension::Entity::find()
            .filter(suspension::Column::AssignmentId.is_in(chunk.iter().copied()))
            .all(conn)
            .await?
        {
            pauses.entry(s.assignment_id).or_default().push(s);
        }
    }
    let mut out = HashMap::with_capacity(subjects.len());
    for s in subjects {
        let today = local_date(now, s.tz);
        let from = s.issued_at.map_or(today, |t| local_date(t, s.tz));
        let reports = occurrences.get(&s.id).map_or(&[][..], Vec::as_slice);
        let paused = pauses.get(&s.id).map_or(&[][..], Vec::as_slice);
        let recurrences = recurrences
            .get(&s.task_id)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|r| {
                let first = recurrences
                    .get(&s.task_id)
                    .and_then(|v| v.first())
                    .map(|f| f.id);
                let list = periods::periods(r.per, from, s.due_on, cal);
                let mut done = vec![0i32; list.len()];
                for rep in reports {
                    // An occurrence names its duty; without one it counts for the first.
                    if rep.recurrence_id.or(first) != Some(r.id) {
                        continue;
                    }
                    if let Some(i) = periods::holding(&list, local_date(rep.created_at, s.tz))
                        && let Some(n) = done.get_mut(i)
                    {
                        *n += 1;
                    }
                }
                RecurrenceStanding {
                    periods: list
                        .iter()
                        .zip(done)
                        .map(|(p, n)| PeriodStanding {
                            period: *p,
                            required: r.times,
                            done: n,
                            status: periods::status(p, r.times, n, today, |d| {
                                paused_on(paused, s.tz, d)
                            }),
                        })
                        .collect(),
                    recurrence: r.clone(),
                }
            })
            .collect();
        out.insert(
            s.id,
            Standing {
                milestones: milestones.remove(&s.id).unwrap_or_default(),
                recurrences,
            },
        );
    }
    Ok(out)
}
