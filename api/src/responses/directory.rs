//! Units and accounts.

use chrono::{DateTime, Utc};
use duban_domain::entities::unit::{self, UnitKind};
use duban_domain::entities::user;
use duban_domain::role::Role;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct UnitResponse {
    pub id: i64,
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<i64>,
    pub aliases: Vec<String>,
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<unit::Model> for UnitResponse {
    fn from(m: unit::Model) -> Self {
        let aliases = m.alias_list();
        Self {
            id: m.id,
            name: m.name,
            kind: m.kind,
            parent_id: m.parent_id,
            aliases,
            email: m.email,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserResponse {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub unit_id: Option<i64>,
    pub roles: Vec<Role>,
    pub active: bool,
    pub locked_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<user::Model> for UserResponse {
    fn from(m: user::Model) -> Self {
        Self {
            id: m.id,
            roles: m.roles.iter().collect(),
            username: m.username,
            display_name: m.display_name,
            email: m.email,
            unit_id: m.unit_id,
            active: m.active,
            locked_until: m.locked_until,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// The signed-in user: who they are, their unit and roles as of now.
#[derive(Serialize, ToSchema)]
pub struct MeResponse {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub roles: Vec<Role>,
}

/// A unit's group robot. The signing secret is never returned and the
/// address's key is masked: whoever holds them can post as the office.
#[derive(Serialize, ToSchema)]
pub struct ChannelResponse {
    pub id: i64,
    pub unit_id: i64,
    pub kind: duban_domain::entities::notification::Channel,
    #[schema(example = "民政局工作群")]
    pub name: Option<String>,
    /// The webhook address with its key masked.
    #[schema(example = "https://oapi.dingtalk.com/robot/send?access_token=****6789")]
    pub url: String,
    /// Whether a signing secret is stored.
    pub signed: bool,
    /// The platform's last permanent refusal (a wrong key or signature), for the admin to fix.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<duban_domain::directory::channels::ChannelView> for ChannelResponse {
    fn from(v: duban_domain::directory::channels::ChannelView) -> Self {
        Self {
            id: v.id,
            unit_id: v.unit_id,
            kind: v.kind,
            name: v.name,
            url: v.url,
            signed: v.signed,
            last_error: v.last_error,
            created_at: v.created_at,
        }
    }
}
