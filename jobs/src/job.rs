//! The jobs by name, as in the configuration and `duban jobs run-once JOB`.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    /// Before the due date, at the configured offsets.
    Reminders,
    /// Issued but not acknowledged after some working days.
    AckReminders,
    /// Periodic reports missing in the current period.
    ReportReminders,
    /// The escalation ladder for overdue items.
    Escalations,
    /// Sends the outbox.
    Dispatch,
    /// Removes sent notifications, delivery attempts and job runs past
    /// their retention (audit events are kept).
    Retention,
}

impl Job {
    pub const ALL: [Job; 6] = [
        Job::Reminders,
        Job::AckReminders,
        Job::ReportReminders,
        Job::Escalations,
        Job::Dispatch,
        Job::Retention,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Job::Reminders => "reminders",
            Job::AckReminders => "ack_reminders",
            Job::ReportReminders => "report_reminders",
            Job::Escalations => "escalations",
            Job::Dispatch => "dispatch",
            Job::Retention => "retention",
        }
    }
}

impl fmt::Display for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Job {
    type Err = anyhow::Error;

    /// Accepts `ack_reminders` and `ack-reminders`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim().replace('-', "_");
        Job::ALL
            .into_iter()
            .find(|j| j.as_str() == name)
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "unknown job '{s}' (known: reminders, ack_reminders, report_reminders, escalations, dispatch, retention)"
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_dashes_are_accepted() {
        for j in Job::ALL {
            assert_eq!(j.as_str().parse::<Job>().unwrap(), j);
        }
        assert_eq!("ack-reminders".parse::<Job>().unwrap(), Job::AckReminders);
        assert!("remind".parse::<Job>().is_err());
    }
}
