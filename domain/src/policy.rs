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

impl Actor {
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
}

pub fn may_directory(actor: &Actor, action: DirectoryAction) -> bool {
    match action {
        DirectoryAction::ReadUnits => true,
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
        Err(crate::DomainError::Forbidden(format!(
            "{:?} requires the admin role",
            action
        )))
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
    fn an_actor_without_roles_may_do_nothing_but_read_units() {
        let a = actor(&[]);
        assert!(may_directory(&a, DirectoryAction::ReadUnits));
        assert!(ensure_directory(&a, DirectoryAction::ManageUsers).is_err());
        assert!(!a.sees_all_units());
    }
}
