//! Working-day calendar: China's statutory holidays and make-up workdays.
//!
//! Every year the State Council publishes a notice (国务院办公厅关于XXXX年部分节假日安排的通知)
//! that lists the year's holiday breaks (放假) and the weekend days that become
//! working days (调休上班). Duban keeps one TOML file per year in
//! `config/calendar/` (see the README there) and reads it into a
//! [`WorkingCalendar`].
//!
//! Rules:
//! - A day inside a holiday range is not a working day.
//! - A listed make-up workday (always a Saturday or Sunday) is a working day.
//! - Any other day is a working day when it is Monday to Friday. Years without
//!   a file fall back to this rule alone; [`WorkingCalendar::missing_years`]
//!   makes such a gap visible so it is never silently wrong.
//!
//! Counting is O(log n) in the number of listed days: weekdays are counted in
//! closed form, and the listed days that change the count (a holiday on a
//! weekday, a make-up workday) are kept in a sorted vector with prefix sums.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Deserializer};
use thiserror::Error;

/// Earliest year a schedule may describe.
pub const MIN_YEAR: i32 = 1900;
/// Latest year a schedule may describe.
pub const MAX_YEAR: i32 = 2999;
/// The longest holiday range accepted; anything longer is taken for a typo.
pub const MAX_BREAK_DAYS: i64 = 31;

/// One named holiday break, both ends included.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    /// Name as in the notice, e.g. `春节` or `国庆节、中秋节`.
    pub name: String,
    /// First day off.
    #[serde(deserialize_with = "de_date")]
    pub from: NaiveDate,
    /// Last day off.
    #[serde(deserialize_with = "de_date")]
    pub to: NaiveDate,
}

/// One year's schedule, as read from `YYYY.toml`.
///
/// Dates may lie in `year` or in December of the year before: a notice can
/// start the New Year break, or put a make-up workday, in late December.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearSchedule {
    /// The year of the notice (and of the file name).
    pub year: i32,
    /// Holiday breaks (放假).
    pub holidays: Vec<Holiday>,
    /// Make-up working days (调休上班); each must be a Saturday or Sunday.
    #[serde(default, deserialize_with = "de_dates")]
    pub workdays: Vec<NaiveDate>,
}

/// What is wrong with a schedule. Shown after the file (or year) it concerns.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum Problem {
    /// `year` is not a plausible year.
    #[error("year = {year} is outside the supported range {MIN_YEAR}..={MAX_YEAR}")]
    YearOutOfRange {
        /// The year given.
        year: i32,
    },
    /// `YYYY.toml` says a different `year`.
    #[error("the file is named {file_year}.toml but says year = {declared}")]
    YearMismatch {
        /// The year in the file name.
        file_year: i32,
        /// The year inside the file.
        declared: i32,
    },
    /// No `[[holidays]]` at all.
    #[error("lists no holidays; add the year's [[holidays]] tables from the State Council notice")]
    NoHolidays,
    /// A holiday whose name is blank.
    #[error("the holiday starting {from} has an empty name")]
    EmptyName {
        /// Its first day.
        from: NaiveDate,
    },
    /// `to` is before `from`.
    #[error("holiday \"{name}\" ends on {to}, before it starts on {from}")]
    ReversedRange {
        /// The holiday.
        name: String,
        /// Its first day as given.
        from: NaiveDate,
        /// Its last day as given.
        to: NaiveDate,
    },
    /// A range longer than [`MAX_BREAK_DAYS`], most likely a typo.
    #[error(
        "holiday \"{name}\" runs {days} days ({from} to {to}); no break is longer than {MAX_BREAK_DAYS} days, check the dates"
    )]
    RangeTooLong {
        /// The holiday.
        name: String,
        /// Its first day.
        from: NaiveDate,
        /// Its last day.
        to: NaiveDate,
        /// Its length in days.
        days: i64,
    },
    /// A date outside the schedule's year and the December before it.
    #[error(
        "{date} ({what}) is outside {year}; a {year} schedule may only list dates in {year} or in December {}",
        .year - 1
    )]
    OutsideYear {
        /// The date.
        date: NaiveDate,
        /// What the date is, e.g. `make-up workday`.
        what: String,
        /// The schedule's year.
        year: i32,
    },
    /// A make-up workday that is not a Saturday or Sunday.
    #[error("{date} is listed as a make-up workday but is a {}", weekday_name(*.weekday))]
    WorkdayNotWeekend {
        /// The date.
        date: NaiveDate,
        /// Its day of the week.
        weekday: Weekday,
    },
    /// A date in two holidays, twice a workday, or both (possibly in two files).
    #[error("{date} is listed twice: as {first} and as {second}")]
    ListedTwice {
        /// The date.
        date: NaiveDate,
        /// The earlier listing.
        first: String,
        /// The later listing.
        second: String,
    },
}

