//! Everything the item page shows about one assignment, in one call: the
//! detail, the units that share the task, people's names, where it stands,
//! its history as people read it, and the steps the viewer may take.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::actions::{ItemActions, ItemFacts, item_actions};
use super::assignments::{self, Detail, HistoryEntry};
use super::standing::{Standing, standing};
use crate::DomainResult;
use crate::context::Ctx;
use crate::entities::assignment::{self, AssignmentRole};
use crate::entities::extension_request::ExtensionStatus;
use crate::entities::unit;

/// A unit responsible for the task, with its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponsibleUnit {
    pub unit_id: i64,
    pub unit_name: String,
    pub role: AssignmentRole,
}

#[derive(Debug, Clone)]
pub struct ItemView {
    pub detail: Detail,
    pub standing: Standing,
    pub actions: ItemActions,
    /// Lead first, then the assisting units, as the notice lists them.
    pub units: Vec<ResponsibleUnit>,
    pub history: Vec<HistoryEntry>,
    /// Display names of the people who wrote the reports, reviews and requests.
    pub names: HashMap<i64, String>,
}

pub async fn item_view(ctx: &Ctx<'_>, id: i64) -> DomainResult<ItemView> {
    let detail = assignments::detail(ctx, id).await?;
    let facts = ItemFacts {
        unit_id: detail.row.unit_id,
        parent_unit_id: detail.row.parent_unit_id,
        status: detail.row.status,
        due_at: detail.row.due_at,
        escalation_level: detail.row.escalation_level,
        pending_extension: detail
            .extension_requests
            .iter()
            .find(|e| e.status == ExtensionStatus::Pending)
            .map(|e| e.id),
    };
    let conn = ctx.db().conn();
    // The task's other units are shown by name: who leads and who helps is
    // part of the duty itself, not another unit's business.
    let shares = assignment::Entity::find()
        .filter(assignment::Column::TaskId.eq(detail.row.task_id))
        // Handed-down parts are their parents' business, shown as children.
        .filter(assignment::Column::ParentId.is_null())
        .order_by_asc(assignment::Column::Id)
        .all(conn)
        .await?;
    let unit_names: HashMap<i64, String> = unit::Entity::find()
        .filter(unit::Column::Id.is_in(shares.iter().map(|a| a.unit_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let mut units: Vec<ResponsibleUnit> = shares
        .iter()
        .map(|a| ResponsibleUnit {
            unit_id: a.unit_id,
            unit_name: unit_names.get(&a.unit_id).cloned().unwrap_or_default(),
            role: a.role,
        })
        .collect();
    units.sort_by_key(|u| u.role != AssignmentRole::Lead);
    units.dedup_by_key(|u| u.unit_id);
    let people = detail
        .reports
        .iter()
        .map(|(r, _)| r.author_id)
        .chain(detail.reviews.iter().map(|r| r.reviewer_id))
        .chain(
            detail
                .extension_requests
                .iter()
                .flat_map(|e| std::iter::once(e.requested_by).chain(e.decided_by)),
        );
    let names = crate::account::display_names(conn, people).await?;
    Ok(ItemView {
        standing: standing(&detail.row, ctx.now, ctx.calendar()),
        actions: item_actions(ctx.actor, &facts, ctx.now),
        history: assignments::history(ctx, id).await?,
        units,
        names,
        detail,
    })
}
