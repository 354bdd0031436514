//! The roles of `DESIGN.md` and the set a user holds.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// Manages units and users.
    Admin,
    /// The supervising office: issues plans, reviews, decides extensions, cancels.
    Office,
    /// A unit's clerk: acknowledges and reports for their own unit.
    UnitStaff,
    /// A unit's head: as staff, and is told of escalations.
    UnitHead,
    /// Inspection staff (督查): read everything, comment, escalate by hand.
    Inspector,
    /// Leaders: read everything; told at the top of the ladder.
    Leader,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Office,
        Role::UnitStaff,
        Role::UnitHead,
        Role::Inspector,
        Role::Leader,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Office => "office",
            Role::UnitStaff => "unit_staff",
            Role::UnitHead => "unit_head",
            Role::Inspector => "inspector",
            Role::Leader => "leader",
        }
    }

    /// Roles that act for one unit and so need one.
    pub fn is_unit_bound(self) -> bool {
        matches!(self, Role::UnitStaff | Role::UnitHead)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "未知角色“{0}”：须为 admin、office、unit_staff、unit_head、inspector、leader 之一 (unknown role)"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// A user's roles: sorted, without duplicates, never empty once validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleSet(Vec<Role>);

impl RoleSet {
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Self {
        let mut v: Vec<Role> = roles.into_iter().collect();
        v.sort();
        v.dedup();
        Self(v)
    }

    /// Reads the stored form ("office,inspector"). Unknown names are skipped
    /// with a log line: a role removed from the code must not lock the user
    /// out of the roles that remain.
    pub fn from_stored(s: &str) -> Self {
        Self::new(
            s.split(',')
                .filter(|p| !p.trim().is_empty())
                .filter_map(|p| {
                    p.parse()
                        .map_err(
                            |e: UnknownRole| tracing::warn!(error = %e, "ignoring stored role"),
                        )
                        .ok()
                }),
        )
    }

    pub fn to_stored(&self) -> String {
        self.0
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn contains(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.contains(*r))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    pub fn names(&self) -> Vec<String> {
        self.0.iter().map(|r| r.as_str().to_owned()).collect()
    }
}

/// Stored as the comma-separated names (`"office,inspector"`), read back
/// through [`RoleSet::from_stored`].
impl From<RoleSet> for sea_orm::Value {
    fn from(r: RoleSet) -> Self {
        sea_orm::Value::String(Some(Box::new(r.to_stored())))
    }
}

impl sea_orm::TryGetable for RoleSet {
    fn try_get_by<I: sea_orm::ColIdx>(
        res: &sea_orm::QueryResult,
        index: I,
    ) -> Result<Self, sea_orm::TryGetError> {
        String::try_get_by(res, index).map(|s| RoleSet::from_stored(&s))
    }
}

impl sea_orm::sea_query::ValueType for RoleSet {
    fn try_from(v: sea_orm::Value) -> Result<Self, sea_orm::sea_query::ValueTypeErr> {
        match v {
            sea_orm::Value::String(Some(s)) => Ok(RoleSet::from_stored(&s)),
            _ => Err(sea_orm::sea_query::ValueTypeErr),
        }
    }

    fn type_name() -> String {
        "RoleSet".to_owned()
    }

    fn array_type() -> sea_orm::sea_query::ArrayType {
        sea_orm::sea_query::ArrayType::String
    }

    fn column_type() -> sea_orm::sea_query::ColumnType {
        sea_orm::sea_query::ColumnType::String(sea_orm::sea_query::StringLen::N(100))
    }
}

impl sea_orm::sea_query::Nullable for RoleSet {
    fn null() -> sea_orm::Value {
        sea_orm::Value::String(None)
    }
}

impl RoleSet {
    /// Rows whose stored set (in `col`) holds `role`.
    pub fn holds<C: sea_orm::ColumnTrait>(col: C, role: Role) -> sea_orm::Condition {
        let r = role.as_str();
        sea_orm::Condition::any()
            .add(col.eq(r))
            .add(col.like(format!("{r},%")))
            .add(col.like(format!("%,{r}")))
            .add(col.like(format!("%,{r},%")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_form_round_trips_sorted_and_deduplicated() {
        let set = RoleSet::new([Role::Inspector, Role::Office, Role::Inspector]);
        assert_eq!(set.to_stored(), "office,inspector");
        assert_eq!(RoleSet::from_stored("office,inspector"), set);
    }

    #[test]
    fn unknown_stored_roles_are_dropped_not_fatal() {
        let set = RoleSet::from_stored("office,emperor,");
        assert_eq!(set.names(), ["office"]);
    }

    #[test]
    fn every_role_parses_from_its_name() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("Admin ".parse::<Role>().is_err());
    }
}
