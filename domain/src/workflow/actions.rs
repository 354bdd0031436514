//! What a viewer may do, asked before showing a button or a screen. The
//! answers come from the same rules the services apply when the step is
//! taken ([`transition`], [`party_for`], the policy checks), so a screen never
//! offers what the service would refuse, and never hides what it would allow.

use chrono::{DateTime, Utc};

use super::{Action, Party, Status, transition};
use crate::entities::comment::CommentKind;
use crate::policy::{
    self, Actor, DirectoryAction, Scope, assignment_scope, comment_kind, party_for,
};

/// The facts about one assignment that decide its actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemFacts {
    pub unit_id: i64,
    /// The unit that handed this item down, whose head reviews it.
    pub parent_unit_id: Option<i64>,
    pub status: Status,
    pub due_at: DateTime<Utc>,
    pub escalation_level: i32,
    /// The extension request waiting for a decision, if any.
    pub pending_extension: Option<i64>,
}

/// The steps the viewer may take on one assignment now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ItemActions {
    pub acknowledge: bool,
    pub report_progress: bool,
    pub request_completion: bool,
    pub request_extension: bool,
    pub approve: bool,
    pub return_: bool,
    /// The pending extension request the viewer may decide.
    pub decide_extension: Option<i64>,
    pub cancel: bool,
    /// What the viewer may write on the item: a remark (督查意见) or, for a
    /// leader, an instruction (领导批示).
    pub comment: Option<CommentKind>,
    pub escalate: bool,
}

impl ItemActions {
    /// Anything at all to offer.
    pub fn any(&self) -> bool {
        *self != ItemActions::default()
    }
}

/// May `actor` take `action` on an assignment of `unit_id` in `status`?
pub fn can(actor: &Actor, unit_id: i64, status: Status, action: Action) -> bool {
    transition(status, action, party_for(actor, unit_id, action)).is_ok()
}

/// The highest escalation level; 挂牌督办 cannot go past it.
pub const TOP_ESCALATION_LEVEL: i32 = 3;

/// 挂牌督办 by hand: inspectors raise an open item one level, up to the top.
pub fn may_escalate_by_hand(actor: &Actor, unit_id: i64, status: Status, level: i32) -> bool {
    can(actor, unit_id, status, Action::Escalate) && level < TOP_ESCALATION_LEVEL
}

pub fn item_actions(actor: &Actor, item: &ItemFacts, now: DateTime<Utc>) -> ItemActions {
    let can = |action| {
        let party = policy::party_for_item(actor, item.unit_id, item.parent_unit_id, action);
        transition(item.status, action, party).is_ok()
    };
    ItemActions {
        acknowledge: can(Action::Acknowledge),
        report_progress: can(Action::ReportProgress),
        request_completion: can(Action::RequestCompletion),
        // As the service checks: before the deadline, one request at a time.
        request_extension: can(Action::RequestExtension)
            && now < item.due_at
            && item.pending_extension.is_none(),
        approve: can(Action::Approve),
        return_: can(Action::Return),
        decide_extension: item
            .pending_extension
            .filter(|_| can(Action::DecideExtension)),
        cancel: can(Action::Cancel),
        comment: comment_kind(actor).ok(),
        escalate: may_escalate_by_hand(actor, item.unit_id, item.status, item.escalation_level),
    }
}

/// The screens of the web UI, in the order people meet them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Screen {
    Workbench,
    Assignments,
    Plans,
    Review,
    Extensions,
    Board,
    Assessment,
    Notifications,
    Admin,
}

impl Screen {
    pub const ALL: [Screen; 9] = [
        Screen::Workbench,
        Screen::Assignments,
        Screen::Plans,
        Screen::Review,
        Screen::Extensions,
        Screen::Board,
        Screen::Assessment,
        Screen::Notifications,
        Screen::Admin,
    ];
}

/// Acts as the supervising office on assignments (reviews, extensions).
fn acts_as_office(actor: &Actor) -> bool {
    party_for(actor, 0, Action::Approve) == Party::Office
}

/// May the actor open `screen` at all?
pub fn may_open(actor: &Actor, screen: Screen) -> bool {
    let sees_items = assignment_scope(actor) != Scope::Nothing;
    match screen {
        Screen::Workbench | Screen::Notifications => true,
        Screen::Assignments | Screen::Plans | Screen::Assessment => sees_items,
        // The office decides; a unit follows its own requests there.
        Screen::Extensions => sees_items && (acts_as_office(actor) || !actor.sees_all_units()),
        Screen::Review => acts_as_office(actor),
        Screen::Board => crate::supervision::ensure_inspection_view(actor).is_ok(),
        Screen::Admin => policy::may_directory(actor, DirectoryAction::ManageUsers),
    }
}

