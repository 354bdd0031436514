//! Who may do what. Handlers never decide this; they ask here.
//!
//! Every decision takes the [`Actor`] as read fresh from the database on this
//! request, so a change of role, unit or the active flag applies at once.

use crate::role::{Role, RoleSet};

/// The caller of a use case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub unit_id: Option<i64>,
    pub roles: RoleSet,
}

/// The id [`Actor::system`] goes by; no account has it.
const SYSTEM_USER_ID: i64 = 0;

impl Actor {
    /// The service itself acting (the command line, the first start, the
    /// demo loader): it manages the directory and is recorded as "system".
    pub fn system() -> Actor {
        Actor {
            user_id: SYSTEM_USER_ID,
            username: "system".into(),
            unit_id: None,
            roles: RoleSet::new([Role::Admin]),
        }
    }

    pub fn is_system(&self) -> bool {
        self.user_id == SYSTEM_USER_ID
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(role)
    }

    /// Sees every unit's items: the office, inspectors and leaders.
    pub fn sees_all_units(&self) -> bool {
        self.roles
            .any(&[Role::Office, Role::Inspector, Role::Leader])
    }
}

/// What an actor asks to do with the unit directory or the accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectoryAction {
    /// Read the unit tree: every signed-in user needs names to work with.
    ReadUnits,
    ManageUnits,
    ReadUsers,
    ManageUsers,
    /// Add or remove a unit's group robots: the admins and the office.
    ManageChannels,
}

pub fn may_directory(actor: &Actor, action: DirectoryAction) -> bool {
    match action {
        DirectoryAction::ReadUnits => true,
        DirectoryAction::ManageChannels => actor.has(Role::Admin) || actor.has(Role::Office),
        DirectoryAction::ManageUnits
        | DirectoryAction::ReadUsers
        | DirectoryAction::ManageUsers => actor.has(Role::Admin),
    }
}

/// The same decision as a `Result`, for use with `?` in services.
pub fn ensure_directory(actor: &Actor, action: DirectoryAction) -> Result<(), crate::DomainError> {
    if may_directory(actor, action) {
        Ok(())
    } else {
        Err(crate::DomainError::Forbidden(match action {
            DirectoryAction::ReadUsers => {
                "只有系统管理员可以查看账户 (only administrators read accounts)".into()
            }
            DirectoryAction::ManageUsers => {
                "只有系统管理员可以管理账户 (only administrators manage accounts)".into()
            }
            DirectoryAction::ManageChannels => {
                "只有系统管理员和督查室可以管理推送渠道 (only administrators and the office manage robots)".into()
            }
            DirectoryAction::ManageUnits | DirectoryAction::ReadUnits => {
                "只有系统管理员可以管理单位 (only administrators manage units)".into()
            }
        }))
    }
}

/// Which assignments an actor may see at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every unit's (office, inspectors, leaders).
    All,
    /// One unit's issued items (its staff and head).
    Unit(i64),
    /// None (admins manage accounts, not work).
    Nothing,
}

pub fn assignment_scope(actor: &Actor) -> Scope {
    if actor.sees_all_units() {
        Scope::All
    } else if actor.roles.iter().any(Role::is_unit_bound) {
        actor.unit_id.map_or(Scope::Nothing, Scope::Unit)
    } else {
        Scope::Nothing
    }
}

/// May the actor see this assignment? Units never see drafts: nothing has
/// been given to them yet. Answers `NotFound` rather than `Forbidden` for
/// another unit's item, so ids reveal nothing.
pub fn ensure_visible(
    actor: &Actor,
    assignment_unit_id: i64,
    is_draft: bool,
) -> Result<(), crate::DomainError> {
    match assignment_scope(actor) {
        Scope::All => Ok(()),
        Scope::Unit(u) if u == assignment_unit_id && !is_draft => Ok(()),
        Scope::Unit(_) => Err(crate::DomainError::NotFound("assignment")),
        Scope::Nothing => Err(crate::DomainError::Forbidden(
            "该角色不能查看督办事项 (this role has no access to assignments)".into(),
        )),
    }
}

