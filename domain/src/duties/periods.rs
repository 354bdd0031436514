//! A recurring duty's periods, as pure date arithmetic: the span of an
//! assignment cut into calendar weeks, months, quarters, half-years or
//! years; each period due on its last working day; its standing from the
//! occurrences counted in it.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use crate::calendar::WorkingCalendar;
use crate::entities::recurrence::Per;

/// More periods than this in one span is a mistake (weekly over twenty years).
pub const MAX_PERIODS: usize = 1000;

/// One period of a recurring duty, clipped to the assignment's span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The last working day of the period (its end when it has none).
    pub due_on: NaiveDate,
}

/// Where a period stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PeriodStatus {
    /// Not begun yet.
    Upcoming,
    /// Today falls in it and it is not done yet.
    Open,
    /// The required count was reached.
    Done,
    /// Its due date passed short of the count.
    Missed,
    /// Its due date fell while the clock was paused: not counted against the unit.
    Suspended,
}

impl PeriodStatus {
    pub fn label(self) -> &'static str {
        match self {
            PeriodStatus::Upcoming => "未开始",
            PeriodStatus::Open => "进行中",
            PeriodStatus::Done => "已完成",
            PeriodStatus::Missed => "未完成",
            PeriodStatus::Suspended => "已挂起",
        }
    }
}

/// The first day of the calendar period `d` falls in.
fn period_start(per: Per, d: NaiveDate) -> NaiveDate {
    let first_month = |m: u32| NaiveDate::from_ymd_opt(d.year(), m, 1).unwrap_or(d);
    match per {
        Per::Week => d - Duration::days(i64::from(d.weekday().num_days_from_monday())),
        Per::Month => first_month(d.month()),
        Per::Quarter => first_month((d.month() - 1) / 3 * 3 + 1),
        Per::HalfYear => first_month(if d.month() <= 6 { 1 } else { 7 }),
        Per::Year => first_month(1),
    }
}

/// The first day of the calendar period after the one starting on `start`.
fn next_start(per: Per, start: NaiveDate) -> Option<NaiveDate> {
    let months = match per {
        Per::Week => return start.checked_add_signed(Duration::days(7)),
        Per::Month => 1,
        Per::Quarter => 3,
        Per::HalfYear => 6,
        Per::Year => 12,
    };
    start.checked_add_months(chrono::Months::new(months))
}

/// The periods of a duty recurring `per` over `[from, to]` (both included).
/// The first and last are clipped to the span; each is due on its last
/// working day by `cal`. Empty when `to < from`.
pub fn periods(per: Per, from: NaiveDate, to: NaiveDate, cal: &WorkingCalendar) -> Vec<Period> {
    let mut out = Vec::new();
    if to < from {
        return out;
    }
    let mut start = period_start(per, from);
    while start <= to && out.len() < MAX_PERIODS {
        let Some(next) = next_start(per, start) else {
            break;
        };
        let (s, e) = (start.max(from), (next - Duration::days(1)).min(to));
        let mut due = e;
        while due > s && !cal.is_working_day(due) {
            due -= Duration::days(1);
        }
        if !cal.is_working_day(due) {
            due = e;
        }
        out.push(Period {
            start: s,
            end: e,
            due_on: due,
        });
        start = next;
    }
    out
}

/// How a period stands on `today` with `done` of `required` occurrences;
/// `paused(d)` says whether the clock stood still on day `d`.
pub fn status(
    p: &Period,
    required: i32,
    done: i32,
    today: NaiveDate,
    paused: impl Fn(NaiveDate) -> bool,
) -> PeriodStatus {
    if done >= required {
        PeriodStatus::Done
    } else if today > p.due_on {
        if paused(p.due_on) {
            PeriodStatus::Suspended
        } else {
            PeriodStatus::Missed
        }
    } else if today >= p.start {
        PeriodStatus::Open
    } else {
        PeriodStatus::Upcoming
    }
}

/// Since when the unit is behind on the duty: the due date of the earliest
/// missed period after the last one done, or None. A full period after a
/// miss puts the unit back on track (the miss stays on record).
pub fn behind_since(statuses: &[(Period, PeriodStatus)]) -> Option<NaiveDate> {
    let after_done = statuses
        .iter()
        .rposition(|(_, s)| *s == PeriodStatus::Done)
        .map_or(0, |i| i + 1);
    statuses
        .get(after_done..)?
        .iter()
        .find(|(_, s)| *s == PeriodStatus::Missed)
        .map(|(p, _)| p.due_on)
}

