//! Where each message about an item went: for the office and inspectors,
//! who need to know whether a unit was actually told.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::context::Ctx;
use crate::entities::notification::{self, Channel, DeliveryStatus, NoticeKind};
use crate::entities::{assignment, unit, unit_channel, user};
use crate::policy::ensure_visible;
use crate::role::Role;
use crate::{DomainError, DomainResult};

/// One message to one address, and how it fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: i64,
    pub kind: NoticeKind,
    pub channel: Channel,
    /// Who or what it went to, as people name them: 张科员, 市民政局（单位邮箱）,
    /// 市民政局 钉钉机器人「民政局工作群」.
    pub recipient: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed or the message was not sent.
    pub last_error: Option<String>,
}

/// Every message about the item, oldest first.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id, assignment_id))]
pub async fn deliveries(ctx: &Ctx<'_>, assignment_id: i64) -> DomainResult<Vec<Delivery>> {
    let conn = ctx.db().conn();
    let a = assignment::Entity::find_by_id(assignment_id)
        .one(conn)
        .await?
        .ok_or(DomainError::NotFound("assignment"))?;
    ensure_visible(
        ctx.actor,
        a.unit_id,
        a.status == crate::workflow::Status::Draft,
    )?;
    if !ctx.actor.roles.any(&[Role::Office, Role::Inspector]) {
        return Err(DomainError::Forbidden(
            "只有督查室和督查人员可以查看送达情况 (only the office and inspectors see deliveries)"
                .into(),
        ));
    }
    let rows = notification::Entity::find()
        .filter(notification::Column::AssignmentId.eq(assignment_id))
        .order_by_asc(notification::Column::Id)
        .all(conn)
        .await?;
    let ids = |f: fn(&notification::Model) -> Option<i64>| -> Vec<i64> {
        let mut v: Vec<i64> = rows.iter().filter_map(f).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let users: HashMap<i64, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(ids(|r| r.recipient_user_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let robots: HashMap<i64, unit_channel::Model> = unit_channel::Entity::find()
        .filter(unit_channel::Column::Id.is_in(ids(|r| r.channel_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let mut unit_ids = ids(|r| r.recipient_unit_id);
    unit_ids.extend(robots.values().map(|c| c.unit_id));
    let units: HashMap<i64, String> = unit::Entity::find()
        .filter(unit::Column::Id.is_in(unit_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let unit_name = |id: i64| {
        units
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("单位 {id}"))
    };
    Ok(rows
        .into_iter()
        .map(|r| {
            let recipient = match (r.recipient_user_id, r.recipient_unit_id, r.channel_id) {
                (Some(u), _, _) => users
                    .get(&u)
                    .cloned()
                    .unwrap_or_else(|| format!("用户 {u}")),
                (None, Some(u), _) => format!("{}（单位邮箱）", unit_name(u)),
                (None, None, Some(c)) => match robots.get(&c) {
                    Some(ch) => {
                        let named = ch
                            .name
                            .as_deref()
                            .map(|n| format!("「{n}」"))
                            .unwrap_or_default();
                        format!("{} {}机器人{named}", unit_name(ch.unit_id), ch.kind.label())
                    }
                    None => format!("机器人 {c}"),
                },
                (None, None, None) => "（无）".into(),
            };
            Delivery {
                id: r.id,
                kind: r.kind,
                channel: r.channel,
                recipient,
                status: r.status,
                attempts: r.attempts,
                created_at: r.created_at,
                sent_at: r.sent_at,
                last_error: r.last_error,
            }
        })
        .collect())
}
