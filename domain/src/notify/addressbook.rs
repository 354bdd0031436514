//! Who hears of what: the active users by unit and role, the units' contact
//! addresses and their group robots. A scan reads it once per run; a single
//! change reads the part that concerns its units.

use std::collections::{BTreeSet, HashMap};

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};

use crate::entities::notification::Channel;
use crate::entities::{unit, unit_channel, user};
use crate::role::{Role, RoleSet};

/// Where one message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Address {
    /// A person: their notification list, and e-mail if they have an address.
    User(i64),
    /// A unit's contact address, for a unit nobody there can be told in person.
    UnitEmail(i64),
    /// A unit's group robot.
    Robot { channel_id: i64, kind: Channel },
}

impl Address {
    /// Appended to a notice's key. A person's is their bare id, as keys
    /// were written before units and robots could be told.
    pub(crate) fn key_suffix(&self) -> String {
        match self {
            Address::User(u) => u.to_string(),
            Address::UnitEmail(u) => format!("unit{u}"),
            Address::Robot { channel_id, .. } => format!("robot{channel_id}"),
        }
    }

    pub fn channel(&self) -> Channel {
        match self {
            Address::User(_) | Address::UnitEmail(_) => Channel::Email,
            Address::Robot { kind, .. } => *kind,
        }
    }
}

#[derive(Debug, Clone)]
struct Person {
    id: i64,
    unit_id: Option<i64>,
    roles: RoleSet,
    has_email: bool,
}

#[derive(Debug, Default, Clone)]
pub struct Addressbook {
    people: Vec<Person>,
    unit_emails: HashMap<i64, bool>,
    robots: HashMap<i64, Vec<(i64, Channel)>>,
}

fn has_text(s: Option<&str>) -> bool {
    s.is_some_and(|e| !e.trim().is_empty())
}

impl Addressbook {
    /// Everyone (a scan's view).
    pub async fn load<C: ConnectionTrait>(conn: &C) -> Result<Self, DbErr> {
        Self::load_where(conn, None).await
    }

    /// What concerns `unit_ids` and the people who hold roles anywhere
    /// (office, inspectors, leaders, admins): a single change's view.
    pub async fn for_units<C: ConnectionTrait>(conn: &C, unit_ids: &[i64]) -> Result<Self, DbErr> {
        Self::load_where(conn, Some(unit_ids)).await
    }

    async fn load_where<C: ConnectionTrait>(
        conn: &C,
        unit_ids: Option<&[i64]>,
    ) -> Result<Self, DbErr> {
        let mut users = user::Entity::find()
            .select_only()
            .columns([
                user::Column::Id,
                user::Column::UnitId,
                user::Column::Roles,
                user::Column::Email,
            ])
            .filter(user::Column::Active.eq(true));
        if let Some(units) = unit_ids {
            let mut anywhere =
                Condition::any().add(user::Column::UnitId.is_in(units.iter().copied()));
            for role in Role::ALL.into_iter().filter(|r| !r.is_unit_bound()) {
                anywhere = anywhere.add(RoleSet::holds(user::Column::Roles, role));
            }
            users = users.filter(anywhere);
        }
        let rows: Vec<(i64, Option<i64>, RoleSet, Option<String>)> =
            users.into_tuple().all(conn).await?;
        let people: Vec<Person> = rows
            .into_iter()
            .map(|(id, unit_id, roles, email)| Person {
                id,
                unit_id,
                roles,
                has_email: has_text(email.as_deref()),
            })
            .collect();
        let mut wanted: BTreeSet<i64> = people.iter().filter_map(|p| p.unit_id).collect();
        if let Some(units) = unit_ids {
            wanted.extend(units.iter().copied());
        }
        let mut unit_emails = HashMap::new();
        let mut robots: HashMap<i64, Vec<(i64, Channel)>> = HashMap::new();
        let wanted: Vec<i64> = wanted.into_iter().collect();
        for chunk in wanted.chunks(1000) {
            let mut units = unit::Entity::find()
                .select_only()
                .columns([unit::Column::Id, unit::Column::Email]);
            let mut channels = unit_channel::Entity::find()
                .select_only()
                .columns([
                    unit_channel::Column::Id,
                    unit_channel::Column::UnitId,
                    unit_channel::Column::Kind,
                ])
                .filter(unit_channel::Column::Active.eq(true));
            if unit_ids.is_some() {
                units = units.filter(unit::Column::Id.is_in(chunk.iter().copied()));
                channels =
                    channels.filter(unit_channel::Column::UnitId.is_in(chunk.iter().copied()));
            }
            let found: Vec<(i64, Option<String>)> = units.into_tuple().all(conn).await?;
            unit_emails.extend(
                found
                    .into_iter()
                    .map(|(id, e)| (id, has_text(e.as_deref()))),
            );
            let found: Vec<(i64, i64, Channel)> = channels.into_tuple().all(conn).await?;
            for (id, unit_id, kind) in found {
                robots.entry(unit_id).or_default().push((id, kind));
            }
            if unit_ids.is_none() {
                break;
            }
        }
        Ok(Self {
            people,
            unit_emails,
            robots,
        })
    }