/// The period holding day `d`, if any.
pub fn holding(periods: &[Period], d: NaiveDate) -> Option<usize> {
    periods.iter().position(|p| p.start <= d && d <= p.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn cal() -> WorkingCalendar {
        WorkingCalendar::load_dir(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../config/calendar"
        )))
        .unwrap()
    }

    #[test]
    fn months_are_clipped_to_the_span_and_due_on_their_last_working_day() {
        let p = periods(Per::Month, d("2025-09-10"), d("2025-12-15"), &cal());
        assert_eq!(p.len(), 4);
        assert_eq!(p[0].start, d("2025-09-10"));
        assert_eq!(p[0].end, d("2025-09-30"));
        assert_eq!(p[0].due_on, d("2025-09-30"), "a Tuesday");
        // 31 October 2025 is a Friday; 30 November a Sunday -> Friday 28th.
        assert_eq!(p[1].due_on, d("2025-10-31"));
        assert_eq!(p[2].due_on, d("2025-11-28"));
        assert_eq!(p[3].start, d("2025-12-01"));
        assert_eq!(p[3].end, d("2025-12-15"));
    }

    #[test]
    fn weeks_start_on_monday_and_holidays_move_the_due_date() {
        // National Day 2025: 1–8 October off, Sunday 28 September and
        // Saturday 11 October are make-up working days.
        let p = periods(Per::Week, d("2025-09-29"), d("2025-10-12"), &cal());
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].start, d("2025-09-29"));
        assert_eq!(p[0].due_on, d("2025-09-30"), "the rest of the week is off");
        assert_eq!(p[1].start, d("2025-10-06"));
        assert_eq!(p[1].due_on, d("2025-10-11"), "the make-up Saturday");
    }

    #[test]
    fn quarters_half_years_and_years() {
        let c = cal();
        let q = periods(Per::Quarter, d("2025-02-01"), d("2025-12-31"), &c);
        assert_eq!(
            q.iter().map(|p| p.start).collect::<Vec<_>>(),
            [
                d("2025-02-01"),
                d("2025-04-01"),
                d("2025-07-01"),
                d("2025-10-01")
            ]
        );
        let h = periods(Per::HalfYear, d("2025-07-01"), d("2026-12-31"), &c);
        assert_eq!(h.len(), 3);
        let y = periods(Per::Year, d("2015-07-01"), d("2018-06-30"), &c);
        assert_eq!(y.len(), 4);
        assert_eq!(y[3].end, d("2018-06-30"));
        assert!(periods(Per::Year, d("2026-01-02"), d("2026-01-01"), &c).is_empty());
    }

    #[test]
    fn a_period_stands_by_its_count_and_its_due_date() {
        let p = Period {
            start: d("2026-03-01"),
            end: d("2026-03-31"),
            due_on: d("2026-03-31"),
        };
        let never = |_| false;
        assert_eq!(
            status(&p, 2, 0, d("2026-02-20"), never),
            PeriodStatus::Upcoming
        );
        assert_eq!(status(&p, 2, 1, d("2026-03-20"), never), PeriodStatus::Open);
        assert_eq!(status(&p, 2, 2, d("2026-03-20"), never), PeriodStatus::Done);
        assert_eq!(
            status(&p, 2, 1, d("2026-04-01"), never),
            PeriodStatus::Missed
        );
        assert_eq!(
            status(&p, 2, 1, d("2026-04-01"), |x| x == d("2026-03-31")),
            PeriodStatus::Suspended
        );
    }

    #[test]
    fn behind_since_the_first_miss_after_the_last_full_period() {
        let p = |m: u32| Period {
            start: NaiveDate::from_ymd_opt(2026, m, 1).unwrap(),
            end: NaiveDate::from_ymd_opt(2026, m, 28).unwrap(),
            due_on: NaiveDate::from_ymd_opt(2026, m, 28).unwrap(),
        };
        use PeriodStatus::*;
        assert_eq!(behind_since(&[(p(1), Done), (p(2), Open)]), None);
        assert_eq!(
            behind_since(&[(p(1), Missed), (p(2), Missed), (p(3), Open)]),
            Some(d("2026-01-28"))
        );
        assert_eq!(
            behind_since(&[(p(1), Missed), (p(2), Done), (p(3), Missed)]),
            Some(d("2026-03-28"))
        );
        assert_eq!(behind_since(&[(p(1), Missed), (p(2), Done)]), None);
        assert_eq!(behind_since(&[(p(1), Suspended), (p(2), Open)]), None);
        assert_eq!(holding(&[p(1), p(2)], d("2026-02-03")), Some(1));
    }
}
