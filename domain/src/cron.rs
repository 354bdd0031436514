//! Cron schedules as people write them: the standard five fields (minute,
//! hour, day of month, month, day of week), with day of week 0 or 7 for
//! Sunday, 1 for Monday, names SUN–SAT, ranges, lists and steps, and the
//! standard rule that when both day of month and day of week are
//! restricted, a day matching either fires.
//!
//! The `cron` crate reads seconds-first expressions and counts day of week
//! from 1 = Sunday, so a standard expression is translated, never passed
//! through: `0 9 * * 5` is Fridays at 09:00, not Thursdays. A six- or
//! seven-field expression is the crate's own form and is taken as written.

use std::str::FromStr;

use chrono::{DateTime, TimeZone};

const NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// A parsed schedule: one cron schedule, or two whose union is meant.
#[derive(Debug, Clone)]
pub struct CronSchedule {
    schedules: Vec<cron::Schedule>,
}

fn weekday(token: &str) -> Result<u32, String> {
    let t = token.trim();
    if let Some(i) = NAMES.iter().position(|n| n.eq_ignore_ascii_case(t)) {
        return Ok(i as u32);
    }
    match t.parse::<u32>() {
        Ok(n @ 0..=6) => Ok(n),
        Ok(7) => Ok(0),
        _ => Err(format!(
            "星期“{t}”无效：须为 0–7（0 和 7 为星期日）或 SUN–SAT (day of week must be 0–7 or SUN–SAT)"
        )),
    }
}

/// The days a standard day-of-week field names (0 = Sunday), or None for
/// every day (`*` or `?`).
fn weekdays(field: &str) -> Result<Option<[bool; 7]>, String> {
    if field == "*" || field == "?" {
        return Ok(None);
    }
    let mut days = [false; 7];
    for item in field.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => {
                let step = s
                    .parse::<u32>()
                    .ok()
                    .filter(|s| (1..=7).contains(s))
                    .ok_or_else(|| format!("步长“{s}”无效 (invalid step)"))?;
                (r, step)
            }
            None => (item, 1),
        };
        let (from, to) = match range {
            "*" => (0, 6),
            r => match r.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (weekday(a)?, b.trim());
                    // 1-7 is Monday to Sunday: 7 closes a range as Sunday.
                    let b = if b == "7" { 7 } else { weekday(b)? };
                    if b < a {
                        return Err(format!("星期范围“{r}”无效 (invalid range)"));
                    }
                    (a, b)
                }
                None if step > 1 => (weekday(r)?, 6),
                None => {
                    let d = weekday(r)?;
                    (d, d)
                }
            },
        };
        let mut d = from;
        while d <= to {
            days[(d % 7) as usize] = true;
            d += step;
        }
    }
    Ok(Some(days))
}

fn names(days: &[bool; 7]) -> String {
    NAMES
        .iter()
        .zip(days)
        .filter(|(_, on)| **on)
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(",")
}

fn crate_schedule(expr: &str, original: &str) -> Result<cron::Schedule, String> {
    cron::Schedule::from_str(expr).map_err(|e| {
        format!("“{original}”不是有效的 cron 表达式 (not a valid cron expression: {e})")
    })
}

impl CronSchedule {
    pub fn parse(expr: &str) -> Result<Self, String> {
        let fields: Vec<&str> = expr.split_whitespace().collect();
        match fields.len() {
            5 => {}
            6 | 7 => {
                return Ok(Self {
                    schedules: vec![crate_schedule(&fields.join(" "), expr)?],
                });
            }
            n => {
                return Err(format!(
                    "“{expr}”有 {n} 段：须为 5 段（分 时 日 月 星期），如“0 9 25 * *”为每月25日9时 ('{expr}' has {n} fields; write 5: minute hour day month weekday)"
                ));
            }
        }
        let (minute, hour, dom, month, dow) =
            (fields[0], fields[1], fields[2], fields[3], fields[4]);
        let days = weekdays(dow)?;
        let all_days = days.is_some_and(|d| d.iter().all(|x| *x));
        let dow = match days {
            Some(d) if !all_days => names(&d),
            _ => "*".to_owned(),
        };
        let dom_restricted = dom != "*" && dom != "?";
        let one = |dom: &str, dow: &str| {
            crate_schedule(&format!("0 {minute} {hour} {dom} {month} {dow}"), expr)
        };
        let schedules = if dom_restricted && dow != "*" {
            // Standard cron: either the day of month or the weekday.
            vec![one(dom, "*")?, one("*", &dow)?]
        } else {
            vec![one(dom, &dow)?]
        };
        Ok(Self { schedules })
    }

    /// The first time after `t`.
    pub fn next_after<Z: TimeZone>(&self, t: &DateTime<Z>) -> Option<DateTime<Z>> {
        self.schedules
            .iter()
            .filter_map(|s| s.after(t).next())
            .min()
    }

