//! Dates in a plan's time zone. Due dates are local dates that end at 24:00
//! local; timestamps are stored in UTC.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

pub const DEFAULT_TIMEZONE: &str = "Asia/Shanghai";

/// The dates Duban takes from anyone, whatever the field: 1900-01-01 to
/// 2199-12-31. Wider than any plan and any old paper record, narrow enough
/// that no date arithmetic or database sort overflows.
pub const FIRST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
pub const LAST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2199, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// A date a client sent, if it lies in [`FIRST_DAY`]..=[`LAST_DAY`].
pub fn check_day(field: &str, day: NaiveDate) -> Result<NaiveDate, crate::FieldError> {
    if (FIRST_DAY..=LAST_DAY).contains(&day) {
        Ok(day)
    } else {
        Err(crate::FieldError::new(field, day_range_message()))
    }
}

pub fn day_range_message() -> String {
    format!("日期须在 {FIRST_DAY} 到 {LAST_DAY} 之间 (a date from {FIRST_DAY} to {LAST_DAY})")
}

pub fn parse_timezone(name: &str) -> Result<Tz, crate::FieldError> {
    name.parse::<Tz>().map_err(|_| {
        crate::FieldError::new(
            "timezone",
            format!("未知时区“{name}” (unknown IANA time zone, e.g. Asia/Shanghai)"),
        )
    })
}

/// The zone of a stored plan; a name that no longer parses falls back to
/// the default rather than failing every read.
pub fn zone_of(name: &str) -> Tz {
    name.parse::<Tz>().unwrap_or(chrono_tz::Asia::Shanghai)
}

/// The instant a due date ends: the start of the next local day.
pub fn end_of_day(due_on: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let next = due_on.checked_add_days(Days::new(1)).unwrap_or(due_on);
    let midnight = next.and_hms_opt(0, 0, 0).unwrap_or_default();
    // Midnight may not exist (DST gap) or be ambiguous: take the earliest
    // instant at or after it.
    match tz.from_local_datetime(&midnight) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.with_timezone(&Utc)
        }
        chrono::LocalResult::None => tz
            .from_local_datetime(&(midnight + chrono::Duration::hours(1)))
            .earliest()
            .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc)),
    }
}

/// Today's date where the plan is.
pub fn local_date(now: DateTime<Utc>, tz: Tz) -> NaiveDate {
    now.with_timezone(&tz).date_naive()
}

/// Whole calendar days past the due date (0 on the due date itself or before).
pub fn days_overdue(due_on: NaiveDate, today: NaiveDate) -> i64 {
    (today - due_on).num_days().max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_due_date_ends_at_local_midnight() {
        let tz = zone_of("Asia/Shanghai");
        let end = end_of_day(d("2026-03-31"), tz);
        assert_eq!(end.to_rfc3339(), "2026-03-31T16:00:00+00:00");
    }

    #[test]
    fn late_evening_in_beijing_is_still_the_due_date() {
        let tz = zone_of("Asia/Shanghai");
        let evening = DateTime::parse_from_rfc3339("2026-03-31T23:59:00+08:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(local_date(evening, tz), d("2026-03-31"));
        assert!(evening < end_of_day(d("2026-03-31"), tz));
        // The same instant is already 1 April... nowhere it matters, but UTC says 31 March 15:59.
        assert_eq!(evening.date_naive(), d("2026-03-31"));
    }

    #[test]
    fn days_overdue_counts_calendar_days() {
        assert_eq!(days_overdue(d("2026-03-01"), d("2026-03-01")), 0);
        assert_eq!(days_overdue(d("2026-03-01"), d("2026-03-04")), 3);
        assert_eq!(days_overdue(d("2026-03-05"), d("2026-03-01")), 0);
    }

    #[test]
    fn zones_are_checked() {
        assert!(parse_timezone("Asia/Urumqi").is_ok());
        assert!(parse_timezone("Mars/Olympus").is_err());
        assert_eq!(zone_of("garbage"), chrono_tz::Asia::Shanghai);
    }
}
