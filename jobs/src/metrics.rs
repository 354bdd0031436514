//! What the job steps did, counted for the Prometheus endpoint the API
//! serves (`metrics.bind`): steps run and failed per job, and when each job
//! last succeeded (wall-clock seconds), so an alert can ask "has the
//! escalation scan run today?".

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::job::Job;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct JobLabel {
    pub job: &'static str,
}

/// Shared between the job context (which counts) and the registry (which
/// reads); cloning shares the counters.
#[derive(Debug, Clone, Default)]
pub struct JobMetrics {
    runs: Family<JobLabel, Counter>,
    failures: Family<JobLabel, Counter>,
    last_success: Family<JobLabel, Gauge>,
}

impl JobMetrics {
    /// Adds the job families to `registry` (`duban_job_runs_total`,
    /// `duban_job_failures_total`, `duban_job_last_success_timestamp_seconds`).
    pub fn register(&self, registry: &mut Registry) {
        // Every job has its series from the start, so "no run yet" reads 0.
        for job in Job::ALL {
            let l = JobLabel { job: job.as_str() };
            drop(self.runs.get_or_create(&l));
            drop(self.failures.get_or_create(&l));
        }
        registry.register(
            "duban_job_runs",
            "Job steps run (scheduled, caught up or by hand), by job",
            self.runs.clone(),
        );
        registry.register(
            "duban_job_failures",
            "Job steps that failed, by job",
            self.failures.clone(),
        );
        registry.register(
            "duban_job_last_success_timestamp_seconds",
            "When each job last finished without an error (Unix time, wall clock)",
            self.last_success.clone(),
        );
    }

    /// One step of `job` ran; `succeeded_at` (Unix seconds) when it did not fail.
    pub(crate) fn record(&self, job: Job, succeeded_at: Option<i64>) {
        let l = JobLabel { job: job.as_str() };
        self.runs.get_or_create(&l).inc();
        match succeeded_at {
            Some(at) => {
                self.last_success.get_or_create(&l).set(at);
            }
            None => {
                self.failures.get_or_create(&l).inc();
            }
        }
    }

    /// Steps of `job` run so far, and how many failed (tests, the CLI).
    pub fn counts(&self, job: Job) -> (u64, u64) {
        let l = JobLabel { job: job.as_str() };
        (
            self.runs.get(&l).map_or(0, |c| c.get()),
            self.failures.get(&l).map_or(0, |c| c.get()),
        )
    }
}
