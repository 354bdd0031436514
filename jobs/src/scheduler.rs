//! Runs each job at its cron schedule, in the configured zone, until told
//! to stop. A scan takes its (job, slot) row first, so with several replicas
//! each slot runs once; the dispatcher needs no slot (its claims keep
//! concurrent runs apart).
//!
//! A slot is not lost to a fault: at start, and `jobs.retry_failed_secs`
//! after a step failed, each scan catches up its latest slot if that slot
//! has not run to completion (it was missed while no process was up, or it
//! failed, e.g. on a database outage at 08:00). Older missed slots are not
//! run one by one: the scans look at the state as it is, so the latest run
//! does the work of those before it.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::context::JobContext;
use crate::job::Job;
use crate::outcome::Outcome;
use crate::runs::Trigger;

/// The running scheduler; [`SchedulerHandle::stop`] stops it gracefully.
#[derive(Debug)]
pub struct SchedulerHandle {
    ctx: Arc<JobContext>,
    tasks: Vec<JoinHandle<()>>,
}

impl SchedulerHandle {
    /// Stops at once from claiming or sending anything new, lets a step
    /// under way finish within `jobs.shutdown_grace_secs`, and past that
    /// cuts it off: the notifications it held go back to the outbox (due at
    /// once, their Message-IDs kept) and its run is marked failed, so the
    /// next start picks both up. Answers whether everything finished in time.
    pub async fn stop(self) -> bool {
        self.ctx.request_stop();
        let grace = std::time::Duration::from_secs(self.ctx.jobs.shutdown_grace_secs);
        let deadline = tokio::time::Instant::now() + grace;
        let mut in_time = true;
        for mut t in self.tasks {
            match tokio::time::timeout_at(deadline, &mut t).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::error!(error = %e, "a job loop ended abnormally"),
                Err(_) => {
                    in_time = false;
                    t.abort();
                    let _ = t.await;
                }
            }
        }
        if !in_time {
            let released = crate::outbox::release_claims(&self.ctx).await;
            let abandoned = crate::runs::abandon(&self.ctx).await;
            match (released, abandoned) {
                (Ok(n), Ok(r)) => tracing::warn!(
                    notifications = n,
                    runs = r,
                    grace_secs = grace.as_secs(),
                    "jobs cut off at the end of the grace period; their work is handed back"
                ),
                (r, a) => tracing::error!(
                    released = ?r.err(), abandoned = ?a.err(),
                    "jobs cut off, and handing their work back failed; their leases will run out"
                ),
            }
        }
        in_time
    }

    /// Jobs with a schedule (the others are disabled).
    pub fn job_count(&self) -> usize {
        self.tasks.len()
    }
}

/// Starts one task per scheduled job on the current tokio runtime.
pub fn spawn_scheduler(ctx: Arc<JobContext>) -> SchedulerHandle {
    let stopped = ctx.stopped();
    let mut tasks = Vec::new();
    for job in Job::ALL {
        match ctx.jobs.schedule(job) {
            Ok(Some(schedule)) => {
                tracing::info!(%job, schedule = ctx.jobs.schedules.get(job), "scheduled");
                tasks.push(tokio::spawn(job_loop(
                    ctx.clone(),
                    job,
                    schedule,
                    stopped.clone(),
                )));
            }
            Ok(None) => tracing::info!(%job, "disabled (empty schedule)"),
            // Settings are validated when the context is built.
            Err(e) => tracing::error!(%job, error = %e, "not scheduled"),
        }
    }
    SchedulerHandle { ctx, tasks }
}

/// One step of `job` as of `at` in a task of its own, under the same
/// graceful stop as the scheduler (`duban jobs run-once`).
pub fn spawn_once(
    ctx: Arc<JobContext>,
    job: Job,
    at: DateTime<Utc>,
) -> (SchedulerHandle, JoinHandle<anyhow::Result<Outcome>>) {
    let (done, result) = tokio::sync::oneshot::channel();
    let task = {
        let ctx = ctx.clone();
        tokio::spawn(async move {
            let _ = done.send(crate::run_step(&ctx, job, at, Some((at, Trigger::Manual))).await);
        })
    };
    let outcome = tokio::spawn(async move {
        result
            .await
            .unwrap_or_else(|_| Err(anyhow::anyhow!("{job} was stopped before it finished")))
    });
    (
        SchedulerHandle {
            ctx,
            tasks: vec![task],
        },
        outcome,
    )
}

