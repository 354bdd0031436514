//! 督办 / 通报: what happens as an assignment stays overdue. The ladder is
//! pure (levels from the due date, today and the working-day calendar); the
//! record writes one step with its history, audit event and notices.

pub mod event;
pub mod ladder;
mod record;

pub use ladder::{Ladder, LadderSettings, Rung, Threshold, level_name};
pub use record::{Escalation, Recorded, record_escalation, record_escalations};
