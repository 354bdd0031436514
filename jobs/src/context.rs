//! Everything a job step needs, built once at start.

use std::sync::Arc;

use anyhow::Context;
use chrono::Datelike;
use duban_domain::calendar::{CalendarError, WorkingCalendar};
use duban_domain::clock::{SharedClock, SystemClock};
use duban_domain::db::Db;
use duban_domain::escalation::Ladder;
use lettre::message::Mailbox;

use crate::mail_settings::MailSettings;
use crate::mailer::Mailer;
use crate::settings::JobsSettings;
use crate::templates::Templates;

#[derive(Debug)]
pub struct JobContext {
    pub(crate) db: Db,
    /// Business time: due dates, reminders, next attempts. Tests move it.
    pub(crate) clock: SharedClock,
    /// Process time, for leases and claims: whether another process is
    /// still alive is a question of the wall clock even when a job runs
    /// "as if" at another time (`run-once --at`).
    pub(crate) lease_clock: SharedClock,
    pub(crate) jobs: JobsSettings,
    pub(crate) mail: MailSettings,
    pub(crate) from: Mailbox,
    pub(crate) public_url: String,
    pub(crate) calendar: WorkingCalendar,
    pub(crate) ladder: Ladder,
    pub(crate) templates: Templates,
    pub(crate) mailer: Mailer,
    /// This process, as written into claims and job runs.
    pub(crate) worker: String,
}

impl JobContext {
    /// Checks the settings, loads the calendar and the templates. A missing
    /// calendar year is logged (see [`JobContext::calendar_gaps`]); a broken
    /// calendar file, template or setting is an error naming what to fix.
    pub fn new(
        db: Db,
        clock: SharedClock,
        jobs: JobsSettings,
        mail: MailSettings,
        public_url: impl Into<String>,
    ) -> anyhow::Result<Self> {
        let mut problems = jobs.validate().err().unwrap_or_default();
        problems.extend(mail.validate().err().unwrap_or_default());
        if !problems.is_empty() {
            anyhow::bail!("invalid configuration:\n  - {}", problems.join("\n  - "));
        }
        let calendar = match WorkingCalendar::load_dir(&jobs.calendar_dir) {
            Ok(c) => c,
            Err(CalendarError::Io { path, source }) if path == jobs.calendar_dir => {
                tracing::warn!(
                    dir = %path.display(), error = %source,
                    "no working-day calendar: counting Monday to Friday only"
                );
                WorkingCalendar::default()
            }
            Err(e) => {
                return Err(e).context("loading the working-day calendar (jobs.calendar_dir)");
            }
        };
        let templates = Templates::load(&jobs.templates_dir)?;
        let ladder = jobs
            .escalation
            .ladder()
            .map_err(|p| anyhow::anyhow!("invalid escalation ladder: {}", p.join("; ")))?;
        let from = mail
            .from
            .parse::<Mailbox>()
            .with_context(|| format!("mail.from '{}'", mail.from))?;
        let mailer = Mailer::new(&mail)?;
        let worker = format!(
            "{}-{}-{}",
            std::env::var("HOSTNAME").unwrap_or_else(|_| "duban".into()),
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        let ctx = Self {
            db,
            clock,
            lease_clock: Arc::new(SystemClock),
            jobs,
            mail,
            from,
            public_url: public_url.into().trim_end_matches('/').to_owned(),
            calendar,
            ladder,
            templates,
            mailer,
            worker,
        };
        let gaps = ctx.calendar_gaps();
        if !gaps.is_empty() {
            tracing::warn!(
                years = ?gaps, dir = %ctx.jobs.calendar_dir.display(),
                "the working-day calendar has no schedule for these years: counting Monday to Friday; add YYYY.toml from the State Council notice"
            );
        }
        Ok(ctx)
    }

    /// Replaces the clock leases and claims are judged by (tests).
    pub fn with_lease_clock(mut self, clock: SharedClock) -> Self {
        self.lease_clock = clock;
        self
    }

    /// Years the calendar should cover now but does not: this year, and from
    /// December on the next (whose schedule the State Council publishes in
    /// November). For the readiness endpoint and the admins' notice.
    pub fn calendar_gaps(&self) -> Vec<i32> {
        self.calendar_gaps_at(self.clock.now())
    }

    pub(crate) fn calendar_gaps_at(&self, at: chrono::DateTime<chrono::Utc>) -> Vec<i32> {
        let today = duban_domain::time::local_date(at, self.jobs.zone());
        let last = if today.month() == 12 {
            today.year() + 1
        } else {
            today.year()
        };
        self.calendar.missing_years(today.year(), last)
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn calendar(&self) -> &WorkingCalendar {
        &self.calendar
    }

    pub fn jobs_settings(&self) -> &JobsSettings {
        &self.jobs
    }

    /// A link to an assignment for mail.
    pub(crate) fn link(&self, assignment_id: i64) -> String {
        format!("{}/api/v1/assignments/{assignment_id}", self.public_url)
    }
}