/// Why a calendar could not be loaded or built. Each message names the file
/// (or the year, for [`WorkingCalendar::from_years`]) and what to fix.
#[derive(Debug, Error)]
pub enum CalendarError {
    /// The directory or a file could not be read.
    #[error("{}: cannot read: {source}", .path.display())]
    Io {
        /// What could not be read.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A `*.toml` file not named `YYYY.toml`.
    #[error(
        "{}: calendar files must be named YYYY.toml (for example 2027.toml); rename or remove this file",
        .path.display()
    )]
    FileName {
        /// The file.
        path: PathBuf,
    },
    /// Not TOML, or not in the calendar format (with line and column).
    #[error("{origin}: {message}")]
    Syntax {
        /// The file (or `calendar TOML`).
        origin: String,
        /// The parser's message.
        message: String,
    },
    /// A schedule that fails a check.
    #[error("{origin}: {problem}")]
    Invalid {
        /// The file, or `year YYYY`.
        origin: String,
        /// What is wrong.
        problem: Problem,
    },
    /// Two schedules for one year.
    #[error("year {year} is defined twice: in {first} and in {second}")]
    DuplicateYear {
        /// The year.
        year: i32,
        /// The first schedule's origin.
        first: String,
        /// The second schedule's origin.
        second: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DayKind {
    /// Index into `WorkingCalendar::names`.
    Holiday(usize),
    Workday,
}

/// Which days are working days. Cheap to clone and share; immutable once built.
///
/// `Default` is the empty calendar: Monday to Friday every year.
#[derive(Clone, Debug, Default)]
pub struct WorkingCalendar {
    /// Years with a schedule.
    covered: BTreeSet<i32>,
    /// Every listed day, sorted by date.
    days: Vec<(NaiveDate, DayKind)>,
    /// Holiday names, indexed by `DayKind::Holiday`.
    names: Vec<String>,
    /// Listed days that change the Monday-to-Friday count, as
    /// (day number from CE, cumulative change up to and including that day).
    shifts: Vec<(i64, i64)>,
}

impl WorkingCalendar {
    /// Builds a calendar from schedules, in any order.
    ///
    /// Checks each schedule (dates inside their year or the December before,
    /// `from <= to`, make-up workdays on weekends, ...) and that no date is
    /// listed twice, within or across years, and that no year comes twice.
    ///
    /// # Errors
    ///
    /// [`CalendarError::Invalid`] or [`CalendarError::DuplicateYear`], naming
    /// the schedule as `year YYYY`.
    pub fn from_years(years: Vec<YearSchedule>) -> Result<Self, CalendarError> {
        let entries = years
            .into_iter()
            .map(|s| (format!("year {}", s.year), s))
            .collect::<Vec<_>>();
        Self::build(&entries)
    }

    /// Parses and checks one `YYYY.toml` text on its own (without the file
    /// name, so errors start with `calendar TOML:`).
    ///
    /// # Errors
    ///
    /// [`CalendarError::Syntax`] for TOML that does not fit the format,
    /// [`CalendarError::Invalid`] for a schedule that fails the checks.
    pub fn parse_year_toml(text: &str) -> Result<YearSchedule, CalendarError> {
        let origin = "calendar TOML";
        let schedule = parse_toml(text, origin)?;
        Self::build(&[(origin.to_owned(), schedule.clone())])?;
        Ok(schedule)
    }

    /// Reads every `*.toml` file of `dir` (other files, such as README.md,
    /// and hidden files are ignored). Each must be named `YYYY.toml` and say
    /// `year = YYYY`. Errors name the file, e.g.
    /// `config/calendar/2027.toml: 2027-10-11 is listed as a make-up workday but is a Monday`.
    ///
    /// # Errors
    ///
    /// Any [`CalendarError`]: an unreadable directory or file, a badly named
    /// file, bad TOML, a failed check, or a date listed in two files.
    /// The calendar the service runs on: the files in `dir`; without the
    /// directory every Monday to Friday counts (logged, and shown by the
    /// readiness check), while a broken file is an error naming what to fix.
    pub fn load_configured(dir: &Path) -> Result<Self, CalendarError> {
        match Self::load_dir(dir) {
            Err(CalendarError::Io { path, source }) if path == dir => {
                tracing::warn!(
                    dir = %path.display(), error = %source,
                    "no working-day calendar: counting Monday to Friday only"
                );
                Ok(Self::default())
            }
            other => other,
        }
    }

    pub fn load_dir(dir: &Path) -> Result<Self, CalendarError> {
        let io_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| CalendarError::Io { path, source }
        };
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io_err(dir))? {
            let path = entry.map_err(io_err(dir))?.path();
            let hidden = path
                .file_name()
                .and_then(OsStr::to_str)
                .is_none_or(|name| name.starts_with('.'));
            if !hidden && path.extension() == Some(OsStr::new("toml")) {
                files.push(path);
            }
        }
        files.sort();

        let mut entries = Vec::with_capacity(files.len());
        for path in files {
            let Some(file_year) = year_of_file_name(&path) else {
                return Err(CalendarError::FileName { path });
            };
            let text = std::fs::read_to_string(&path).map_err(io_err(&path))?;
            let origin = path.display().to_string();
            let schedule = parse_toml(&text, &origin)?;
            if schedule.year != file_year {
                return Err(CalendarError::Invalid {
                    origin,
                    problem: Problem::YearMismatch {
                        file_year,
                        declared: schedule.year,
                    },
                });
            }
            entries.push((origin, schedule));
        }
        Self::build(&entries)
    }

    /// Whether `d` is a working day: not in a holiday range, and either a
    /// listed make-up workday or Monday to Friday.
    #[must_use]
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.lookup(d) {
            Some(DayKind::Holiday(_)) => false,
            Some(DayKind::Workday) => true,
            None => is_weekday(d),
        }
    }

    /// The holiday `d` belongs to, if any.
    #[must_use]
    pub fn holiday_name(&self, d: NaiveDate) -> Option<&str> {
        match self.lookup(d) {
            Some(DayKind::Holiday(i)) => self.names.get(i).map(String::as_str),
            _ => None,
        }
    }

    /// Whether a schedule for `year` was loaded.
    #[must_use]
    pub fn covers(&self, year: i32) -> bool {
        self.covered.contains(&year)
    }

    /// Years with a schedule, ascending.
    #[must_use]
    pub fn covered_years(&self) -> Vec<i32> {
        self.covered.iter().copied().collect()
    }

    /// Years in `from..=to` without a schedule (counted Monday to Friday only).
    #[must_use]
    pub fn missing_years(&self, from: i32, to: i32) -> Vec<i32> {
        (from..=to).filter(|y| !self.covers(*y)).collect()
    }

    /// The `n`-th working day strictly after `d` ("n working days after d").
    /// `n == 0` gives `d` itself. Saturates at `NaiveDate::MAX`.
    #[must_use]
    pub fn add_working_days(&self, d: NaiveDate, n: u32) -> NaiveDate {
        if n == 0 {
            return d;
        }
        let n = i64::from(n);
        let max = day_number(NaiveDate::MAX);
        let target = self.count_through(day_number(d)) + n;
        // Invariant: count_through(lo) < target. Grow hi until it reaches target.
        let mut lo = day_number(d);
        let mut step = n * 7 / 5 + 10;
        let mut hi = loop {
            let hi = lo.saturating_add(step).min(max);
            if self.count_through(hi) >= target {
                break hi;
            }
            if hi == max {
                return NaiveDate::MAX;
            }
            lo = hi;
            step = step.saturating_mul(2);
        };
        // The first day whose count reaches target is the answer.
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.count_through(mid) >= target {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        i32::try_from(hi)
            .ok()
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .unwrap_or(NaiveDate::MAX)
    }

    /// Working days in `(from, to]`: `from` excluded, `to` included; 0 when
    /// `to <= from`. `working_days_between(due, today)` is "working days overdue".
    #[must_use]
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to <= from {
            return 0;
        }
        self.count_through(day_number(to)) - self.count_through(day_number(from))
    }

    /// Working days from an arbitrary origin through day number `k`
    /// (only differences are meaningful).
    fn count_through(&self, k: i64) -> i64 {
        let i = self.shifts.partition_point(|(day, _)| *day <= k);
        let shift = match i.checked_sub(1).and_then(|i| self.shifts.get(i)) {
            Some((_, cumulative)) => *cumulative,
            None => 0,
        };
        weekdays_through(k) + shift
    }

    fn lookup(&self, d: NaiveDate) -> Option<DayKind> {
        let i = self.days.binary_search_by_key(&d, |(day, _)| *day).ok()?;
        self.days.get(i).map(|(_, kind)| *kind)
    }

    fn build(entries: &[(String, YearSchedule)]) -> Result<Self, CalendarError> {
        // One schedule per year; process them in year order.
        let mut by_year: BTreeMap<i32, usize> = BTreeMap::new();
        for (i, (origin, schedule)) in entries.iter().enumerate() {
            if let Some(&first) = by_year.get(&schedule.year) {
                return Err(CalendarError::DuplicateYear {
                    year: schedule.year,
                    first: entries.get(first).map(|e| e.0.clone()).unwrap_or_default(),
                    second: origin.clone(),
                });
            }
            check_schedule(schedule).map_err(|problem| CalendarError::Invalid {
                origin: origin.clone(),
                problem,
            })?;
            by_year.insert(schedule.year, i);
        }

        let mut listed: BTreeMap<NaiveDate, (usize, DayKind)> = BTreeMap::new();
        let mut names = Vec::new();
        let describe = |kind: DayKind, names: &[String]| match kind {
            DayKind::Holiday(i) => format!(
                "part of holiday \"{}\"",
                names.get(i).map(String::as_str).unwrap_or_default()
            ),
            DayKind::Workday => "a make-up workday".to_owned(),
        };
        for &entry in by_year.values() {
            let Some((origin, schedule)) = entries.get(entry) else {
                continue;
            };
            let holiday_days = schedule.holidays.iter().flat_map(|h| {
                let index = names.len();
                names.push(h.name.clone());
                h.from
                    .iter_days()
                    .take_while(move |d| *d <= h.to)
                    .map(move |d| (d, DayKind::Holiday(index)))
            });
            // Collect first: the iterator borrows `names` mutably.
            let holiday_days: Vec<_> = holiday_days.collect();
            let workdays = schedule.workdays.iter().map(|d| (*d, DayKind::Workday));
            for (date, kind) in holiday_days.into_iter().chain(workdays) {
                if let Some(&(other, other_kind)) = listed.get(&date) {
                    let mut first = describe(other_kind, &names);
                    if other != entry
                        && let Some((other_origin, _)) = entries.get(other)
                    {
                        first = format!("{first} in {other_origin}");
                    }
                    return Err(CalendarError::Invalid {
                        origin: origin.clone(),
                        problem: Problem::ListedTwice {
                            date,
                            first,
                            second: describe(kind, &names),
                        },
                    });
                }
                listed.insert(date, (entry, kind));
            }
        }

        let days: Vec<(NaiveDate, DayKind)> = listed
            .into_iter()
            .map(|(date, (_, kind))| (date, kind))
            .collect();
        let mut shifts = Vec::new();
        let mut cumulative = 0;
        for &(date, kind) in &days {
            let change = match kind {
                DayKind::Holiday(_) if is_weekday(date) => -1,
                DayKind::Workday if !is_weekday(date) => 1,
                _ => 0,
            };
            if change != 0 {
                cumulative += change;
                shifts.push((day_number(date), cumulative));
            }
        }
        Ok(Self {
            covered: by_year.into_keys().collect(),
            days,
            names,
            shifts,
        })
    }
}

