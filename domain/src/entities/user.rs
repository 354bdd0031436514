use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub unit_id: Option<i64>,
    /// Stored as comma-separated role names.
    #[sea_orm(column_type = "String(StringLen::N(100))")]
    pub roles: crate::role::RoleSet,
    pub active: bool,
    pub password_hash: String,
    /// Failed sign-ins since the last success; reset when a lock is taken.
    pub failed_logins: i32,
    pub locked_until: Option<DateTimeUtc>,
    /// Set when an administrator chose the password: the user must change
    /// it before doing anything else.
    pub must_change_password: bool,
    /// Carried by every token; raised by a password change or reset, a role
    /// or unit change and a deactivation, so older tokens stop working.
    pub credential_version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::unit::Entity",
        from = "Column::UnitId",
        to = "super::unit::Column::Id"
    )]
    Unit,
}

impl Related<super::unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Unit.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
