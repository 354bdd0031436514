use sea_orm::entity::prelude::*;

/// One step up the ladder, reached once per assignment and level.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "escalation_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub assignment_id: i64,
    pub level: i32,
    pub at: DateTimeUtc,
    /// Escalated by hand (an inspector) rather than by the scheduled scan.
    pub manual: bool,
    pub actor_user_id: Option<i64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    /// The user ids this step told, as a JSON array.
    pub recipients: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