/// [`ensure_visible`] for an item that may have been handed down: the
/// handing unit (`parent_unit_id`) sees it too, and nobody else below the
/// office does.
pub fn ensure_visible_item(
    actor: &Actor,
    assignment_unit_id: i64,
    parent_unit_id: Option<i64>,
    is_draft: bool,
) -> Result<(), crate::DomainError> {
    match (assignment_scope(actor), parent_unit_id) {
        (Scope::Unit(u), Some(p)) if u == p && !is_draft => Ok(()),
        _ => ensure_visible(actor, assignment_unit_id, is_draft),
    }
}

/// [`party_for`] on an item that may have been handed down: the handing
/// unit's head, not the office, decides its completion and extensions.
pub fn party_for_item(
    actor: &Actor,
    assignment_unit_id: i64,
    parent_unit_id: Option<i64>,
    action: crate::workflow::Action,
) -> crate::workflow::Party {
    use crate::workflow::{Action, Party};
    match (parent_unit_id, action) {
        (Some(p), Action::Approve | Action::Return | Action::DecideExtension) => {
            if actor.unit_id == Some(p) && actor.has(Role::UnitHead) {
                Party::Office
            } else {
                Party::Observer
            }
        }
        _ => party_for(actor, assignment_unit_id, action),
    }
}

/// How the actor stands to an assignment they can see, for `action`.
pub fn party_for(
    actor: &Actor,
    assignment_unit_id: i64,
    action: crate::workflow::Action,
) -> crate::workflow::Party {
    use crate::workflow::Party;
    match action.party() {
        Party::Office if actor.has(Role::Office) => Party::Office,
        Party::Inspector if actor.has(Role::Inspector) => Party::Inspector,
        Party::Unit
            if actor.unit_id == Some(assignment_unit_id)
                && actor.roles.iter().any(Role::is_unit_bound) =>
        {
            Party::Unit
        }
        _ => Party::Observer,
    }
}

/// Plans: the office writes them; the office, inspectors and leaders read
/// them all; a unit reads those it has issued items in.
pub fn ensure_plan_write(actor: &Actor) -> Result<(), crate::DomainError> {
    if actor.has(Role::Office) {
        Ok(())
    } else {
        Err(crate::DomainError::Forbidden(
            "只有督办办公室可以编制和下发督办文件 (only the office manages plans)".into(),
        ))
    }
}

