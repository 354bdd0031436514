//! 交办, before it happens: which units the plan's drafts go to, who in each
//! will be told, and which units nobody can be told about (no active person
//! with an address, no unit address), so the office can fix the directory
//! before issuing rather than learn of it from a missed deadline.

use std::collections::BTreeMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::Status;
use crate::context::Ctx;
use crate::entities::{assignment, plan, unit, user};
use crate::notify::Addressbook;
use crate::policy::ensure_plan_write;
use crate::role::Role;
use crate::{DomainError, DomainResult};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub display_name: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitReach {
    pub unit_id: i64,
    pub unit_name: String,
    /// Draft assignments this unit will receive.
    pub assignments: u64,
    /// The unit's active staff and head, who get the notice.
    pub people: Vec<Person>,
    pub unit_email: Option<String>,
    /// Someone can be told: a person with an address, the unit's own
    /// address or its robot (as issuing itself decides its warnings).
    pub reachable: bool,
}

#[derive(Debug, Clone)]
pub struct IssuePreview {
    pub plan: plan::Model,
    pub drafts: u64,
    pub units: Vec<UnitReach>,
}

impl IssuePreview {
    /// Units nobody can be told about.
    pub fn unreachable(&self) -> Vec<&UnitReach> {
        self.units.iter().filter(|u| !u.reachable).collect()
    }
}

fn address(e: Option<String>) -> Option<String> {
    e.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty())
}

pub async fn issue_preview(ctx: &Ctx<'_>, plan_id: i64) -> DomainResult<IssuePreview> {
    ensure_plan_write(ctx.actor)?;
    let conn = ctx.db().conn();
    let plan = plan::Entity::find_by_id(plan_id)
        .one(conn)
        .await?
        .ok_or(DomainError::NotFound("plan"))?;
    let drafts = assignment::Entity::find()
        .filter(assignment::Column::PlanId.eq(plan_id))
        .filter(assignment::Column::Status.eq(Status::Draft))
        .all(conn)
        .await?;
    let mut per_unit: BTreeMap<i64, u64> = BTreeMap::new();
    for a in &drafts {
        *per_unit.entry(a.unit_id).or_default() += 1;
    }
    let ids: Vec<i64> = per_unit.keys().copied().collect();
    let units: BTreeMap<i64, unit::Model> = unit::Entity::find()
        .filter(unit::Column::Id.is_in(ids.clone()))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let staff = user::Entity::find()
        .filter(user::Column::UnitId.is_in(ids.clone()))
        .filter(user::Column::Active.eq(true))
        .all(conn)
        .await?;
    let book = Addressbook::for_units(conn, &ids).await?;
    let out = per_unit
        .into_iter()
        .map(|(unit_id, n)| {
            let u = units.get(&unit_id);
            UnitReach {
                unit_id,
                unit_name: u.map(|u| u.name.clone()).unwrap_or_default(),
                assignments: n,
                people: staff
                    .iter()
                    .filter(|p| {
                        p.unit_id == Some(unit_id)
                            && p.roles.any(&[Role::UnitStaff, Role::UnitHead])
                    })
                    .map(|p| Person {
                        display_name: p.display_name.clone(),
                        email: address(p.email.clone()),
                    })
                    .collect(),
                unit_email: address(u.and_then(|u| u.email.clone())),
                reachable: book.reaches(unit_id),
            }
        })
        .collect();
    Ok(IssuePreview {
        plan,
        drafts: drafts.len() as u64,
        units: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_addresses_are_none() {
        assert_eq!(address(Some("  ".into())), None);
        assert_eq!(
            address(Some(" a@example.gov ".into())).as_deref(),
            Some("a@example.gov")
        );
    }
}
