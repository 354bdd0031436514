//! A signed-in person as every page's header shows them, and people's
//! display names for showing who did what.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::DomainResult;
use crate::context::Ctx;
use crate::entities::{unit, user};
use crate::identity;
use crate::notify;

/// What every page shows of the person looking at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub display_name: String,
    pub unit_name: Option<String>,
    pub unread_notifications: u64,
}

pub async fn profile(ctx: &Ctx<'_>) -> DomainResult<Profile> {
    let me = identity::me(ctx.db(), ctx.actor).await?;
    let unit_name = match me.unit_id {
        Some(id) => unit::Entity::find_by_id(id)
            .one(ctx.db().conn())
            .await?
            .map(|u| u.name),
        None => None,
    };
    Ok(Profile {
        display_name: if me.display_name.trim().is_empty() {
            me.username
        } else {
            me.display_name
        },
        unit_name,
        unread_notifications: notify::unread_count(ctx).await?,
    })
}

/// People's display names by user id, for showing who did what.
pub async fn display_names<C: sea_orm::ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = i64>,
) -> DomainResult<std::collections::HashMap<i64, String>> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}