    fn robots_of(&self, unit_id: i64) -> impl Iterator<Item = Address> + '_ {
        self.robots
            .get(&unit_id)
            .into_iter()
            .flatten()
            .map(|(channel_id, kind)| Address::Robot {
                channel_id: *channel_id,
                kind: *kind,
            })
    }

    /// Holders of `roles` for `unit_id`: its own staff or head for the
    /// unit-bound roles (and then the unit's robots, and its contact
    /// address when none of them has an e-mail address); anyone holding
    /// the other roles (and the robots of their units).
    pub fn audience(&self, roles: &[Role], unit_id: i64) -> Vec<Address> {
        let mut out = BTreeSet::new();
        let unit_roles: Vec<Role> = roles
            .iter()
            .copied()
            .filter(|r| r.is_unit_bound())
            .collect();
        if !unit_roles.is_empty() {
            let mut mailed = false;
            for p in self
                .people
                .iter()
                .filter(|p| p.unit_id == Some(unit_id) && p.roles.any(&unit_roles))
            {
                out.insert(Address::User(p.id));
                mailed |= p.has_email;
            }
            if !mailed && self.unit_emails.get(&unit_id).copied().unwrap_or(false) {
                out.insert(Address::UnitEmail(unit_id));
            }
            out.extend(self.robots_of(unit_id));
        }
        let other_roles: Vec<Role> = roles
            .iter()
            .copied()
            .filter(|r| !r.is_unit_bound())
            .collect();
        if !other_roles.is_empty() {
            for p in self.people.iter().filter(|p| p.roles.any(&other_roles)) {
                out.insert(Address::User(p.id));
                if let Some(u) = p.unit_id {
                    out.extend(self.robots_of(u));
                }
            }
        }
        out.into_iter().collect()
    }

    /// A unit's own people (staff and head), as most changes tell them.
    pub fn unit(&self, unit_id: i64) -> Vec<Address> {
        self.audience(&[Role::UnitStaff, Role::UnitHead], unit_id)
    }

    /// Whether anything sent to the unit reaches someone: one of its staff
    /// or head with an e-mail address, its contact address, or a robot.
    pub fn reaches(&self, unit_id: i64) -> bool {
        self.audience(&[Role::UnitStaff, Role::UnitHead], unit_id)
            .iter()
            .any(|a| match a {
                Address::User(u) => self.people.iter().any(|p| p.id == *u && p.has_email),
                Address::UnitEmail(_) | Address::Robot { .. } => true,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> Addressbook {
        let person = |id, unit_id, roles: &[Role], has_email| Person {
            id,
            unit_id,
            roles: RoleSet::new(roles.iter().copied()),
            has_email,
        };
        Addressbook {
            people: vec![
                person(1, Some(10), &[Role::UnitStaff], true),
                person(2, Some(10), &[Role::UnitHead], false),
                person(3, Some(20), &[Role::UnitStaff], false),
                person(4, Some(99), &[Role::Inspector], true),
                person(5, Some(99), &[Role::Office], true),
            ],
            unit_emails: HashMap::from([(10, true), (20, true), (30, false), (99, true)]),
            robots: HashMap::from([
                (10, vec![(7, Channel::Dingtalk)]),
                (99, vec![(8, Channel::Wecom)]),
            ]),
        }
    }

    #[test]
    fn a_unit_is_told_in_person_and_on_its_robot() {
        assert_eq!(
            book().unit(10),
            vec![
                Address::User(1),
                Address::User(2),
                Address::Robot {
                    channel_id: 7,
                    kind: Channel::Dingtalk
                }
            ]
        );
    }

    #[test]
    fn a_unit_whose_people_have_no_address_is_told_at_its_own() {
        assert_eq!(
            book().unit(20),
            vec![Address::User(3), Address::UnitEmail(20)]
        );
        assert!(book().reaches(20));
        assert!(book().unit(30).is_empty());
        assert!(!book().reaches(30), "no account, no address, no robot");
    }

    #[test]
    fn roles_held_anywhere_reach_their_holders_and_their_units_robots() {
        // Unit 10's head has no address of their own: the unit's is used.
        assert_eq!(
            book().audience(&[Role::UnitHead, Role::Inspector], 10),
            vec![
                Address::User(2),
                Address::User(4),
                Address::UnitEmail(10),
                Address::Robot {
                    channel_id: 7,
                    kind: Channel::Dingtalk
                },
                Address::Robot {
                    channel_id: 8,
                    kind: Channel::Wecom
                },
            ]
        );
    }
}
