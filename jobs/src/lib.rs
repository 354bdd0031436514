//! Duban's scheduled jobs: reminders before deadlines, acknowledgement and
//! periodic-report reminders, the escalation ladder, and the mail outbox
//! dispatcher.
//!
//! Each job is one step a test can drive directly ([`run_reminders`],
//! [`run_escalations`], [`run_dispatch`], ...) at a given instant; the
//! [`scheduler`] calls them at cron times, `duban jobs run-once` through
//! [`run_once`].

mod context;
mod job;
mod mail_settings;
mod mailer;
mod metrics;
mod outbox;
mod outcome;
mod retention;
mod robots;
mod runs;
mod scans;
pub mod scheduler;
mod settings;

use chrono::{DateTime, Utc};
use duban_domain::entities::job_run::RunStatus;

pub use context::JobContext;
pub use job::Job;
pub use mail_settings::{MailSettings, SmtpSettings, Tls, Transport};
pub use metrics::JobMetrics;
pub use outbox::{NotificationAttempt, attempts_of, failed_notifications, retry_failed};
pub use outcome::Outcome;
pub use retention::RetentionSettings;
pub use robots::RobotSettings;
pub use scheduler::{SchedulerHandle, catch_up, run_forever, spawn_once, spawn_scheduler};
pub use settings::{JobsSettings, Schedules, validate_with_mail};

use runs::Trigger;

/// Reminders before due dates.
pub async fn run_reminders(ctx: &JobContext, at: DateTime<Utc>) -> anyhow::Result<Outcome> {
    scans::reminders::run(ctx, at).await
}

/// Reminders for issued items not acknowledged in time.
pub async fn run_ack_reminders(ctx: &JobContext, at: DateTime<Utc>) -> anyhow::Result<Outcome> {
    scans::ack::run(ctx, at).await
}

/// Reminders for periodic reports missing in the current period.
pub async fn run_report_reminders(ctx: &JobContext, at: DateTime<Utc>) -> anyhow::Result<Outcome> {
    scans::reports::run(ctx, at).await
}

/// The escalation ladder over overdue items.
pub async fn run_escalations(ctx: &JobContext, at: DateTime<Utc>) -> anyhow::Result<Outcome> {
    scans::escalations::run(ctx, at).await
}

/// Sends the outbox's due notifications.
pub async fn run_dispatch(ctx: &JobContext, at: DateTime<Utc>) -> anyhow::Result<Outcome> {
    outbox::run(ctx, at).await
}

/// Removes what is past its retention (`jobs.retention`).
pub async fn run_retention(ctx: &JobContext, at: DateTime<Utc>) -> anyhow::Result<Outcome> {
    retention::run(ctx, at).await
}

/// Runs `job` once as if it were `at` (`duban jobs run-once JOB --at TIME`).
/// A scan first takes its (job, `at`) row: while another run holds that
/// slot, this one is skipped (the outcome says so); a finished or
/// interrupted slot is run again, which writes nothing twice.
pub async fn run_once(ctx: &JobContext, job: &str, at: DateTime<Utc>) -> anyhow::Result<Outcome> {
    let job: Job = job.parse()?;
    run_step(ctx, job, at, Some((at, Trigger::Manual))).await
}

/// One step, behind its slot when `slot` is given (scans only).
pub(crate) async fn run_step(
    ctx: &JobContext,
    job: Job,
    at: DateTime<Utc>,
    slot: Option<(DateTime<Utc>, Trigger)>,
) -> anyhow::Result<Outcome> {
    let run_id = match slot {
        Some((slot, trigger)) if job != Job::Dispatch => {
            match runs::take(ctx, job, slot, trigger).await? {
                Some(id) => Some(id),
                None => {
                    let mut out = Outcome::new(job.as_str());
                    out.skipped = Some(format!(
                        "slot {} is taken by another run",
                        slot.to_rfc3339()
                    ));
                    return Ok(out);
                }
            }
        }
        _ => None,
    };
    let result = match job {
        Job::Reminders => run_reminders(ctx, at).await,
        Job::AckReminders => run_ack_reminders(ctx, at).await,
        Job::ReportReminders => run_report_reminders(ctx, at).await,
        Job::Escalations => run_escalations(ctx, at).await,
        Job::Dispatch => run_dispatch(ctx, at).await,
        Job::Retention => run_retention(ctx, at).await,
    };
    ctx.metrics.record(
        job,
        result.is_ok().then(|| ctx.lease_clock.now().timestamp()),
    );
    if let Some(id) = run_id {
        let (status, detail) = match &result {
            Ok(o) => (RunStatus::Done, o.to_string()),
            Err(e) => (RunStatus::Failed, format!("{e:#}")),
        };
        runs::finish(ctx, id, status, detail).await?;
    }
    result
}
