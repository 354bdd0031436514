use sea_orm::entity::prelude::*;

/// One change, as it happened. Rows are only ever inserted.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    /// None for the system itself (jobs, first start).
    pub actor_user_id: Option<i64>,
    pub actor_name: String,
    /// The kind of object changed: "unit", "user", "assignment", ...
    pub entity: String,
    pub entity_id: i64,
    pub action: String,
    pub before: Option<Json>,
    pub after: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