/// Runs the latest slot of a scan at or before `now` if it has not run to
/// completion (never taken, failed, or interrupted and its lease ran out),
/// looking at the state as of `now`. Answers None when there was nothing
/// to catch up (no slot yet, the slot is done, or another run holds it).
pub async fn catch_up(
    ctx: &JobContext,
    job: Job,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Outcome>> {
    if job == Job::Dispatch {
        return Ok(None);
    }
    let Some(schedule) = ctx.jobs.schedule(job).map_err(anyhow::Error::msg)? else {
        return Ok(None);
    };
    let tz = ctx.jobs.zone();
    let Some(latest) = schedule.previous_before(&(now + Duration::seconds(1)).with_timezone(&tz))
    else {
        return Ok(None);
    };
    let slot = latest.with_timezone(&Utc);
    if crate::runs::is_done(ctx, job, slot).await? {
        return Ok(None);
    }
    let outcome = crate::run_step(ctx, job, now, Some((slot, Trigger::Scheduled))).await?;
    if outcome.skipped.is_some() {
        return Ok(None);
    }
    tracing::info!(%job, slot = %slot.to_rfc3339(), %outcome, "caught up a slot that had not run");
    Ok(Some(outcome))
}

async fn job_loop(
    ctx: Arc<JobContext>,
    job: Job,
    schedule: duban_domain::cron::CronSchedule,
    mut stopped: watch::Receiver<bool>,
) {
    let tz = ctx.jobs.zone();
    let retry = Duration::seconds(
        i64::try_from(ctx.jobs.retry_failed_secs)
            .unwrap_or(300)
            .max(1),
    );
    // A slot missed while no process was up runs now, before anything waits.
    let mut retry_at = match catch_up(&ctx, job, ctx.env.now()).await {
        Ok(_) => None,
        Err(e) => {
            tracing::error!(%job, error = format!("{e:#}"), "catching up failed; trying again later");
            Some(ctx.env.now() + retry)
        }
    };
    loop {
        let now = ctx.env.now();
        let Some(next) = schedule.next_after(&now.with_timezone(&tz)) else {
            tracing::warn!(%job, "the schedule fires no more");
            return;
        };
        let slot = next.with_timezone(&Utc);
        let retrying = retry_at.is_some_and(|r| r < slot);
        let wake = if retrying {
            retry_at.unwrap_or(slot)
        } else {
            slot
        };
        let wait = (wake - now).to_std().unwrap_or_default();
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stopped.changed() => return,
        }
        if *stopped.borrow() {
            return;
        }
        let result = if retrying {
            catch_up(&ctx, job, ctx.env.now()).await.map(|_| ())
        } else {
            let at = if job == Job::Dispatch {
                ctx.env.now()
            } else {
                slot
            };
            crate::run_step(&ctx, job, at, Some((slot, Trigger::Scheduled)))
                .await
                .map(|outcome| tracing::info!(%outcome, "job step done"))
        };
        retry_at = match result {
            Ok(()) => None,
            // The dispatcher runs every minute anyway; a scan's slot is
            // tried again after `retry_failed_secs`.
            Err(e) if job == Job::Dispatch => {
                tracing::error!(%job, error = format!("{e:#}"), "job step failed");
                None
            }
            Err(e) => {
                tracing::error!(%job, error = format!("{e:#}"), "job step failed; its slot is tried again later");
                Some(ctx.env.now() + retry)
            }
        };
    }
}

/// Runs only the jobs (a worker replica: `duban jobs run`) until `shutdown`
/// completes, then stops them gracefully.
pub async fn run_forever(ctx: Arc<JobContext>, shutdown: impl std::future::Future<Output = ()>) {
    let handle = spawn_scheduler(ctx);
    tracing::info!(jobs = handle.job_count(), "job runner started");
    shutdown.await;
    tracing::info!("job runner stopping");
    handle.stop().await;
    tracing::info!("job runner stopped");
}
