//! Who is told: the active users by role, per unit for the unit-bound
//! roles. Read once per run (users are few next to assignments).

use std::collections::HashMap;

use duban_domain::entities::user;
use duban_domain::role::{Role, RoleSet};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

#[derive(Debug, Default)]
pub(crate) struct People {
    by_unit: HashMap<(i64, Role), Vec<i64>>,
    anywhere: HashMap<Role, Vec<i64>>,
}

impl People {
    pub(crate) async fn load<C: ConnectionTrait>(conn: &C) -> Result<Self, DbErr> {
        let rows: Vec<(i64, Option<i64>, String)> = user::Entity::find()
            .select_only()
            .columns([user::Column::Id, user::Column::UnitId, user::Column::Roles])
            .filter(user::Column::Active.eq(true))
            .into_tuple()
            .all(conn)
            .await?;
        let mut people = People::default();
        for (id, unit_id, roles) in rows {
            for role in RoleSet::from_stored(&roles).iter() {
                match (role.is_unit_bound(), unit_id) {
                    (true, Some(u)) => people.by_unit.entry((u, role)).or_default().push(id),
                    (true, None) => {}
                    (false, _) => people.anywhere.entry(role).or_default().push(id),
                }
            }
        }
        Ok(people)
    }

    /// Holders of `role` who concern `unit_id` (its own staff or head; any
    /// inspector, leader, office user or admin).
    pub(crate) fn of(&self, role: Role, unit_id: i64) -> &[i64] {
        let found = if role.is_unit_bound() {
            self.by_unit.get(&(unit_id, role))
        } else {
            self.anywhere.get(&role)
        };
        found.map_or(&[], Vec::as_slice)
    }

    /// Everyone holding any of `roles` for `unit_id`, each once.
    pub(crate) fn audience(&self, roles: &[Role], unit_id: i64) -> Vec<i64> {
        let mut ids: Vec<i64> = roles
            .iter()
            .flat_map(|r| self.of(*r, unit_id).iter().copied())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}
