//! A plan's own reminder offsets and escalation ladder, where it differs
//! from the configured defaults. Stored as nullable JSON on the plan.

use std::collections::HashMap;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, JsonValue, QueryFilter, QuerySelect};

use crate::DomainError;
use crate::db::Db;
use crate::entities::plan;
use crate::escalation::LadderSettings;
use crate::reminders::check_offsets;

/// What a plan overrides; None keeps the configured default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanPolicy {
    pub reminder_offsets: Option<Vec<u32>>,
    /// A JSON object with some keys of [`LadderSettings`].
    pub escalation: Option<JsonValue>,
}

/// A plan and the facts the scans need of it.
#[derive(Debug, Clone)]
pub struct PlanFacts {
    pub doc_no: String,
    pub timezone: String,
    pub policy: PlanPolicy,
}

/// Every plan's zone, number and overrides (plans are few; one query).
pub async fn all_plans<C: ConnectionTrait>(
    conn: &C,
) -> Result<HashMap<i64, PlanFacts>, sea_orm::DbErr> {
    type Row = (i64, String, String, Option<JsonValue>, Option<JsonValue>);
    let rows: Vec<Row> = plan::Entity::find()
        .select_only()
        .columns([
            plan::Column::Id,
            plan::Column::DocNo,
            plan::Column::Timezone,
            plan::Column::ReminderOffsets,
            plan::Column::EscalationPolicy,
        ])
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, doc_no, timezone, offsets, escalation)| {
            let offsets = offsets.and_then(|v| {
                serde_json::from_value::<Vec<u32>>(v)
                    .map_err(|e| tracing::warn!(plan = id, error = %e, "ignoring stored reminder_offsets"))
                    .ok()
            });
            (
                id,
                PlanFacts {
                    doc_no,
                    timezone,
                    policy: PlanPolicy {
                        reminder_offsets: offsets,
                        escalation,
                    },
                },
            )
        })
        .collect())
}

/// Sets (or, with None, clears) a plan's overrides after checking them.
pub async fn set_plan_policy(
    db: &Db,
    plan_id: i64,
    policy: &PlanPolicy,
) -> Result<(), DomainError> {
    if let Some(o) = &policy.reminder_offsets {
        check_offsets(o, "reminder_offsets")
            .map_err(|m| DomainError::invalid("reminder_offsets", m))?;
    }
    if let Some(e) = &policy.escalation {
        LadderSettings::default()
            .with_override(e)
            .map_err(|m| DomainError::invalid("escalation_policy", m))?;
    }
    let offsets = policy
        .reminder_offsets
        .as_ref()
        .map(|o| serde_json::json!(o));
    let txn = db.begin().await?;
    let res = plan::Entity::update_many()
        .col_expr(plan::Column::ReminderOffsets, Expr::value(offsets))
        .col_expr(
            plan::Column::EscalationPolicy,
            Expr::value(policy.escalation.clone()),
        )
        .filter(plan::Column::Id.eq(plan_id))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(DomainError::NotFound("plan"));
    }
    txn.commit().await?;
    Ok(())
}
