//! The assignment lifecycle as one pure function:
//! (state, action, party) -> new state, or why not.
//!
//! ```text
//! draft -> issued -> acknowledged -> in_progress -> pending_review -> completed
//!                                         ^               |
//!                                         +--- returned <-+
//! any open state -> cancelled (office only)
//! ```

crate::vocabulary::vocabulary! {
    /// Where an assignment stands; stored as its snake_case name.
    pub enum Status {
        Draft => "草稿",
        Issued => "已交办",
        Acknowledged => "已签收",
        InProgress => "办理中",
        PendingReview => "待审核",
        Returned => "已退回",
        Completed => "已办结",
        Cancelled => "已撤销",
    }
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Draft,
        Status::Issued,
        Status::Acknowledged,
        Status::InProgress,
        Status::PendingReview,
        Status::Returned,
        Status::Completed,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Issued => "issued",
            Status::Acknowledged => "acknowledged",
            Status::InProgress => "in_progress",
            Status::PendingReview => "pending_review",
            Status::Returned => "returned",
            Status::Completed => "completed",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Issued and not yet finished: the states a deadline can pass in.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Issued
                | Status::Acknowledged
                | Status::InProgress
                | Status::PendingReview
                | Status::Returned
        )
    }

    pub const OPEN: [Status; 5] = [
        Status::Issued,
        Status::Acknowledged,
        Status::InProgress,
        Status::PendingReview,
        Status::Returned,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Issue,
    Acknowledge,
    ReportProgress,
    RequestCompletion,
    Approve,
    Return,
    Cancel,
    RequestExtension,
    DecideExtension,
    /// 挂牌督办: an inspector raises an open item by hand.
    Escalate,
    /// The office moves the due date of a task's assignments.
    ChangeDue,
    /// 挂起: the office pauses the item's clock.
    Suspend,
    /// The office starts the clock again.
    Resume,
    /// 层层分解: the unit hands its assignment, or part of it, down.
    Delegate,
}

impl Action {
    pub const ALL: [Action; 14] = [
        Action::Issue,
        Action::Acknowledge,
        Action::ReportProgress,
        Action::RequestCompletion,
        Action::Approve,
        Action::Return,
        Action::Cancel,
        Action::RequestExtension,
        Action::DecideExtension,
        Action::Escalate,
        Action::ChangeDue,
        Action::Suspend,
        Action::Resume,
        Action::Delegate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Issue => "issue",
            Action::Acknowledge => "acknowledge",
            Action::ReportProgress => "report_progress",
            Action::RequestCompletion => "request_completion",
            Action::Approve => "approve",
            Action::Return => "return",
            Action::Cancel => "cancel",
            Action::RequestExtension => "request_extension",
            Action::DecideExtension => "decide_extension",
            Action::Escalate => "escalate",
            Action::ChangeDue => "change_due",
            Action::Suspend => "suspend",
            Action::Resume => "resume",
            Action::Delegate => "delegate",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Action::Issue => "交办",
            Action::Acknowledge => "签收",
            Action::ReportProgress => "反馈进展",
            Action::RequestCompletion => "申请办结",
            Action::Approve => "审核通过",
            Action::Return => "退回",
            Action::Cancel => "撤销",
            Action::RequestExtension => "申请延期",
            Action::DecideExtension => "审批延期",
            Action::Escalate => "挂牌督办",
            Action::ChangeDue => "调整完成时限",
            Action::Suspend => "挂起",
            Action::Resume => "恢复",
            Action::Delegate => "分解交办",
        }
    }

    /// Who acts: the assignment's own unit, or the supervising office.
    pub fn party(self) -> Party {
        match self {
            Action::Acknowledge
            | Action::ReportProgress
            | Action::RequestCompletion
            | Action::RequestExtension
            | Action::Delegate => Party::Unit,
            Action::Issue
            | Action::Approve
            | Action::Return
            | Action::Cancel
            | Action::DecideExtension
            | Action::ChangeDue
            | Action::Suspend
            | Action::Resume => Party::Office,
            Action::Escalate => Party::Inspector,
        }
    }
}

/// How the caller stands to one assignment (decided by the policy module).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Party {
    /// Staff or head of the assignment's unit.
    Unit,
    /// The supervising office.
    Office,
    /// Inspection staff (督查).
    Inspector,
    /// Anyone else who may see it (inspectors, leaders).
    Observer,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("{party:?} may not {action:?}")]
    NotYourAction { action: Action, party: Party },
    #[error("cannot {action:?} in state {from:?}")]
    NotInThisState { action: Action, from: Status },
}

impl TransitionError {
    /// The message shown to people.
    pub fn message(&self) -> String {
        match self {
            TransitionError::NotYourAction { action, .. } => {
                format!(
                    "无权执行“{}” (not permitted: {})",
                    action.label(),
                    action.as_str()
                )
            }
            TransitionError::NotInThisState { action, from } => format!(
                "事项当前为“{}”，不能“{}” (cannot {} when {})",
                from.label(),
                action.label(),
                action.as_str(),
                from.as_str()
            ),
        }
    }
}