/// Checks one schedule on its own (not whether dates are listed twice).
fn check_schedule(s: &YearSchedule) -> Result<(), Problem> {
    let year = s.year;
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(Problem::YearOutOfRange { year });
    }
    // Both bounds exist for every year in range.
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year - 1, 12, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Err(Problem::YearOutOfRange { year });
    };
    let inside = |date: NaiveDate, what: String| {
        if (first..=last).contains(&date) {
            Ok(())
        } else {
            Err(Problem::OutsideYear { date, what, year })
        }
    };
    if s.holidays.is_empty() {
        return Err(Problem::NoHolidays);
    }
    for h in &s.holidays {
        if h.name.trim().is_empty() {
            return Err(Problem::EmptyName { from: h.from });
        }
        inside(h.from, format!("start of holiday \"{}\"", h.name))?;
        inside(h.to, format!("end of holiday \"{}\"", h.name))?;
        if h.to < h.from {
            return Err(Problem::ReversedRange {
                name: h.name.clone(),
                from: h.from,
                to: h.to,
            });
        }
        let days = (h.to - h.from).num_days() + 1;
        if days > MAX_BREAK_DAYS {
            return Err(Problem::RangeTooLong {
                name: h.name.clone(),
                from: h.from,
                to: h.to,
                days,
            });
        }
    }
    for &date in &s.workdays {
        inside(date, "make-up workday".to_owned())?;
        if is_weekday(date) {
            return Err(Problem::WorkdayNotWeekend {
                date,
                weekday: date.weekday(),
            });
        }
    }
    Ok(())
}

