//! What a job step did, for the log, the CLI and the tests.

use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub job: &'static str,
    /// Set when the step did not run (its slot was taken by another run).
    pub skipped: Option<String>,
    /// Items the scan looked at (in its window).
    pub scanned: u64,
    /// Notifications newly written to the outbox.
    pub notices: u64,
    /// Assignments that went up the escalation ladder.
    pub escalated: u64,
    /// Messages delivered, and the notifications they carried.
    pub messages_sent: u64,
    pub notifications_sent: u64,
    /// Messages whose delivery failed this time (kept for a retry).
    pub messages_failed: u64,
    /// Notifications given up on (status failed) after the last attempt.
    pub notifications_failed: u64,
    /// Notifications not mailed: no address, or no longer relevant.
    pub notifications_skipped: u64,
    /// Rows removed past their retention (the retention job).
    pub removed: u64,
}

impl Outcome {
    pub fn new(job: &'static str) -> Self {
        Self {
            job,
            ..Self::default()
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(why) = &self.skipped {
            return write!(f, "{}: skipped ({why})", self.job);
        }
        if self.job == "retention" {
            return write!(f, "{}: removed {} row(s)", self.job, self.removed);
        }
        write!(
            f,
            "{}: scanned {}, notices {}, escalated {}, sent {} message(s) with {} notification(s), {} failed, {} given up, {} skipped",
            self.job,
            self.scanned,
            self.notices,
            self.escalated,
            self.messages_sent,
            self.notifications_sent,
            self.messages_failed,
            self.notifications_failed,
            self.notifications_skipped
        )
    }
}
