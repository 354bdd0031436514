//! Where an item stands against its deadline, as every list row and item page
//! shows it: the status light and the working days left or overdue.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::listing::AssignmentRow;
use crate::calendar::WorkingCalendar;
use crate::supervision::{self, Light};
use crate::time::{local_date, zone_of};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Standing {
    pub light: Light,
    pub overdue: bool,
    /// Calendar and working days past the due date (0 when not overdue).
    pub days_overdue: i64,
    pub working_days_overdue: i64,
    /// Open and not overdue: working days after today up to the due date
    /// (0 on the due date itself); None otherwise.
    pub working_days_left: Option<i64>,
    /// Open and not overdue: calendar days left (0 on the due date).
    pub days_left: Option<i64>,
}

pub fn standing(row: &AssignmentRow, now: DateTime<Utc>, cal: &WorkingCalendar) -> Standing {
    let derived = row.derived(now);
    let open = row.status.is_open();
    let today = local_date(now, zone_of(&row.plan_timezone));
    let left = (open && !derived.overdue).then(|| {
        (
            cal.working_days_between(today, row.due_on),
            (row.due_on - today).num_days().max(0),
        )
    });
    Standing {
        light: supervision::light(row, now, cal),
        overdue: derived.overdue,
        days_overdue: derived.days_overdue,
        working_days_overdue: supervision::working_days_overdue(row, now, cal),
        working_days_left: left.map(|l| l.0),
        days_left: left.map(|l| l.1),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Status;
    use super::*;
    use chrono::NaiveDate;

    fn row(status: &str, due_on: &str) -> AssignmentRow {
        let status = Status::parse(status).unwrap();
        let due_on: NaiveDate = due_on.parse().unwrap();
        AssignmentRow {
            id: 1,
            task_id: 1,
            plan_id: 1,
            unit_id: 1,
            role: crate::entities::assignment::AssignmentRole::Lead,
            status,
            due_on,
            due_at: crate::time::end_of_day(due_on, chrono_tz::Asia::Shanghai),
            issued_at: None,
            acknowledged_at: None,
            completed_at: None,
            last_report_at: None,
            percent: None,
            escalation_level: 0,
            parent_id: None,
            parent_unit_id: None,
            suspended_at: None,
            version: 1,
            updated_at: Utc::now(),
            task_number: String::new(),
            task_title: String::new(),
            plan_doc_no: String::new(),
            plan_timezone: "Asia/Shanghai".into(),
            unit_name: String::new(),
        }
    }

    // Monday 2026-03-02, 09:00 in Beijing.
    fn now() -> DateTime<Utc> {
        "2026-03-02T01:00:00Z".parse().unwrap()
    }

    #[test]
    fn working_days_left_skip_the_weekend() {
        let cal = WorkingCalendar::default();
        let s = standing(&row("acknowledged", "2026-03-09"), now(), &cal);
        assert_eq!((s.working_days_left, s.days_left), (Some(5), Some(7)));
        assert_eq!(s.light, Light::Green);
        let s = standing(&row("issued", "2026-03-02"), now(), &cal);
        assert_eq!((s.working_days_left, s.days_left), (Some(0), Some(0)));
        assert_eq!(s.light, Light::Yellow);
    }

    #[test]
    fn overdue_items_count_days_late_and_none_left() {
        let cal = WorkingCalendar::default();
        let s = standing(&row("in_progress", "2026-02-23"), now(), &cal);
        assert!(s.overdue);
        assert_eq!((s.days_overdue, s.working_days_overdue), (7, 5));
        assert_eq!(s.working_days_left, None);
        assert_eq!(s.light, Light::Red);
    }

    #[test]
    fn finished_items_have_no_clock() {
        let cal = WorkingCalendar::default();
        let s = standing(&row("completed", "2026-02-23"), now(), &cal);
        assert!(!s.overdue && s.working_days_left.is_none());
        assert_eq!(
            standing(&row("cancelled", "2026-04-01"), now(), &cal).light,
            Light::Grey
        );
    }

    #[test]
    fn a_suspended_item_is_grey_and_not_overdue() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-03-10T09:00:00+08:00")
            .unwrap()
            .with_timezone(&Utc);
        let mut r = row("in_progress", "2026-03-02");
        assert!(r.derived(now).overdue);
        r.suspended_at = Some(now);
        let cal = crate::calendar::WorkingCalendar::default();
        let s = standing(&r, now, &cal);
        assert!(!s.overdue);
        assert_eq!(s.light, Light::Grey);
        assert_eq!(s.working_days_overdue, 0);
    }
}
