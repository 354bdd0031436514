//! `[jobs]` (schedules, zone, calendar, templates, reminder offsets and the
//! escalation ladder) in the configuration. Every field has a default; an
//! empty schedule disables its job; [`JobsSettings::validate`] lists every
//! problem, each naming its key.

use std::path::PathBuf;

use chrono_tz::Tz;
use duban_domain::escalation::LadderSettings;
use duban_domain::reminders::{ReminderSettings, parse_cron};
use serde::Deserialize;

use crate::job::Job;
use crate::mail_settings::MailSettings;

/// Cron expressions per job (5-field, or 6/7 with seconds first), read in
/// `jobs.timezone`. Empty disables the job.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Schedules {
    pub reminders: String,
    pub ack_reminders: String,
    pub report_reminders: String,
    pub escalations: String,
    pub dispatch: String,
    pub retention: String,
}

impl Default for Schedules {
    fn default() -> Self {
        Self {
            reminders: "0 9 * * *".into(),
            ack_reminders: "0 10 * * *".into(),
            report_reminders: "30 9 * * *".into(),
            escalations: "0 8 * * *".into(),
            dispatch: "* * * * *".into(),
            retention: "30 3 * * *".into(),
        }
    }
}

impl Schedules {
    pub fn get(&self, job: Job) -> &str {
        match job {
            Job::Reminders => &self.reminders,
            Job::AckReminders => &self.ack_reminders,
            Job::ReportReminders => &self.report_reminders,
            Job::Escalations => &self.escalations,
            Job::Dispatch => &self.dispatch,
            Job::Retention => &self.retention,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobsSettings {
    /// The zone cron schedules are read in.
    pub timezone: String,
    /// The working-day calendar (`YYYY.toml` per year).
    pub calendar_dir: PathBuf,
    /// Mail templates, one folder per kind; missing files fall back to the
    /// built-in copies.
    pub templates_dir: PathBuf,
    /// How long a job run holds its slot before another replica may take
    /// it over as interrupted.
    pub run_lease_secs: u64,
    /// How long after a failed step its slot is tried again (a slot is not
    /// lost to a database outage at its hour).
    pub retry_failed_secs: u64,
    /// How long a stop waits for steps under way (a send to a hanging mail
    /// server, say) before it cuts them off and hands their claims back.
    pub shutdown_grace_secs: u64,
    pub schedules: Schedules,
    pub reminders: ReminderSettings,
    pub escalation: LadderSettings,
    /// How hard the dispatcher may push each group robot.
    pub robots: crate::robots::RobotSettings,
    /// How long delivered messages, attempts and job runs are kept.
    pub retention: crate::retention::RetentionSettings,
}

impl Default for JobsSettings {
    fn default() -> Self {
        Self {
            timezone: duban_domain::time::DEFAULT_TIMEZONE.into(),
            calendar_dir: "config/calendar".into(),
            templates_dir: "config/templates".into(),
            run_lease_secs: 600,
            retry_failed_secs: 300,
            shutdown_grace_secs: 20,
            schedules: Schedules::default(),
            reminders: ReminderSettings::default(),
            escalation: LadderSettings::default(),
            robots: crate::robots::RobotSettings::default(),
            retention: crate::retention::RetentionSettings::default(),
        }
    }
}

/// Every problem of the jobs' and the mail's settings together, with what
/// depends on both: a dispatcher starts no send later than the longest
/// send (mail or robot) before its claim runs out, so a claim no longer
/// than twice that would release every row unsent, run after run.
pub fn validate_with_mail(jobs: &JobsSettings, mail: &MailSettings) -> Result<(), Vec<String>> {
    let mut problems = jobs.validate().err().unwrap_or_default();
    problems.extend(mail.validate().err().unwrap_or_default());
    if mail.claim_secs < 2 * jobs.robots.timeout_secs {
        problems.push("mail.claim_secs must be at least twice jobs.robots.timeout_secs".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

impl JobsSettings {
    /// Every problem at once, each naming its key.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        if self.timezone.parse::<Tz>().is_err() {
            problems.push(format!(
                "jobs.timezone: unknown IANA time zone '{}' (e.g. Asia/Shanghai)",
                self.timezone
            ));
        }
        for job in Job::ALL {
            if let Err(e) = self.schedule(job) {
                problems.push(e);
            }
        }
        if !(30..=86_400).contains(&self.run_lease_secs) {
            problems.push("jobs.run_lease_secs must be between 30 and 86400".into());
        }
        problems.extend(self.reminders.problems("jobs.reminders"));
        problems.extend(self.escalation.problems("jobs.escalation"));
        problems.extend(self.robots.problems("jobs.robots"));
        problems.extend(self.retention.problems("jobs.retention"));
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// The job's schedule; None when disabled (empty).
    pub fn schedule(&self, job: Job) -> Result<Option<duban_domain::cron::CronSchedule>, String> {
        let expr = self.schedules.get(job).trim();
        if expr.is_empty() {
            return Ok(None);
        }
        parse_cron(expr)
            .map(Some)
            .map_err(|e| format!("jobs.schedules.{}: {e}", job.as_str()))
    }

    pub fn zone(&self) -> Tz {
        duban_domain::time::zone_of(&self.timezone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_follow_design_md() {
        let s = JobsSettings::default();
        assert_eq!(s.validate(), Ok(()));
        assert_eq!(s.reminders.offsets_days, vec![7, 3, 1]);
        assert_eq!(s.reminders.ack_after_working_days, 2);
        assert_eq!(s.escalation.level2_after_working_days, 5);
        assert_eq!(s.zone(), chrono_tz::Asia::Shanghai);
    }

    #[test]
    fn a_claim_must_outlast_two_robot_calls_too() {
        let jobs = JobsSettings::default();
        let mut mail = MailSettings::default();
        assert_eq!(validate_with_mail(&jobs, &mail), Ok(()));
        // Long enough for the mail timeout (5 s), not for a robot call (10 s):
        // every claimed row would be released unsent.
        mail.smtp.timeout_secs = 5;
        mail.claim_secs = 15;
        assert_eq!(mail.validate(), Ok(()));
        let p = validate_with_mail(&jobs, &mail).unwrap_err();
        assert_eq!(
            p,
            vec!["mail.claim_secs must be at least twice jobs.robots.timeout_secs".to_owned()]
        );
        mail.claim_secs = 20;
        assert_eq!(validate_with_mail(&jobs, &mail), Ok(()));
    }

    #[test]
    fn an_empty_schedule_disables_and_both_cron_forms_parse() {
        let mut s = JobsSettings::default();
        s.schedules.reminders = String::new();
        s.schedules.escalations = "0 30 8 * * *".into();
        assert_eq!(s.validate(), Ok(()));
        assert!(s.schedule(Job::Reminders).unwrap().is_none());
        assert!(s.schedule(Job::Escalations).unwrap().is_some());
    }

    #[test]
    fn every_problem_names_its_key() {
        let mut s = JobsSettings {
            timezone: "Mars/Olympus".into(),
            ..JobsSettings::default()
        };
        s.schedules.dispatch = "every minute".into();
        s.schedules.ack_reminders = "0 25 * * *".into();
        s.reminders.ack_after_working_days = 0;
        let p = s.validate().unwrap_err();
        assert_eq!(p.len(), 4, "{p:#?}");
        assert!(p[0].starts_with("jobs.timezone"));
        assert!(p.iter().any(|m| m.starts_with("jobs.schedules.dispatch")));
        assert!(
            p.iter()
                .any(|m| m.starts_with("jobs.schedules.ack_reminders"))
        );
        assert!(
            p.iter()
                .any(|m| m.starts_with("jobs.reminders.ack_after_working_days"))
        );
    }

    #[test]
    fn reads_from_toml_with_partial_sections() {
        let s: JobsSettings = toml_like(
            r#"{"timezone": "Asia/Urumqi", "schedules": {"dispatch": ""}, "reminders": {"offsets_days": [5, 1]}}"#,
        );
        assert_eq!(s.timezone, "Asia/Urumqi");
        assert_eq!(s.schedules.dispatch, "");
        assert_eq!(s.schedules.reminders, "0 9 * * *");
        assert_eq!(s.reminders.offsets_days, vec![5, 1]);
        assert_eq!(s.reminders.ack_after_working_days, 2);
    }

    fn toml_like(json: &str) -> JobsSettings {
        serde_json::from_str(json).unwrap()
    }
}
