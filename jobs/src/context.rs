//! Everything a job step needs, built once at start.

use std::sync::Arc;

use anyhow::Context;
use chrono::Datelike;
use duban_domain::Env;
use duban_domain::calendar::WorkingCalendar;
use duban_domain::clock::{SharedClock, SystemClock};
use duban_domain::db::Db;
use duban_domain::escalation::Ladder;
use duban_domain::messages::Catalogue;
use lettre::message::Mailbox;

use crate::mail_settings::MailSettings;
use crate::mailer::Mailer;
use crate::settings::JobsSettings;

#[derive(Debug)]
pub struct JobContext {
    /// The store, the business clock (due dates, reminders, next attempts;
    /// tests move it) and the working-day calendar, shared with the API.
    pub(crate) env: Env,
    pub(crate) db: Db,
    /// Process time, for leases and claims: whether another process is
    /// still alive is a question of the wall clock even when a job runs
    /// "as if" at another time (`run-once --at`).
    pub(crate) lease_clock: SharedClock,
    pub(crate) jobs: JobsSettings,
    pub(crate) mail: MailSettings,
    pub(crate) from: Mailbox,
    pub(crate) ladder: Ladder,
    pub(crate) catalogue: Arc<Catalogue>,
    pub(crate) mailer: Mailer,
    /// Posts to group robots (no redirects, a timeout on every call).
    pub(crate) http: reqwest::Client,
    /// This process, as written into claims and job runs.
    pub(crate) worker: String,
    /// Steps run and failed, for the metrics endpoint.
    pub(crate) metrics: crate::metrics::JobMetrics,
    /// Set when the process is asked to stop: nothing new is claimed or
    /// sent after it.
    pub(crate) stop: tokio::sync::watch::Sender<bool>,
}

impl JobContext {
    /// Checks the settings. A missing calendar year is logged (see
    /// [`JobContext::calendar_gaps`]); a broken setting is an error naming
    /// what to fix.
    pub fn new(
        env: Env,
        jobs: JobsSettings,
        mail: MailSettings,
        catalogue: Arc<Catalogue>,
    ) -> anyhow::Result<Self> {
        if let Err(problems) = crate::settings::validate_with_mail(&jobs, &mail) {
            anyhow::bail!("invalid configuration:\n  - {}", problems.join("\n  - "));
        }
        let ladder = jobs
            .escalation
            .ladder()
            .map_err(|p| anyhow::anyhow!("invalid escalation ladder: {}", p.join("; ")))?;
        let from = mail
            .from
            .parse::<Mailbox>()
            .with_context(|| format!("mail.from '{}'", mail.from))?;
        let mailer = Mailer::new(&mail)?;
        let http = crate::robots::client(&jobs.robots)?;
        let worker = format!(
            "{}-{}-{}",
            std::env::var("HOSTNAME").unwrap_or_else(|_| "duban".into()),
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        let ctx = Self {
            db: env.db.clone(),
            env,
            lease_clock: Arc::new(SystemClock),
            jobs,
            mail,
            from,
            ladder,
            catalogue,
            mailer,
            http,
            worker,
            metrics: crate::metrics::JobMetrics::default(),
            stop: tokio::sync::watch::Sender::new(false),
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

    /// A context of its own over `db`: the calendar and the message
    /// templates read from the directories `jobs` names (a worker without
    /// an API beside it, tests, benchmarks).
    pub fn standalone(
        db: Db,
        clock: SharedClock,
        jobs: JobsSettings,
        mail: MailSettings,
        public_url: &str,
    ) -> anyhow::Result<Self> {
        let calendar = WorkingCalendar::load_configured(&jobs.calendar_dir)
            .context("loading the working-day calendar (jobs.calendar_dir)")?;
        let catalogue = Catalogue::load(&jobs.templates_dir, public_url)?;
        let rules = duban_domain::Rules {
            ladder: jobs.escalation.clone(),
            ..Default::default()
        };
        let env = Env::new(db, clock, Arc::new(calendar), rules);
        Self::new(env, jobs, mail, Arc::new(catalogue))
    }

    /// Counts into `metrics` (shared with the process's metrics registry).
    pub fn with_metrics(mut self, metrics: crate::metrics::JobMetrics) -> Self {
        self.metrics = metrics;
        self
    }

    pub fn metrics(&self) -> &crate::metrics::JobMetrics {
        &self.metrics
    }

    /// Asks every job of this context to stop: the dispatcher claims and
    /// sends nothing more, job loops end after their step.
    pub fn request_stop(&self) {
        self.stop.send_replace(true);
    }

    pub fn stop_requested(&self) -> bool {
        *self.stop.borrow()
    }

    pub(crate) fn stopped(&self) -> tokio::sync::watch::Receiver<bool> {
        self.stop.subscribe()
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
        self.calendar_gaps_at(self.env.now())
    }

    pub(crate) fn calendar_gaps_at(&self, at: chrono::DateTime<chrono::Utc>) -> Vec<i32> {
        let today = duban_domain::time::local_date(at, self.jobs.zone());
        let last = if today.month() == 12 {
            today.year() + 1
        } else {
            today.year()
        };
        self.env.calendar.missing_years(today.year(), last)
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn calendar(&self) -> &WorkingCalendar {
        &self.env.calendar
    }

    pub fn env(&self) -> &Env {
        &self.env
    }

    pub fn jobs_settings(&self) -> &JobsSettings {
        &self.jobs
    }
}