/// The one place that decides what a step does to an assignment's state.
pub fn transition(from: Status, action: Action, party: Party) -> Result<Status, TransitionError> {
    if action.party() != party {
        return Err(TransitionError::NotYourAction { action, party });
    }
    use Status::*;
    let to = match (action, from) {
        (Action::Issue, Draft) => Issued,
        (Action::Acknowledge, Issued) => Acknowledged,
        (Action::ReportProgress, Acknowledged | InProgress | Returned) => InProgress,
        (Action::RequestCompletion, Acknowledged | InProgress | Returned) => PendingReview,
        (Action::Approve, PendingReview) => Completed,
        (Action::Return, PendingReview) => Returned,
        (Action::Cancel, Draft | Issued | Acknowledged | InProgress | PendingReview | Returned) => {
            Cancelled
        }
        // Extensions leave the state alone; they are possible while work is open
        // and before a completion request is decided.
        (Action::RequestExtension, Issued | Acknowledged | InProgress | Returned) => from,
        (
            Action::DecideExtension,
            Issued | Acknowledged | InProgress | PendingReview | Returned,
        ) => from,
        // An item under supervision stays where it is; only open ones can be raised.
        (Action::Escalate, Issued | Acknowledged | InProgress | PendingReview | Returned) => from,
        // A corrected deadline applies to drafts and to work still open.
        (
            Action::ChangeDue,
            Draft | Issued | Acknowledged | InProgress | PendingReview | Returned,
        ) => from,
        // The clock pauses for open work; the flag beside the state says so.
        (
            Action::Suspend | Action::Resume,
            Issued | Acknowledged | InProgress | PendingReview | Returned,
        ) => from,
        // A unit hands down what it has signed for and still works on.
        (Action::Delegate, Acknowledged | InProgress | Returned) => from,
        _ => return Err(TransitionError::NotInThisState { action, from }),
    };
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARTIES: [Party; 4] = [
        Party::Unit,
        Party::Office,
        Party::Inspector,
        Party::Observer,
    ];

    /// The whole table, written out as a person would check it.
    fn expected(from: Status, action: Action) -> Option<Status> {
        use Status::*;
        Some(match (from, action) {
            (Draft, Action::Issue) => Issued,
            (Issued, Action::Acknowledge) => Acknowledged,
            (Acknowledged | InProgress | Returned, Action::ReportProgress) => InProgress,
            (Acknowledged | InProgress | Returned, Action::RequestCompletion) => PendingReview,
            (PendingReview, Action::Approve) => Completed,
            (PendingReview, Action::Return) => Returned,
            (Completed | Cancelled, Action::Cancel) => return None,
            (s, Action::Cancel) => {
                let _ = s;
                Cancelled
            }
            (Issued | Acknowledged | InProgress | Returned, Action::RequestExtension) => from,
            (
                Issued | Acknowledged | InProgress | PendingReview | Returned,
                Action::DecideExtension | Action::Escalate,
            ) => from,
            (
                Draft | Issued | Acknowledged | InProgress | PendingReview | Returned,
                Action::ChangeDue,
            ) => from,
            (
                Issued | Acknowledged | InProgress | PendingReview | Returned,
                Action::Suspend | Action::Resume,
            ) => from,
            (Acknowledged | InProgress | Returned, Action::Delegate) => from,
            _ => return None,
        })
    }

    #[test]
    fn every_state_action_and_party() {
        let mut allowed = 0;
        for from in Status::ALL {
            for action in Action::ALL {
                for party in PARTIES {
                    let got = transition(from, action, party);
                    if party != action.party() {
                        assert_eq!(
                            got,
                            Err(TransitionError::NotYourAction { action, party }),
                            "{from:?} {action:?} {party:?}"
                        );
                        continue;
                    }
                    match expected(from, action) {
                        Some(to) => {
                            assert_eq!(got, Ok(to), "{from:?} {action:?}");
                            allowed += 1;
                        }
                        None => assert_eq!(
                            got,
                            Err(TransitionError::NotInThisState { action, from }),
                            "{from:?} {action:?}"
                        ),
                    }
                }
            }
        }
        assert_eq!(
            allowed, 49,
            "the number of legal steps changed: update the table"
        );
    }

    #[test]
    fn finished_items_accept_nothing() {
        for action in Action::ALL {
            for from in [Status::Completed, Status::Cancelled] {
                assert!(transition(from, action, action.party()).is_err());
            }
        }
    }

    #[test]
    fn observers_never_change_anything() {
        for from in Status::ALL {
            for action in Action::ALL {
                assert!(transition(from, action, Party::Observer).is_err());
            }
        }
    }

    #[test]
    fn messages_are_chinese_first() {
        let e = transition(Status::Acknowledged, Action::Acknowledge, Party::Unit).unwrap_err();
        assert!(
            e.message().starts_with("事项当前为“已签收”"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn status_names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("done"), None);
    }
}
