//! 催办: when an open assignment is reminded. Pure rules over dates; the
//! jobs scan the store and write the notices.
//!
//! - Before the due date, at offsets in days (default 7, 3, 1). A run
//!   reminds at the nearest offset not yet passed, so a missed run catches up
//!   with one reminder, not a burst of stale ones; each (assignment, due
//!   date, offset) is reminded once, and a new due date (an approved
//!   extension) starts afresh.
//! - Issued but not acknowledged after some working days (default 2).
//! - A reporting schedule (cron, e.g. monthly on the 25th): units that have
//!   not reported since the last deadline, in the days before the next.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::calendar::WorkingCalendar;
use crate::cron::CronSchedule;

/// `[jobs.reminders]` in the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReminderSettings {
    /// Days before the due date to remind at.
    pub offsets_days: Vec<u32>,
    /// Remind an issued item not acknowledged after this many working days.
    pub ack_after_working_days: u32,
    /// Remind a missing periodic report this many days before its deadline.
    pub report_lead_days: u32,
}

impl Default for ReminderSettings {
    fn default() -> Self {
        Self {
            offsets_days: vec![7, 3, 1],
            ack_after_working_days: 2,
            report_lead_days: 3,
        }
    }
}

/// The longest offset accepted, in days.
pub const MAX_OFFSET_DAYS: u32 = 366;

/// Checks a list of offsets (config or a plan's override).
pub fn check_offsets(offsets: &[u32], key: &str) -> Result<(), String> {
    if offsets.len() > 10 {
        return Err(format!("{key} may list at most 10 offsets"));
    }
    if let Some(bad) = offsets.iter().find(|o| **o > MAX_OFFSET_DAYS) {
        return Err(format!(
            "{key}: {bad} is more than {MAX_OFFSET_DAYS} days before the due date"
        ));
    }
    Ok(())
}

impl ReminderSettings {
    /// Every problem, each naming its key under `prefix`.
    pub fn problems(&self, prefix: &str) -> Vec<String> {
        let mut p = Vec::new();
        if let Err(e) = check_offsets(&self.offsets_days, &format!("{prefix}.offsets_days")) {
            p.push(e);
        }
        if !(1..=60).contains(&self.ack_after_working_days) {
            p.push(format!(
                "{prefix}.ack_after_working_days must be between 1 and 60"
            ));
        }
        if self.report_lead_days > 31 {
            p.push(format!("{prefix}.report_lead_days must be at most 31"));
        }
        p
    }
}

/// The offset to remind at when `days_left` days remain (0 on the due date):
/// the smallest offset not below `days_left`. None when no reminder is due
/// yet, or the item is overdue (escalation takes over).
pub fn offset_due(offsets: &[u32], days_left: i64) -> Option<u32> {
    if days_left < 0 {
        return None;
    }
    offsets
        .iter()
        .copied()
        .filter(|o| i64::from(*o) >= days_left)
        .min()
}

/// Whether an item issued on `issued_on` and still not acknowledged is due
/// an acknowledgement reminder on `today`.
pub fn ack_overdue(
    cal: &WorkingCalendar,
    issued_on: NaiveDate,
    today: NaiveDate,
    after_working_days: u32,
) -> bool {
    cal.working_days_between(issued_on, today) >= i64::from(after_working_days)
}

/// Parses a schedule: standard five-field cron (see [`crate::cron`]) or the
/// `cron` crate's seconds-first form.
pub fn parse_cron(expr: &str) -> Result<CronSchedule, String> {
    CronSchedule::parse(expr)
}

/// The reporting period `now` falls in: (the last deadline, the next one),
/// both from `schedule` read in `tz`. None if the schedule never fires.
pub fn report_period(
    schedule: &CronSchedule,
    tz: Tz,
    now: DateTime<Utc>,
) -> Option<(Option<DateTime<Utc>>, DateTime<Utc>)> {
    let local = now.with_timezone(&tz);
    let next = schedule.next_after(&local)?;
    let previous = schedule.previous_before(&local);
    Some((
        previous.map(|p| p.with_timezone(&Utc)),
        next.with_timezone(&Utc),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_nearest_offset_not_yet_passed() {
        let o = [7, 3, 1];
        assert_eq!(offset_due(&o, 10), None);
        assert_eq!(offset_due(&o, 7), Some(7));
        assert_eq!(offset_due(&o, 5), Some(7), "a missed run catches up once");
        assert_eq!(offset_due(&o, 3), Some(3));
        assert_eq!(offset_due(&o, 2), Some(3));
        assert_eq!(offset_due(&o, 1), Some(1));
        assert_eq!(offset_due(&o, 0), Some(1), "the due date itself");
        assert_eq!(offset_due(&o, -1), None, "overdue: escalation's turn");
        assert_eq!(offset_due(&[], 1), None);
    }

    #[test]
    fn acknowledgement_counts_working_days_over_national_day() {
        let cal = WorkingCalendar::load_dir(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../config/calendar"
        )))
        .unwrap();
        // Issued Tuesday 30 September 2025; 1–8 October are off.
        let issued = d("2025-09-30");
        assert!(!ack_overdue(&cal, issued, d("2025-10-08"), 2));
        assert!(!ack_overdue(&cal, issued, d("2025-10-09"), 2));
        assert!(ack_overdue(&cal, issued, d("2025-10-10"), 2));
    }

    #[test]
    fn cron_accepts_five_and_six_fields() {
        assert!(parse_cron("0 9 25 * *").is_ok());
        assert!(parse_cron("0 0 9 25 * *").is_ok());
        let err = parse_cron("9 25 *").unwrap_err();
        assert!(err.contains("3 段") && err.contains("3 fields"), "{err}");
        assert!(parse_cron("0 99 * * *").is_err());
    }

    #[test]
    fn the_reporting_period_runs_between_deadlines_in_the_plan_zone() {
        let s = parse_cron("0 9 25 * *").unwrap();
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        let (prev, next) = report_period(&s, tz, at("2026-03-20T10:00:00+08:00")).unwrap();
        assert_eq!(prev, Some(at("2026-02-25T09:00:00+08:00")));
        assert_eq!(next, at("2026-03-25T09:00:00+08:00"));
    }

    #[test]
    fn settings_problems_name_their_keys() {
        let s = ReminderSettings {
            offsets_days: vec![400],
            ack_after_working_days: 0,
            report_lead_days: 3,
        };
        let p = s.problems("jobs.reminders");
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].starts_with("jobs.reminders.offsets_days"));
        assert!(p[1].starts_with("jobs.reminders.ack_after_working_days"));
    }
}
