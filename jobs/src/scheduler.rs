//! Runs each job at its cron schedule, in the configured zone, until told
//! to stop. A scan takes its (job, slot) row first, so with several replicas
//! each slot runs once; the dispatcher needs no slot (its claims keep
//! concurrent runs apart).

use std::sync::Arc;

use chrono::Utc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::context::JobContext;
use crate::job::Job;
use crate::runs::Trigger;

/// The running scheduler; [`SchedulerHandle::stop`] lets running steps finish.
#[derive(Debug)]
pub struct SchedulerHandle {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl SchedulerHandle {
    /// Asks every job loop to stop and waits for them (a step under way
    /// finishes first).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            if let Err(e) = t.await {
                tracing::error!(error = %e, "a job loop ended abnormally");
            }
        }
    }

    /// Jobs with a schedule (the others are disabled).
    pub fn job_count(&self) -> usize {
        self.tasks.len()
    }
}

/// Starts one task per scheduled job on the current tokio runtime.
pub fn spawn_scheduler(ctx: Arc<JobContext>) -> SchedulerHandle {
    let (stop, stopped) = watch::channel(false);
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
    SchedulerHandle { stop, tasks }
}

async fn job_loop(
    ctx: Arc<JobContext>,
    job: Job,
    schedule: duban_domain::cron::CronSchedule,
    mut stopped: watch::Receiver<bool>,
) {
    let tz = ctx.jobs.zone();
    loop {
        let now = ctx.env.now();
        let Some(next) = schedule.next_after(&now.with_timezone(&tz)) else {
            tracing::warn!(%job, "the schedule fires no more");
            return;
        };
        let slot = next.with_timezone(&Utc);
        let wait = (slot - now).to_std().unwrap_or_default();
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stopped.changed() => return,
        }
        if *stopped.borrow() {
            return;
        }
        let at = if job == Job::Dispatch {
            ctx.env.now()
        } else {
            slot
        };
        match crate::run_step(&ctx, job, at, Some((slot, Trigger::Scheduled))).await {
            Ok(outcome) => tracing::info!(%outcome, "job step done"),
            Err(e) => tracing::error!(%job, error = format!("{e:#}"), "job step failed"),
        }
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
}
