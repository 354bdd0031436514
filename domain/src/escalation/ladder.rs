//! The ladder itself: how long overdue an item must be for each level, and
//! whom each level tells. Defaults follow DESIGN.md; config and each plan
//! may change them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::calendar::WorkingCalendar;
use crate::role::Role;

/// How far past the due date a level is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threshold {
    /// Calendar days after the due date (1 = the day after).
    CalendarDays(u32),
    /// Working days after the due date, per the calendar.
    WorkingDays(u32),
}

impl Threshold {
    pub fn reached(self, cal: &WorkingCalendar, due_on: NaiveDate, today: NaiveDate) -> bool {
        match self {
            Threshold::CalendarDays(n) => (today - due_on).num_days() >= i64::from(n),
            Threshold::WorkingDays(n) => cal.working_days_between(due_on, today) >= i64::from(n),
        }
    }
}

/// One level of the ladder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rung {
    pub level: i32,
    pub after: Threshold,
    pub notify: Vec<Role>,
}

/// Levels 1..=n in order; built only through [`LadderSettings::ladder`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ladder {
    rungs: Vec<Rung>,
}

impl Ladder {
    pub fn rungs(&self) -> &[Rung] {
        &self.rungs
    }

    pub fn top(&self) -> i32 {
        self.rungs.last().map_or(0, |r| r.level)
    }

    /// The level an item due on `due_on` has reached by `today`: every rung
    /// up to it is reached.
    pub fn level_on(&self, cal: &WorkingCalendar, due_on: NaiveDate, today: NaiveDate) -> i32 {
        self.rungs
            .iter()
            .take_while(|r| r.after.reached(cal, due_on, today))
            .last()
            .map_or(0, |r| r.level)
    }

    /// The rungs above `from` up to and including `to`.
    pub fn steps(&self, from: i32, to: i32) -> impl Iterator<Item = &Rung> {
        self.rungs
            .iter()
            .filter(move |r| r.level > from && r.level <= to)
    }
}

/// 催办, 督办, 通报.
pub fn level_name(level: i32) -> &'static str {
    match level {
        ..=0 => "未升级",
        1 => "催办",
        2 => "督办",
        _ => "通报",
    }
}

/// The ladder as configured (`[jobs.escalation]`) or overridden per plan
/// (a JSON object with any of these keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LadderSettings {
    /// Level 1 (催办): calendar days after the due date; 1 is the day after.
    pub level1_after_days: u32,
    pub level1_notify: Vec<Role>,
    /// Level 2 (督办): working days after the due date.
    pub level2_after_working_days: u32,
    pub level2_notify: Vec<Role>,
    /// Level 3 (通报): working days after the due date.
    pub level3_after_working_days: u32,
    pub level3_notify: Vec<Role>,
}

impl Default for LadderSettings {
    fn default() -> Self {
        Self {
            level1_after_days: 1,
            level1_notify: vec![Role::UnitStaff, Role::UnitHead],
            level2_after_working_days: 5,
            level2_notify: vec![Role::UnitHead, Role::Inspector],
            level3_after_working_days: 15,
            level3_notify: vec![Role::Leader, Role::Inspector],
        }
    }
}

impl LadderSettings {
    /// Every problem, each naming its key under `prefix` (e.g. `jobs.escalation`).
    pub fn problems(&self, prefix: &str) -> Vec<String> {
        let mut p = Vec::new();
        if !(1..=365).contains(&self.level1_after_days) {
            p.push(format!(
                "{prefix}.level1_after_days must be between 1 (the day after the due date) and 365"
            ));
        }
        if !(1..=250).contains(&self.level2_after_working_days) {
            p.push(format!(
                "{prefix}.level2_after_working_days must be between 1 and 250"
            ));
        }
        if self.level3_after_working_days <= self.level2_after_working_days
            || self.level3_after_working_days > 500
        {
            p.push(format!(
                "{prefix}.level3_after_working_days must be above level2_after_working_days and at most 500"
            ));
        }
        for (key, roles) in [
            ("level1_notify", &self.level1_notify),
            ("level2_notify", &self.level2_notify),
            ("level3_notify", &self.level3_notify),
        ] {
            if roles.is_empty() || roles.contains(&Role::Admin) {
                p.push(format!(
                    "{prefix}.{key} must name at least one of unit_staff, unit_head, inspector, leader, office"
                ));
            }
        }
        p
    }