    /// The last time before `t`.
    pub fn previous_before<Z: TimeZone>(&self, t: &DateTime<Z>) -> Option<DateTime<Z>> {
        self.schedules
            .iter()
            .filter_map(|s| s.after(t).next_back())
            .max()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, NaiveDate, Weekday};
    use chrono_tz::Asia::Shanghai;

    use super::*;

    /// Every date a schedule fires on from 2026-03-01 (a Sunday) for two weeks.
    fn fires(expr: &str) -> Vec<(NaiveDate, Weekday)> {
        let s = CronSchedule::parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
        let mut t = Shanghai.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        let end = Shanghai.with_ymd_and_hms(2026, 3, 15, 0, 0, 0).unwrap();
        let mut out = Vec::new();
        while let Some(n) = s.next_after(&t) {
            if n >= end {
                break;
            }
            out.push((n.date_naive(), n.weekday()));
            t = n;
        }
        out
    }

    fn weekdays_of(expr: &str) -> Vec<Weekday> {
        let mut w: Vec<Weekday> = fires(expr).into_iter().map(|(_, w)| w).collect();
        w.dedup();
        w.sort_by_key(|d| d.num_days_from_sunday());
        w.dedup();
        w
    }

    #[test]
    fn every_weekday_number_means_what_standard_cron_means() {
        use Weekday::*;
        for (n, day) in [
            (0, Sun),
            (1, Mon),
            (2, Tue),
            (3, Wed),
            (4, Thu),
            (5, Fri),
            (6, Sat),
            (7, Sun),
        ] {
            assert_eq!(weekdays_of(&format!("0 9 * * {n}")), vec![day], "day {n}");
        }
        for (name, day) in [
            ("SUN", Sun),
            ("mon", Mon),
            ("Tue", Tue),
            ("WED", Wed),
            ("THU", Thu),
            ("FRI", Fri),
            ("SAT", Sat),
        ] {
            assert_eq!(weekdays_of(&format!("0 9 * * {name}")), vec![day], "{name}");
        }
    }

    #[test]
    fn ranges_lists_and_steps() {
        use Weekday::*;
        assert_eq!(weekdays_of("0 9 * * 1-5"), vec![Mon, Tue, Wed, Thu, Fri]);
        assert_eq!(
            weekdays_of("0 9 * * MON-FRI"),
            vec![Mon, Tue, Wed, Thu, Fri]
        );
        assert_eq!(
            weekdays_of("0 9 * * 5-7"),
            vec![Sun, Fri, Sat],
            "Friday to Sunday"
        );
        assert_eq!(weekdays_of("0 9 * * 0,6"), vec![Sun, Sat]);
        assert_eq!(weekdays_of("0 9 * * */2"), vec![Sun, Tue, Thu, Sat]);
        assert_eq!(weekdays_of("0 9 * * 1-5/2"), vec![Mon, Wed, Fri]);
        assert_eq!(fires("0 9 * * *").len(), 14, "every day");
    }

    #[test]
    fn friday_at_nine_beijing_time() {
        let s = CronSchedule::parse("0 9 * * 5").unwrap();
        // Monday 2026-03-02 10:00 -> Friday 2026-03-06 09:00.
        let from = Shanghai.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
        assert_eq!(
            s.next_after(&from),
            Some(Shanghai.with_ymd_and_hms(2026, 3, 6, 9, 0, 0).unwrap())
        );
        assert_eq!(
            s.previous_before(&from),
            Some(Shanghai.with_ymd_and_hms(2026, 2, 27, 9, 0, 0).unwrap())
        );
    }

    #[test]
    fn a_day_of_month_and_a_weekday_fire_on_either() {
        // The 10th (a Tuesday) and every Thursday.
        let days: Vec<u32> = fires("0 9 10 * 4")
            .into_iter()
            .map(|(d, _)| d.day())
            .collect();
        assert_eq!(days, vec![5, 10, 12]);
    }

    #[test]
    fn monthly_by_the_25th() {
        let s = CronSchedule::parse("0 9 25 * *").unwrap();
        let from = Shanghai.with_ymd_and_hms(2026, 3, 20, 10, 0, 0).unwrap();
        assert_eq!(
            s.next_after(&from),
            Some(Shanghai.with_ymd_and_hms(2026, 3, 25, 9, 0, 0).unwrap())
        );
    }

    #[test]
    fn bad_expressions_are_explained_in_chinese() {
        for bad in [
            "0 9 * * 8",
            "0 9 * * FUN",
            "9 25 *",
            "0 9 32 * *",
            "0 9 * * 5-2",
        ] {
            let e = CronSchedule::parse(bad).unwrap_err();
            assert!(
                e.chars().next().is_some_and(|c| !c.is_ascii()),
                "{bad}: {e}"
            );
        }
        assert!(
            CronSchedule::parse("0 0 9 * * Fri").is_ok(),
            "the crate's own form"
        );
    }
}