fn parse_toml(text: &str, origin: &str) -> Result<YearSchedule, CalendarError> {
    toml::from_str(text).map_err(|e| CalendarError::Syntax {
        origin: origin.to_owned(),
        message: e.to_string().trim_end().to_owned(),
    })
}

/// `2027` for `.../2027.toml`; `None` for any other name.
fn year_of_file_name(path: &Path) -> Option<i32> {
    let stem = path.file_stem()?.to_str()?;
    if stem.len() == 4 && stem.bytes().all(|b| b.is_ascii_digit()) {
        stem.parse().ok()
    } else {
        None
    }
}

fn is_weekday(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn day_number(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce())
}

/// Mondays to Fridays among day numbers `1..=k` (day 1, 0001-01-01, is a
/// Monday); extended to k <= 0 so that differences stay correct.
fn weekdays_through(k: i64) -> i64 {
    5 * k.div_euclid(7) + k.rem_euclid(7).min(5)
}

fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// Accepts `"2025-10-01"` (string) and `2025-10-01` (TOML local date).
fn de_date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let value = toml::Value::deserialize(d)?;
    date_of_value(&value).map_err(serde::de::Error::custom)
}

fn de_dates<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<NaiveDate>, D::Error> {
    let values = Vec::<toml::Value>::deserialize(d)?;
    values
        .iter()
        .map(date_of_value)
        .collect::<Result<_, _>>()
        .map_err(serde::de::Error::custom)
}

