//! A plan's own reminder offsets and escalation ladder, where it differs
//! from the configured defaults. Stored as nullable JSON on the plan.

use std::collections::HashMap;

use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ConnectionTrait, FromQueryResult, JsonValue};

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

#[derive(Debug, FromQueryResult)]
struct Row {
    id: i64,
    doc_no: String,
    timezone: String,
    reminder_offsets: Option<JsonValue>,
    escalation_policy: Option<JsonValue>,
}

/// Every plan's zone, number and overrides (plans are few; one query).
pub async fn all_plans<C: ConnectionTrait>(
    conn: &C,
) -> Result<HashMap<i64, PlanFacts>, sea_orm::DbErr> {
    let q = Query::select()
        .columns([
            plan::Column::Id,
            plan::Column::DocNo,
            plan::Column::Timezone,
        ])
        .column(Alias::new("reminder_offsets"))
        .column(Alias::new("escalation_policy"))
        .from(plan::Entity)
        .to_owned();
    let rows = Row::find_by_statement(conn.get_database_backend().build(&q))
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let offsets = r.reminder_offsets.and_then(|v| {
                serde_json::from_value::<Vec<u32>>(v)
                    .map_err(|e| tracing::warn!(plan = r.id, error = %e, "ignoring stored reminder_offsets"))
                    .ok()
            });
            (
                r.id,
                PlanFacts {
                    doc_no: r.doc_no,
                    timezone: r.timezone,
                    policy: PlanPolicy {
                        reminder_offsets: offsets,
                        escalation: r.escalation_policy,
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
    let q = Query::update()
        .table(plan::Entity)
        .value(Alias::new("reminder_offsets"), Expr::value(offsets))
        .value(
            Alias::new("escalation_policy"),
            Expr::value(policy.escalation.clone()),
        )
        .and_where(Expr::col(plan::Column::Id).eq(plan_id))
        .to_owned();
    let txn = db.begin().await?;
    let res = txn.execute(txn.get_database_backend().build(&q)).await?;
    if res.rows_affected() == 0 {
        return Err(DomainError::NotFound("plan"));
    }
    txn.commit().await?;
    Ok(())
}
