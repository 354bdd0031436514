//! The message catalogue: every kind of message Duban sends is one variant
//! of [`Message`], carrying the values its templates read. A change or a
//! scan builds the value; every channel (e-mail, the group robots, a
//! person's notification list) renders it from the same templates, one
//! folder per kind in `config/templates/` ([`Catalogue`]).
//!
//! The item a message is about (plan, task, unit, due date) is not copied
//! into the message: it is read when the message is rendered
//! ([`ItemFacts`]), so a mail says what the item is now.

mod catalogue;
mod facts;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

pub use catalogue::{Catalogue, Digest, Rendered, Rendering};
pub use facts::{ItemFacts, item_facts};

use crate::entities::assignment::AssignmentRole;
use crate::entities::notification::NoticeKind;
use crate::workflow::Status;

/// One message, as stored in the outbox (`notifications.payload`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    /// 新交办: the unit was given the item.
    Assigned {
        role: AssignmentRole,
        due_on: NaiveDate,
    },
    /// 催办: the due date is `days_left` days away (0: today).
    Reminder {
        due_on: NaiveDate,
        days_left: i64,
        /// Not yet signed for: the reminder says so first.
        acknowledged: bool,
    },
    /// 签收提醒: issued on `issued_on` and still not acknowledged.
    AckReminder { issued_on: NaiveDate },
    /// 进展反馈提醒: this reporting period ends at `deadline` (local time).
    ReportDue { deadline: NaiveDateTime },
    /// 催办 / 督办 / 通报: the item reached `level` of the escalation ladder.
    Escalation {
        level: i32,
        due_on: NaiveDate,
        /// Calendar and working days overdue, when known.
        days_overdue: Option<i64>,
        working_days_overdue: Option<i64>,
        /// An inspector's note when raised by hand (挂牌督办).
        note: Option<String>,
        /// The obligation that is late when it is not the due date itself:
        /// a milestone (里程碑“…”) or a period of a recurring duty.
        #[serde(default)]
        about: Option<String>,
    },
    /// 履职提醒: a milestone or a period of a recurring duty is due in `days_left` days.
    DutyReminder {
        /// What is due, in words: 里程碑“…” or 经常性工作“…”.
        about: String,
        due_on: NaiveDate,
        days_left: i64,
    },
    /// 挂起: the office paused the item's clock.
    Suspended { reason: String },
    /// 恢复: the clock runs again; `due_on` is the date that now holds.
    Resumed {
        due_on: NaiveDate,
        working_days: i64,
    },
    /// 退回: the office sent the completion request back.
    Returned { comment: String },
    /// 办结: the office approved the completion request.
    Approved { comment: Option<String> },
    /// 申请办结: the unit asks the office to close the item.
    CompletionRequested { text: String },
    /// 延期申请: the unit asks to move the due date.
    ExtensionRequested {
        from: NaiveDate,
        to: NaiveDate,
        reason: String,
    },
    /// 延期审批: the office's decision; `due_on` is the date that now holds.
    ExtensionDecided {
        approved: bool,
        due_on: NaiveDate,
        comment: Option<String>,
    },
    /// 撤销: the office withdrew the item.
    Cancelled { reason: Option<String> },
    /// 督查意见: a remark by an inspector or the office.
    Remark { author: String, text: String },
    /// 领导批示: a leader's instruction.
    Instruction { author: String, text: String },
    /// The office moved the due date from `from` to `to`.
    DueChanged { from: NaiveDate, to: NaiveDate },
    /// The working-day calendar has no schedule for `year` (admins).
    CalendarGap { year: i32, dir: String },
}