/// Who may write on an item, and as what: inspectors and the office write
/// remarks (督查意见), leaders instructions (领导批示).
pub fn comment_kind(
    actor: &Actor,
) -> Result<crate::entities::comment::CommentKind, crate::DomainError> {
    use crate::entities::comment::CommentKind;
    if actor.roles.any(&[Role::Inspector, Role::Office]) {
        Ok(CommentKind::Remark)
    } else if actor.has(Role::Leader) {
        Ok(CommentKind::Instruction)
    } else {
        Err(crate::DomainError::Forbidden(
            "只有督查人员、督办办公室和领导可以发表意见或批示 (only inspectors, the office and leaders comment)"
                .into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(roles: &[Role]) -> Actor {
        Actor {
            user_id: 1,
            username: "u".into(),
            unit_id: Some(1),
            roles: RoleSet::new(roles.iter().copied()),
        }
    }

    #[test]
    fn only_admins_manage_the_directory_but_everyone_reads_units() {
        use DirectoryAction::*;
        for role in Role::ALL {
            let a = actor(&[role]);
            assert!(may_directory(&a, ReadUnits), "{role} reads units");
            for action in [ManageUnits, ReadUsers, ManageUsers] {
                assert_eq!(
                    may_directory(&a, action),
                    role == Role::Admin,
                    "{role} {action:?}"
                );
            }
        }
    }

    #[test]
    fn scopes_by_role() {
        assert_eq!(assignment_scope(&actor(&[Role::Inspector])), Scope::All);
        assert_eq!(assignment_scope(&actor(&[Role::UnitStaff])), Scope::Unit(1));
        assert_eq!(assignment_scope(&actor(&[Role::Admin])), Scope::Nothing);
        let mut homeless = actor(&[Role::UnitHead]);
        homeless.unit_id = None;
        assert_eq!(assignment_scope(&homeless), Scope::Nothing);
    }

    #[test]
    fn other_units_and_drafts_are_not_found_for_unit_staff() {
        let staff = actor(&[Role::UnitStaff]);
        assert!(ensure_visible(&staff, 1, false).is_ok());
        assert!(matches!(
            ensure_visible(&staff, 2, false),
            Err(crate::DomainError::NotFound(_))
        ));
        assert!(matches!(
            ensure_visible(&staff, 1, true),
            Err(crate::DomainError::NotFound(_))
        ));
        assert!(ensure_visible(&actor(&[Role::Leader]), 2, true).is_ok());
        assert!(matches!(
            ensure_visible(&actor(&[Role::Admin]), 1, false),
            Err(crate::DomainError::Forbidden(_))
        ));
    }

    #[test]
    fn parties_follow_role_and_unit() {
        use crate::workflow::{Action, Party};
        let staff = actor(&[Role::UnitStaff]);
        assert_eq!(party_for(&staff, 1, Action::Acknowledge), Party::Unit);
        assert_eq!(party_for(&staff, 2, Action::Acknowledge), Party::Observer);
        assert_eq!(party_for(&staff, 1, Action::Approve), Party::Observer);
        let office = actor(&[Role::Office]);
        assert_eq!(party_for(&office, 1, Action::Approve), Party::Office);
        assert_eq!(party_for(&office, 1, Action::Acknowledge), Party::Observer);
        let inspector = actor(&[Role::Inspector]);
        for a in crate::workflow::Action::ALL {
            let expected = if a == Action::Escalate {
                Party::Inspector
            } else {
                Party::Observer
            };
            assert_eq!(party_for(&inspector, 1, a), expected, "{a:?}");
        }
        assert_eq!(party_for(&office, 1, Action::Escalate), Party::Observer);
    }

    #[test]
    fn the_handing_units_head_reviews_a_handed_down_item_and_sees_it() {
        use crate::workflow::{Action, Party};
        let mut head = actor(&[Role::UnitHead]);
        head.unit_id = Some(10);
        let mut staff = actor(&[Role::UnitStaff]);
        staff.unit_id = Some(10);
        let office = actor(&[Role::Office]);
        // Item of unit 11, handed down by unit 10.
        for a in [Action::Approve, Action::Return, Action::DecideExtension] {
            assert_eq!(party_for_item(&head, 11, Some(10), a), Party::Office);
            assert_eq!(party_for_item(&staff, 11, Some(10), a), Party::Observer);
            assert_eq!(party_for_item(&office, 11, Some(10), a), Party::Observer);
            assert_eq!(party_for_item(&office, 11, None, a), Party::Office);
        }
        assert_eq!(
            party_for_item(&office, 11, Some(10), Action::Suspend),
            Party::Office
        );
        assert!(ensure_visible_item(&staff, 11, Some(10), false).is_ok());
        let mut sibling = actor(&[Role::UnitStaff]);
        sibling.unit_id = Some(12);
        assert!(matches!(
            ensure_visible_item(&sibling, 11, Some(10), false),
            Err(crate::DomainError::NotFound(_))
        ));
        assert!(ensure_visible_item(&staff, 11, None, false).is_err());
    }

    #[test]
    fn an_actor_without_roles_may_do_nothing_but_read_units() {
        let a = actor(&[]);
        assert!(may_directory(&a, DirectoryAction::ReadUnits));
        assert!(ensure_directory(&a, DirectoryAction::ManageUsers).is_err());
        assert!(!a.sees_all_units());
    }
}