    pub fn ladder(&self) -> Result<Ladder, Vec<String>> {
        let problems = self.problems("escalation");
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Ladder {
            rungs: vec![
                Rung {
                    level: 1,
                    after: Threshold::CalendarDays(self.level1_after_days),
                    notify: self.level1_notify.clone(),
                },
                Rung {
                    level: 2,
                    after: Threshold::WorkingDays(self.level2_after_working_days),
                    notify: self.level2_notify.clone(),
                },
                Rung {
                    level: 3,
                    after: Threshold::WorkingDays(self.level3_after_working_days),
                    notify: self.level3_notify.clone(),
                },
            ],
        })
    }

    /// These settings with a plan's override (a JSON object of some keys) on top.
    pub fn with_override(&self, over: &Value) -> Result<LadderSettings, String> {
        let Value::Object(keys) = over else {
            return Err("the escalation policy must be a JSON object".into());
        };
        let mut merged = serde_json::to_value(self).map_err(|e| e.to_string())?;
        if let Value::Object(m) = &mut merged {
            for (k, v) in keys {
                m.insert(k.clone(), v.clone());
            }
        }
        let s: LadderSettings = serde_json::from_value(merged).map_err(|e| e.to_string())?;
        let problems = s.problems("escalation_policy");
        if problems.is_empty() {
            Ok(s)
        } else {
            Err(problems.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn shipped() -> WorkingCalendar {
        let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../config/calendar"));
        WorkingCalendar::load_dir(&dir).unwrap()
    }

    /// Due Friday 26 September 2025, just before National Day (1–8 October off,
    /// Sunday 28 September and Saturday 11 October worked).
    #[test]
    fn the_ladder_across_national_day_2025() {
        let cal = shipped();
        let ladder = LadderSettings::default().ladder().unwrap();
        let due = d("2025-09-26");
        let level = |day: &str| ladder.level_on(&cal, due, d(day));
        assert_eq!(level("2025-09-26"), 0, "not overdue on the due date");
        assert_eq!(level("2025-09-27"), 1, "the day after");
        // Working days after the due date: 28 Sep (make-up), 29, 30, 9 Oct, 10 Oct.
        assert_eq!(level("2025-10-08"), 1, "the holiday does not count");
        assert_eq!(level("2025-10-09"), 1, "four working days");
        assert_eq!(level("2025-10-10"), 2, "five working days");
        // 11 Oct (make-up Saturday) is the 6th; 13–17 the 7th–11th; 20–23 the 12th–15th.
        assert_eq!(level("2025-10-22"), 2);
        assert_eq!(level("2025-10-23"), 3, "fifteen working days");
        assert_eq!(level("2025-12-31"), 3, "never past the top");
        assert_eq!(ladder.top(), 3);
    }

    #[test]
    fn a_late_scan_sees_every_step_it_skipped() {
        let ladder = LadderSettings::default().ladder().unwrap();
        let levels: Vec<i32> = ladder.steps(0, 3).map(|r| r.level).collect();
        assert_eq!(levels, vec![1, 2, 3]);
        assert_eq!(ladder.steps(2, 3).count(), 1);
        assert_eq!(ladder.steps(3, 3).count(), 0);
        assert_eq!(ladder.steps(3, 1).count(), 0, "never lowered");
    }

    #[test]
    fn defaults_tell_the_people_of_design_md() {
        let ladder = LadderSettings::default().ladder().unwrap();
        let notify: Vec<_> = ladder.rungs().iter().map(|r| r.notify.clone()).collect();
        assert_eq!(
            notify,
            vec![
                vec![Role::UnitStaff, Role::UnitHead],
                vec![Role::UnitHead, Role::Inspector],
                vec![Role::Leader, Role::Inspector],
            ]
        );
    }

    #[test]
    fn a_plan_override_changes_only_its_keys_and_is_checked() {
        let base = LadderSettings::default();
        let s = base
            .with_override(&serde_json::json!({"level2_after_working_days": 3}))
            .unwrap();
        assert_eq!(s.level2_after_working_days, 3);
        assert_eq!(s.level3_after_working_days, 15);
        let err = base
            .with_override(&serde_json::json!({"level3_after_working_days": 2}))
            .unwrap_err();
        assert!(err.contains("level3_after_working_days"), "{err}");
        assert!(
            base.with_override(&serde_json::json!({"levle2": 1}))
                .is_err()
        );
        assert!(base.with_override(&serde_json::json!([1, 2])).is_err());
    }

    #[test]
    fn bad_settings_name_every_key() {
        let s = LadderSettings {
            level1_after_days: 0,
            level2_notify: vec![],
            ..LadderSettings::default()
        };
        let p = s.problems("jobs.escalation");
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].starts_with("jobs.escalation.level1_after_days"));
        assert!(p[1].starts_with("jobs.escalation.level2_notify"));
    }
}