impl Message {
    pub fn kind(&self) -> NoticeKind {
        match self {
            Message::Assigned { .. } => NoticeKind::Assigned,
            Message::Reminder { .. } => NoticeKind::Reminder,
            Message::AckReminder { .. } => NoticeKind::AckReminder,
            Message::ReportDue { .. } => NoticeKind::ReportDue,
            Message::Escalation { .. } => NoticeKind::Escalation,
            Message::Returned { .. } => NoticeKind::Returned,
            Message::Approved { .. } => NoticeKind::Approved,
            Message::CompletionRequested { .. } => NoticeKind::CompletionRequested,
            Message::ExtensionRequested { .. } => NoticeKind::ExtensionRequested,
            Message::ExtensionDecided { .. } => NoticeKind::ExtensionDecided,
            Message::Cancelled { .. } => NoticeKind::Cancelled,
            Message::Remark { .. } => NoticeKind::Remark,
            Message::Instruction { .. } => NoticeKind::Instruction,
            Message::DueChanged { .. } => NoticeKind::DueChanged,
            Message::CalendarGap { .. } => NoticeKind::CalendarGap,
            Message::DutyReminder { .. } => NoticeKind::DutyReminder,
            Message::Suspended { .. } => NoticeKind::Suspended,
            Message::Resumed { .. } => NoticeKind::Resumed,
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        // A plain enum of plain values always serializes.
        serde_json::to_value(self).unwrap_or_default()
    }

    /// Why this message need not go out any more, if so: a nag (reminder,
    /// escalation) or a new assignment about an item that is closed by now,
    /// or a reminder for a due date an extension has since moved.
    pub fn obsolete(&self, item: &ItemFacts) -> Option<&'static str> {
        let nag = matches!(
            self,
            Message::Assigned { .. }
                | Message::Reminder { .. }
                | Message::AckReminder { .. }
                | Message::ReportDue { .. }
                | Message::Escalation { .. }
                | Message::DutyReminder { .. }
        );
        if nag && !item.status.is_open() {
            return Some("the assignment is no longer open");
        }
        if let Message::Reminder { due_on, .. } = self
            && *due_on != item.due_on
        {
            return Some("the due date has changed");
        }
        if matches!(self, Message::AckReminder { .. }) && item.status != Status::Issued {
            return Some("the assignment was acknowledged");
        }
        None
    }
}

/// What an outbox row holds: a message of the catalogue, or the text an
/// older version wrote (rows from before the catalogue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    Message(Message),
    Legacy { subject: String, body: String },
}

#[derive(Deserialize, Default)]
struct LegacyText {
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
}

impl Stored {
    pub fn from_json(v: &serde_json::Value) -> Stored {
        // Read from the value in place: no copy of it per row.
        Self::read(Message::deserialize(v), || LegacyText::deserialize(v))
    }

    /// The same reading from the stored JSON text (the dispatcher reads
    /// payloads as text: no tree of values built per row and dropped).
    pub fn from_json_text(text: &str) -> Stored {
        Self::read(serde_json::from_str(text), || serde_json::from_str(text))
    }

    /// A catalogue message if the payload is one, else the legacy text
    /// (empty where even that is missing).
    fn read(
        message: Result<Message, serde_json::Error>,
        legacy: impl FnOnce() -> Result<LegacyText, serde_json::Error>,
    ) -> Stored {
        match message {
            Ok(m) => Stored::Message(m),
            Err(_) => {
                let t = legacy().unwrap_or_default();
                Stored::Legacy {
                    subject: t.subject,
                    body: t.body,
                }
            }
        }
    }

    pub fn message(&self) -> Option<&Message> {
        match self {
            Stored::Message(m) => Some(m),
            Stored::Legacy { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_through_the_outbox() {
        let m = Message::Reminder {
            due_on: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            days_left: 3,
            acknowledged: false,
        };
        assert_eq!(Stored::from_json(&m.to_json()), Stored::Message(m.clone()));
        assert_eq!(
            Stored::from_json_text(&m.to_json().to_string()),
            Stored::Message(m.clone())
        );
        assert_eq!(m.to_json()["kind"], "reminder");
    }

    #[test]
    fn rows_from_before_the_catalogue_keep_their_text() {
        let v = serde_json::json!({"kind": "legacy", "subject": "旧主题", "body": "旧正文"});
        let legacy = Stored::Legacy {
            subject: "旧主题".into(),
            body: "旧正文".into(),
        };
        assert_eq!(Stored::from_json(&v), legacy);
        assert_eq!(Stored::from_json_text(&v.to_string()), legacy);
    }
}