fn date_of_value(value: &toml::Value) -> Result<NaiveDate, String> {
    let bad = |shown: String| format!("{shown} is not a date; write dates as \"YYYY-MM-DD\"");
    match value {
        toml::Value::String(s) => {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad(format!("\"{s}\"")))
        }
        toml::Value::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(date), None, None) => NaiveDate::from_ymd_opt(
                i32::from(date.year),
                u32::from(date.month),
                u32::from(date.day),
            )
            .ok_or_else(|| bad(dt.to_string())),
            _ => Err(bad(dt.to_string())),
        },
        other => Err(bad(format!("a {}", other.type_str()))),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn shipped_dir() -> PathBuf {
        std::env::var_os("DUBAN_CALENDAR_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../config/calendar"))
            })
    }

    fn shipped() -> WorkingCalendar {
        let dir = shipped_dir();
        WorkingCalendar::load_dir(&dir)
            .unwrap_or_else(|e| panic!("shipped calendar {} does not load: {e}", dir.display()))
    }

    /// A scratch directory for file tests, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> Self {
            let dir =
                std::env::temp_dir().join(format!("duban-calendar-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }

        fn write(&self, file: &str, text: &str) -> &Self {
            std::fs::write(self.0.join(file), text).unwrap();
            self
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn schedule(year: i32, holidays: &[(&str, &str, &str)], workdays: &[&str]) -> YearSchedule {
        YearSchedule {
            year,
            holidays: holidays
                .iter()
                .map(|(name, from, to)| Holiday {
                    name: (*name).to_owned(),
                    from: date(from),
                    to: date(to),
                })
                .collect(),
            workdays: workdays.iter().map(|d| date(d)).collect(),
        }
    }

    /// Reference implementation: day by day.
    fn brute_between(cal: &WorkingCalendar, from: NaiveDate, to: NaiveDate) -> i64 {
        from.iter_days()
            .skip(1)
            .take_while(|d| *d <= to)
            .filter(|d| cal.is_working_day(*d))
            .count() as i64
    }

    fn brute_add(cal: &WorkingCalendar, d: NaiveDate, n: u32) -> NaiveDate {
        let mut left = n;
        let mut day = d;
        while left > 0 {
            day = day.succ_opt().unwrap();
            if cal.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    #[test]
    fn weekday_count_matches_day_by_day() {
        assert_eq!(
            NaiveDate::from_ymd_opt(1, 1, 1).unwrap().weekday(),
            Weekday::Mon
        );
        let start = date("1999-12-25");
        let mut expected = weekdays_through(day_number(start));
        for d in start.iter_days().skip(1).take(3000) {
            if is_weekday(d) {
                expected += 1;
            }
            assert_eq!(weekdays_through(day_number(d)), expected, "{d}");
        }
        // Consistent across zero and negative day numbers too.
        for k in -30..30 {
            let step = weekdays_through(k) - weekdays_through(k - 1);
            let weekday = (k - 1).rem_euclid(7) < 5;
            assert_eq!(step, i64::from(weekday), "day number {k}");
        }
    }

    #[test]
    fn empty_calendar_is_monday_to_friday() {
        let cal = WorkingCalendar::default();
        assert!(cal.is_working_day(date("2025-10-01"))); // a Wednesday
        assert!(!cal.is_working_day(date("2025-10-04"))); // a Saturday
        assert_eq!(
            cal.add_working_days(date("2025-10-03"), 1),
            date("2025-10-06")
        );
        assert_eq!(
            cal.add_working_days(date("2025-10-04"), 5),
            date("2025-10-10")
        );
        assert_eq!(
            cal.add_working_days(date("2025-10-04"), 0),
            date("2025-10-04")
        );
        assert_eq!(
            cal.working_days_between(date("2025-10-03"), date("2025-10-10")),
            5
        );
        assert_eq!(
            cal.working_days_between(date("2025-10-10"), date("2025-10-03")),
            0
        );
        assert_eq!(
            cal.working_days_between(date("2025-10-10"), date("2025-10-10")),
            0
        );
        assert!(cal.covered_years().is_empty());
        assert_eq!(cal.missing_years(2025, 2026), vec![2025, 2026]);
        assert_eq!(cal.holiday_name(date("2025-10-01")), None);
    }

    #[test]
    fn add_working_days_saturates_instead_of_overflowing() {
        let cal = WorkingCalendar::default();
        assert_eq!(
            cal.add_working_days(date("2025-01-01"), u32::MAX),
            NaiveDate::MAX
        );
        let near_end = NaiveDate::MAX - chrono::Days::new(30);
        assert_eq!(cal.add_working_days(near_end, 100), NaiveDate::MAX);
        let d = cal.add_working_days(date("2025-01-01"), 1_000_000);
        assert_eq!(cal.working_days_between(date("2025-01-01"), d), 1_000_000);
    }

    #[test]
    fn shipped_files_load_and_cover_2013_to_2026() {
        let cal = shipped();
        assert_eq!(cal.covered_years(), (2013..=2026).collect::<Vec<_>>());
        assert!(cal.missing_years(2013, 2026).is_empty());
        assert_eq!(cal.missing_years(2011, 2028), vec![2011, 2012, 2027, 2028]);
        // Each file also parses and checks on its own.
        for year in 2013..=2026 {
            let path = shipped_dir().join(format!("{year}.toml"));
            let text = std::fs::read_to_string(&path).unwrap();
            let s = WorkingCalendar::parse_year_toml(&text).unwrap();
            assert_eq!(s.year, year);
            assert!(
                text.starts_with("# 国务院办公厅关于"),
                "{} lacks the notice line",
                path.display()
            );
        }
    }

    #[test]
    fn national_day_2025() {
        let cal = shipped();
        for d in date("2025-10-01").iter_days().take(8) {
            assert!(!cal.is_working_day(d), "{d}");
            assert_eq!(cal.holiday_name(d), Some("国庆节、中秋节"));
        }
        assert!(cal.is_working_day(date("2025-09-28"))); // Sunday, make-up
        assert!(cal.is_working_day(date("2025-10-11"))); // Saturday, make-up
        assert!(!cal.is_working_day(date("2025-10-12"))); // plain Sunday
        assert_eq!(cal.holiday_name(date("2025-10-11")), None);
        assert_eq!(
            cal.add_working_days(date("2025-09-30"), 1),
            date("2025-10-09")
        );
        assert_eq!(
            cal.add_working_days(date("2025-09-26"), 1),
            date("2025-09-28")
        );
        assert_eq!(
            cal.add_working_days(date("2025-09-30"), 3),
            date("2025-10-11")
        );
        assert_eq!(
            cal.working_days_between(date("2025-09-30"), date("2025-10-08")),
            0
        );
        assert_eq!(
            cal.working_days_between(date("2025-09-30"), date("2025-10-13")),
            4
        );
    }

    #[test]
    fn five_working_days_after_2026_09_30() {
        // By hand: 10/1–10/7 off; Thu 10/8 (1), Fri 10/9 (2), Sat 10/10 make-up (3),
        // Sun 10/11 off, Mon 10/12 (4), Tue 10/13 (5).
        let cal = shipped();
        assert_eq!(
            cal.add_working_days(date("2026-09-30"), 5),
            date("2026-10-13")
        );
        assert_eq!(
            cal.working_days_between(date("2026-09-30"), date("2026-10-13")),
            5
        );
        // Mid-Autumn 9/25–9/27 and the make-up Sunday 9/20 before it.
        assert!(cal.is_working_day(date("2026-09-20")));
        assert_eq!(cal.holiday_name(date("2026-09-25")), Some("中秋节"));
        assert_eq!(
            cal.add_working_days(date("2026-09-24"), 1),
            date("2026-09-28")
        );
    }

    #[test]
    fn spring_festival_2025_and_2026() {
        let cal = shipped();
        // 2025: Sun 1/26 make-up, 1/28–2/4 off, Sat 2/8 make-up.
        // (1/24, 2/10]: 1/26, 1/27, 2/5, 2/6, 2/7, 2/8, 2/10.
        assert_eq!(
            cal.working_days_between(date("2025-01-24"), date("2025-02-10")),
            7
        );
        assert_eq!(
            cal.add_working_days(date("2025-01-27"), 1),
            date("2025-02-05")
        );
        assert_eq!(cal.holiday_name(date("2025-01-29")), Some("春节"));
        // 2026: Sat 2/14 make-up, 2/15–2/23 off, Sat 2/28 make-up.
        // (2/13, 3/2]: 2/14, 2/24, 2/25, 2/26, 2/27, 2/28, 3/2.
        assert_eq!(
            cal.working_days_between(date("2026-02-13"), date("2026-03-02")),
            7
        );
        assert_eq!(
            cal.add_working_days(date("2026-02-13"), 1),
            date("2026-02-14")
        );
        assert_eq!(
            cal.add_working_days(date("2026-02-14"), 1),
            date("2026-02-24")
        );
        // Across the year boundary and both festivals.
        assert_eq!(
            cal.working_days_between(date("2025-01-01"), date("2026-12-31")),
            brute_between(&cal, date("2025-01-01"), date("2026-12-31"))
        );
    }

    #[test]
    fn saturday_make_up_day_counts() {
        let cal = shipped();
        let sat = date("2026-02-28");
        assert_eq!(sat.weekday(), Weekday::Sat);
        assert!(cal.is_working_day(sat));
        assert_eq!(cal.working_days_between(date("2026-02-27"), sat), 1);
        assert_eq!(cal.add_working_days(date("2026-02-27"), 1), sat);
        assert_eq!(cal.add_working_days(sat, 1), date("2026-03-02"));
    }

    #[test]
    fn special_cases_in_the_shipped_data() {
        let cal = shipped();
        // 2020: the Spring Festival was extended to 2/2, so Saturday 2/1 is off.
        assert!(!cal.is_working_day(date("2020-01-31")));
        assert!(!cal.is_working_day(date("2020-02-01")));
        assert!(cal.is_working_day(date("2020-02-03")));
        // 2019 notice: Saturday 2018-12-29 worked, Monday 2018-12-31 off.
        assert!(cal.is_working_day(date("2018-12-29")));
        assert_eq!(cal.holiday_name(date("2018-12-31")), Some("元旦"));
        // 2019 Labour Day as adjusted: 5/1–5/4, Sundays 4/28 and 5/5 worked.
        assert!(!cal.is_working_day(date("2019-05-03")));
        assert!(cal.is_working_day(date("2019-05-05")));
        // 2015: Victory Day 70th anniversary, 9/3–9/5 off, Sunday 9/6 worked.
        assert!(!cal.is_working_day(date("2015-09-04")));
        assert!(cal.is_working_day(date("2015-09-06")));
        // Years not covered: Monday to Friday.
        assert!(cal.is_working_day(date("2012-10-01"))); // a Monday, no 2012 file
        assert!(cal.is_working_day(date("2027-10-01"))); // a Friday, no 2027 file
    }

    /// The notices move every statutory day that falls on a weekend to a
    /// weekday and pay for longer breaks with make-up workdays, so per notice:
    /// weekdays off - make-up workdays = statutory days (11 until 2024, 13 from
    /// 2025), plus one-off changes. A check independent of how the data was typed.
    #[test]
    fn each_year_nets_its_statutory_days() {
        let dir = shipped_dir();
        for year in 2013..=2026 {
            let text = std::fs::read_to_string(dir.join(format!("{year}.toml"))).unwrap();
            let s = WorkingCalendar::parse_year_toml(&text).unwrap();
            let weekdays_off: i64 = s
                .holidays
                .iter()
                .flat_map(|h| h.from.iter_days().take_while(|d| *d <= h.to))
                .filter(|d| is_weekday(*d))
                .count() as i64;
            let statutory = match year {
                2015 => 11 + 1, // 胜利70周年纪念日, 国发明电〔2015〕1号
                2020 => 11 + 2, // Spring Festival extended to 2/2 (Fri 1/31 off, Sat 2/1 not worked)
                ..=2024 => 11,
                _ => 13,
            };
            assert_eq!(weekdays_off - s.workdays.len() as i64, statutory, "{year}");
        }
    }

    /// Every range is a whole break: the days just before and after are working days.
    #[test]
    fn shipped_ranges_are_whole_breaks() {
        let cal = shipped();
        let dir = shipped_dir();
        for year in 2013..=2026 {
            let text = std::fs::read_to_string(dir.join(format!("{year}.toml"))).unwrap();
            let s = WorkingCalendar::parse_year_toml(&text).unwrap();
            for h in &s.holidays {
                let before = h.from.pred_opt().unwrap();
                let after = h.to.succ_opt().unwrap();
                assert!(
                    cal.is_working_day(before),
                    "{year} {}: {before} is off too",
                    h.name
                );
                assert!(
                    cal.is_working_day(after),
                    "{year} {}: {after} is off too",
                    h.name
                );
            }
            let golden_week = s
                .holidays
                .iter()
                .find(|h| h.name.contains("国庆节"))
                .unwrap();
            let days = (golden_week.to - golden_week.from).num_days() + 1;
            assert!(
                days == 7 || days == 8,
                "{year} National Day runs {days} days"
            );
        }
    }

    #[test]
    fn fast_counts_match_day_by_day() {
        let cal = shipped();
        let start = date("2012-11-01");
        let mut seed: u64 = 42;
        let mut next = |bound: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % bound
        };
        for _ in 0..400 {
            let d = start + chrono::Days::new(next(5600));
            let n = u32::try_from(next(40)).unwrap();
            let x = cal.add_working_days(d, n);
            assert_eq!(x, brute_add(&cal, d, n), "add_working_days({d}, {n})");
            assert_eq!(cal.working_days_between(d, x), i64::from(n));
            let to = d + chrono::Days::new(next(800));
            assert_eq!(
                cal.working_days_between(d, to),
                brute_between(&cal, d, to),
                "({d}, {to}]"
            );
        }
    }

    #[test]
    fn from_years_validates() {
        let ok = schedule(
            2027,
            &[("国庆节", "2027-10-01", "2027-10-07")],
            &["2027-10-09"],
        );
        let cal = WorkingCalendar::from_years(vec![ok.clone()]).unwrap();
        assert!(cal.covers(2027));
        assert!(!cal.is_working_day(date("2027-10-04")));
        assert!(cal.is_working_day(date("2027-10-09")));

        let err = WorkingCalendar::from_years(vec![ok.clone(), ok.clone()]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "year 2027 is defined twice: in year 2027 and in year 2027"
        );

        let monday = schedule(
            2027,
            &[("国庆节", "2027-10-01", "2027-10-07")],
            &["2027-10-11"],
        );
        let err = WorkingCalendar::from_years(vec![monday]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "year 2027: 2027-10-11 is listed as a make-up workday but is a Monday"
        );

        let reversed = schedule(2027, &[("春节", "2027-02-12", "2027-02-05")], &[]);
        let err = WorkingCalendar::from_years(vec![reversed]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "year 2027: holiday \"春节\" ends on 2027-02-05, before it starts on 2027-02-12"
        );

        let both = schedule(
            2027,
            &[("春节", "2027-02-05", "2027-02-13")],
            &["2027-02-13"],
        );
        let err = WorkingCalendar::from_years(vec![both]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "year 2027: 2027-02-13 is listed twice: as part of holiday \"春节\" and as a make-up workday"
        );

        let overlap = schedule(
            2027,
            &[
                ("中秋节", "2027-09-15", "2027-09-17"),
                ("国庆节", "2027-09-17", "2027-09-20"),
            ],
            &[],
        );
        let err = WorkingCalendar::from_years(vec![overlap]).unwrap_err();
        assert!(
            err.to_string().contains("2027-09-17 is listed twice"),
            "{err}"
        );

        let outside = schedule(2027, &[("元旦", "2028-01-01", "2028-01-01")], &[]);
        let err = WorkingCalendar::from_years(vec![outside]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "year 2027: 2028-01-01 (start of holiday \"元旦\") is outside 2027; a 2027 schedule may only list dates in 2027 or in December 2026"
        );
        let november = schedule(
            2027,
            &[("元旦", "2027-01-01", "2027-01-01")],
            &["2026-11-28"],
        );
        assert!(WorkingCalendar::from_years(vec![november]).is_err());

        let too_long = schedule(2027, &[("国庆节", "2027-10-01", "2027-12-07")], &[]);
        assert!(matches!(
            WorkingCalendar::from_years(vec![too_long]),
            Err(CalendarError::Invalid {
                problem: Problem::RangeTooLong { days: 68, .. },
                ..
            })
        ));

        let empty = schedule(2027, &[], &[]);
        assert!(matches!(
            WorkingCalendar::from_years(vec![empty]),
            Err(CalendarError::Invalid {
                problem: Problem::NoHolidays,
                ..
            })
        ));
    }

    #[test]
    fn december_of_the_previous_year_is_allowed_once() {
        let y2027 = schedule(2027, &[("国庆节", "2027-10-01", "2027-10-07")], &[]);
        let y2028 = schedule(
            2028,
            &[("元旦", "2027-12-30", "2028-01-01")],
            &["2027-12-26"],
        );
        let cal = WorkingCalendar::from_years(vec![y2028.clone(), y2027.clone()]).unwrap();
        assert_eq!(cal.holiday_name(date("2027-12-31")), Some("元旦"));
        assert!(cal.is_working_day(date("2027-12-26"))); // a Sunday
        // The same date in two years' schedules is reported with both.
        let twice = schedule(2027, &[("元旦", "2027-12-31", "2027-12-31")], &[]);
        let err = WorkingCalendar::from_years(vec![twice, y2028]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "year 2028: 2027-12-31 is listed twice: as part of holiday \"元旦\" in year 2027 and as part of holiday \"元旦\""
        );
    }

    #[test]
    fn parse_year_toml_accepts_quoted_and_bare_dates() {
        let text = r#"
year = 2027
workdays = ["2027-02-06", 2027-02-20]
[[holidays]]
name = "春节"
from = 2027-02-06
to = "2027-02-12"
"#;
        // 2027-02-06 is both: rejected as listed twice.
        let err = WorkingCalendar::parse_year_toml(text).unwrap_err();
        assert!(
            err.to_string().contains("2027-02-06 is listed twice"),
            "{err}"
        );
        let s = WorkingCalendar::parse_year_toml(&text.replace("\"2027-02-06\", ", "")).unwrap();
        assert_eq!(s.workdays, vec![date("2027-02-20")]);
        assert_eq!(s.holidays[0].from, date("2027-02-06"));
    }

    #[test]
    fn parse_errors_are_readable() {
        let typo = "year = 2027\nworkday = [\"2027-02-20\"]\n[[holidays]]\nname = \"春节\"\nfrom = \"2027-02-06\"\nto = \"2027-02-12\"\n";
        let err = WorkingCalendar::parse_year_toml(typo)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("calendar TOML: "), "{err}");
        assert!(err.contains("unknown field `workday`"), "{err}");

        let bad_date = "year = 2027\n[[holidays]]\nname = \"春节\"\nfrom = \"2027-02-30\"\nto = \"2027-03-02\"\n";
        let err = WorkingCalendar::parse_year_toml(bad_date)
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"2027-02-30\" is not a date"), "{err}");

        let missing = "year = 2027\nworkdays = []\n";
        let err = WorkingCalendar::parse_year_toml(missing)
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing field `holidays`"), "{err}");

        let with_time = "year = 2027\n[[holidays]]\nname = \"春节\"\nfrom = 2027-02-06T00:00:00\nto = \"2027-02-12\"\n";
        let err = WorkingCalendar::parse_year_toml(with_time)
            .unwrap_err()
            .to_string();
        assert!(err.contains("is not a date"), "{err}");
    }

    const GOOD_2027: &str = "year = 2027\nworkdays = [\"2027-10-09\"]\n[[holidays]]\nname = \"国庆节\"\nfrom = \"2027-10-01\"\nto = \"2027-10-07\"\n";

    #[test]
    fn load_dir_names_the_file() {
        let dir = TempDir::new("monday");
        dir.write("2027.toml", &GOOD_2027.replace("2027-10-09", "2027-10-11"));
        let err = WorkingCalendar::load_dir(&dir.0).unwrap_err();
        let file = dir.0.join("2027.toml");
        assert_eq!(
            err.to_string(),
            format!(
                "{}: 2027-10-11 is listed as a make-up workday but is a Monday",
                file.display()
            )
        );

        let dir = TempDir::new("mismatch");
        dir.write("2028.toml", GOOD_2027);
        let err = WorkingCalendar::load_dir(&dir.0).unwrap_err().to_string();
        assert!(
            err.ends_with("2028.toml: the file is named 2028.toml but says year = 2027"),
            "{err}"
        );

        let dir = TempDir::new("badname");
        dir.write("holidays-2027.toml", GOOD_2027);
        let err = WorkingCalendar::load_dir(&dir.0).unwrap_err().to_string();
        assert!(
            err.contains("holidays-2027.toml: calendar files must be named YYYY.toml"),
            "{err}"
        );

        let dir = TempDir::new("syntax");
        dir.write("2027.toml", "year = 2027\n[[holidays]\n");
        let err = WorkingCalendar::load_dir(&dir.0).unwrap_err().to_string();
        assert!(
            err.contains("2027.toml: TOML parse error at line 2"),
            "{err}"
        );

        let missing = std::env::temp_dir().join("duban-calendar-does-not-exist");
        let err = WorkingCalendar::load_dir(&missing).unwrap_err().to_string();
        assert!(
            err.contains("duban-calendar-does-not-exist: cannot read"),
            "{err}"
        );
    }

    #[test]
    fn load_dir_ignores_other_files_and_checks_across_files() {
        let dir = TempDir::new("ok");
        dir.write("2027.toml", GOOD_2027)
            .write("README.md", "not a calendar")
            .write(".2026.toml.swp", "junk")
            .write("2027.toml.bak", "junk");
        let cal = WorkingCalendar::load_dir(&dir.0).unwrap();
        assert_eq!(cal.covered_years(), vec![2027]);
        assert_eq!(cal.missing_years(2026, 2028), vec![2026, 2028]);
        assert_eq!(cal.holiday_name(date("2027-10-03")), Some("国庆节"));

        dir.write(
            "2028.toml",
            "year = 2028\nworkdays = [\"2027-10-09\"]\n[[holidays]]\nname = \"元旦\"\nfrom = \"2028-01-01\"\nto = \"2028-01-01\"\n",
        );
        let err = WorkingCalendar::load_dir(&dir.0).unwrap_err().to_string();
        assert!(
            err.ends_with("2028.toml: 2027-10-09 (make-up workday) is outside 2028; a 2028 schedule may only list dates in 2028 or in December 2027"),
            "{err}"
        );
    }
}