/// The screens the actor's navigation shows.
pub fn screens_for(actor: &Actor) -> Vec<Screen> {
    Screen::ALL
        .into_iter()
        .filter(|s| may_open(actor, *s))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::role::{Role, RoleSet};
    use chrono::Duration;

    fn actor(roles: &[Role], unit: Option<i64>) -> Actor {
        Actor {
            user_id: 7,
            username: "u".into(),
            unit_id: unit,
            roles: RoleSet::new(roles.iter().copied()),
        }
    }

    fn item(status: Status) -> ItemFacts {
        ItemFacts {
            parent_unit_id: None,
            unit_id: 1,
            status,
            due_at: now() + Duration::days(10),
            escalation_level: 0,
            pending_extension: None,
        }
    }

    fn now() -> DateTime<Utc> {
        "2026-03-02T01:00:00Z".parse().unwrap()
    }

    #[test]
    fn the_unit_acknowledges_then_reports_and_nobody_else_does() {
        let clerk = actor(&[Role::UnitStaff], Some(1));
        let a = item_actions(&clerk, &item(Status::Issued), now());
        assert!(a.acknowledge && !a.report_progress && !a.approve);
        assert!(
            a.request_extension,
            "an extension may be asked before acknowledging"
        );
        let a = item_actions(&clerk, &item(Status::Acknowledged), now());
        assert!(!a.acknowledge && a.report_progress && a.request_completion);
        let other = actor(&[Role::UnitStaff], Some(2));
        assert_eq!(
            item_actions(&other, &item(Status::Issued), now()),
            ItemActions::default()
        );
    }

    #[test]
    fn the_office_reviews_pending_items_and_decides_pending_extensions() {
        let office = actor(&[Role::Office], Some(9));
        let a = item_actions(&office, &item(Status::PendingReview), now());
        assert!(a.approve && a.return_ && a.cancel);
        assert_eq!(a.comment, Some(CommentKind::Remark));
        assert!(!a.acknowledge && !a.report_progress && a.decide_extension.is_none());
        let mut it = item(Status::InProgress);
        it.pending_extension = Some(5);
        assert_eq!(item_actions(&office, &it, now()).decide_extension, Some(5));
        assert!(!item_actions(&office, &item(Status::InProgress), now()).approve);
    }

    #[test]
    fn extensions_are_asked_before_the_deadline_and_one_at_a_time() {
        let clerk = actor(&[Role::UnitHead], Some(1));
        let mut it = item(Status::InProgress);
        assert!(item_actions(&clerk, &it, now()).request_extension);
        it.pending_extension = Some(3);
        assert!(!item_actions(&clerk, &it, now()).request_extension);
        it.pending_extension = None;
        it.due_at = now() - Duration::minutes(1);
        assert!(!item_actions(&clerk, &it, now()).request_extension);
        assert!(
            item_actions(&clerk, &it, now()).report_progress,
            "late work may still be reported"
        );
    }

    #[test]
    fn inspectors_remark_and_escalate_open_items_up_to_the_top_level() {
        let insp = actor(&[Role::Inspector], Some(9));
        let mut it = item(Status::InProgress);
        let a = item_actions(&insp, &it, now());
        assert!(a.comment.is_some() && a.escalate && !a.approve && !a.report_progress);
        it.escalation_level = TOP_ESCALATION_LEVEL;
        assert!(!item_actions(&insp, &it, now()).escalate);
        assert!(!item_actions(&insp, &item(Status::Completed), now()).escalate);
        let leader = actor(&[Role::Leader], None);
        let a = item_actions(&leader, &item(Status::InProgress), now());
        assert!(!a.escalate);
        assert_eq!(
            a.comment,
            Some(CommentKind::Instruction),
            "a leader writes instructions"
        );
    }

    #[test]
    fn finished_items_offer_nothing_but_remarks() {
        for s in [Status::Completed, Status::Cancelled] {
            for roles in [&[Role::Office][..], &[Role::UnitStaff], &[Role::Inspector]] {
                let a = item_actions(&actor(roles, Some(1)), &item(s), now());
                assert!(
                    !(a.acknowledge || a.report_progress || a.approve || a.cancel || a.escalate),
                    "{s:?} {roles:?}"
                );
            }
        }
    }

    #[test]
    fn navigation_follows_the_role() {
        use Screen::*;
        let clerk = actor(&[Role::UnitStaff], Some(1));
        assert_eq!(
            screens_for(&clerk),
            [
                Workbench,
                Assignments,
                Plans,
                Extensions,
                Assessment,
                Notifications
            ]
        );
        let office = actor(&[Role::Office], Some(9));
        assert_eq!(
            screens_for(&office),
            [
                Workbench,
                Assignments,
                Plans,
                Review,
                Extensions,
                Board,
                Assessment,
                Notifications
            ]
        );
        let insp = actor(&[Role::Inspector], Some(9));
        assert_eq!(
            screens_for(&insp),
            [
                Workbench,
                Assignments,
                Plans,
                Board,
                Assessment,
                Notifications
            ]
        );
        let admin = actor(&[Role::Admin], None);
        assert_eq!(screens_for(&admin), [Workbench, Notifications, Admin]);
        let homeless = actor(&[Role::UnitStaff], None);
        assert_eq!(screens_for(&homeless), [Workbench, Notifications]);
    }
}
