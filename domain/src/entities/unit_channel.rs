//! A unit's group robot (DingTalk, WeCom or Feishu): messages to the unit
//! are posted there too.

use sea_orm::entity::prelude::*;

use super::notification::Channel;

#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "unit_channels")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub unit_id: i64,
    /// What the office calls it, e.g. 民政局工作群.
    pub name: Option<String>,
    /// Never `email`: a unit's address is `units.email`.
    pub kind: Channel,
    /// The robot's webhook address (http or https).
    pub url: String,
    /// The signing secret (DingTalk, Feishu); never shown again once stored.
    pub secret: Option<String>,
    pub active: bool,
    /// The platform's last permanent refusal, for the admins.
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub created_by: Option<i64>,
    /// The current sending minute and how many messages went out in it,
    /// shared by every dispatcher.
    pub window_started_at: Option<DateTimeUtc>,
    pub window_sends: i32,
    /// Nothing is sent before this: the platform asked us to slow down.
    pub paused_until: Option<DateTimeUtc>,
}

/// The webhook address carries a key and the secret signs: neither may reach a log.
impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnitChannel")
            .field("id", &self.id)
            .field("unit_id", &self.unit_id)
            .field("kind", &self.kind)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
