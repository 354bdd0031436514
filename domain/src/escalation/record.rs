//! Recording escalation steps: the new level on the assignment (never
//! lowered), one history row per level reached, the audit event and the
//! notices, all on the caller's transaction. The scheduled scan records
//! thousands at once, so the work is done in batches; a manual escalation is
//! a batch of one.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, Set};
use serde_json::json;

use super::event;
use crate::audit::{self, AuditAction, Change};
use crate::entities::assignment;
use crate::messages::Message;
use crate::notify::{self, Address, Notice};
use crate::policy::Actor;

/// Rows per statement: well under SQLite's 32,766 bound parameters.
const CHUNK: usize = 1000;

/// One assignment going up the ladder.
#[derive(Debug, Clone)]
pub struct Escalation {
    pub assignment_id: i64,
    /// The level as read before the step.
    pub from_level: i32,
    pub to_level: i32,
    /// Each level reached in this step and whom it tells, lowest first.
    pub steps: Vec<(i32, Vec<Address>)>,
    pub due_on: NaiveDate,
    /// Calendar and working days overdue, when known.
    pub overdue: Option<(i64, i64)>,
    /// The late obligation when it is not the due date (a milestone, a period).
    pub about: Option<String>,
}

impl Escalation {
    /// `round`: how many times the item was suspended (its ladder started
    /// afresh each time), so a level reached again after a pause is told again.
    fn notices(&self, note: Option<&str>, round: usize) -> Vec<Notice> {
        let level = self.to_level;
        let mut to: Vec<Address> = self
            .steps
            .iter()
            .flat_map(|(_, a)| a.iter().copied())
            .collect();
        to.sort_unstable();
        to.dedup();
        let message = Message::Escalation {
            level,
            due_on: self.due_on,
            days_overdue: self.overdue.map(|(d, _)| d),
            working_days_overdue: self.overdue.map(|(_, w)| w),
            note: note.map(str::to_owned),
            about: self.about.clone(),
        };
        let key = match round {
            0 => format!("escalate:{}:{level}", self.assignment_id),
            n => format!("escalate:{}:{level}:r{n}", self.assignment_id),
        };
        Notice::to_each(&key, Some(self.assignment_id), &message, to)
    }
}

#[derive(Debug, FromQueryResult)]
struct Raised {
    id: i64,
}

/// What [`record_escalations`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recorded {
    /// Assignments that went up.
    pub raised: u64,
    /// Notices newly written to the outbox.
    pub notices: u64,
}

/// Records the steps on `conn` (a write transaction). An assignment already
/// at or above its target (raised meanwhile by another run, or by hand) is
/// left as it is.
pub async fn record_escalations<C: ConnectionTrait>(
    conn: &C,
    actor: Option<&Actor>,
    at: DateTime<Utc>,
    items: &[Escalation],
    note: Option<&str>,
) -> Result<Recorded, sea_orm::DbErr> {
    let backend = conn.get_database_backend();
    let mut by_target: BTreeMap<i32, Vec<&Escalation>> = BTreeMap::new();
    for e in items.iter().filter(|e| e.to_level > e.from_level) {
        by_target.entry(e.to_level).or_default().push(e);
    }
    let mut recorded = Recorded::default();
    for (level, group) in by_target {
        for chunk in group.chunks(CHUNK) {
            // Compare-and-set: never lowers, and two runs raise an item once.
            let update = Query::update()
                .table(assignment::Entity)
                .value(assignment::Column::EscalationLevel, level)
                .and_where(assignment::Column::Id.is_in(chunk.iter().map(|e| e.assignment_id)))
                .and_where(Expr::col(assignment::Column::EscalationLevel).lt(level))
                .returning(Query::returning().column(assignment::Column::Id))
                .to_owned();
            let raised: std::collections::HashSet<i64> =
                Raised::find_by_statement(backend.build(&update))
                    .all(conn)
                    .await?
                    .into_iter()
                    .map(|r| r.id)
                    .collect();
            let done: Vec<&Escalation> = chunk
                .iter()
                .copied()
                .filter(|e| raised.contains(&e.assignment_id))
                .collect();
            if done.is_empty() {
                continue;
            }
            recorded.raised += done.len() as u64;
            recorded.notices += write_history(conn, actor, at, &done, note).await?;
        }
    }
    Ok(recorded)
}

async fn write_history<C: ConnectionTrait>(
    conn: &C,
    actor: Option<&Actor>,
    at: DateTime<Utc>,
    done: &[&Escalation],
    note: Option<&str>,
) -> Result<u64, sea_orm::DbErr> {
    let events: Vec<event::ActiveModel> = done
        .iter()
        .flat_map(|e| {
            e.steps
                .iter()
                .map(move |(level, users)| event::ActiveModel {
                    assignment_id: Set(e.assignment_id),
                    level: Set(*level),
                    at: Set(at),
                    manual: Set(actor.is_some()),
                    actor_user_id: Set(actor.map(|a| a.user_id)),
                    note: Set(note.map(str::to_owned)),
                    recipients: Set(json!(
                        users.iter().map(Address::key_suffix).collect::<Vec<_>>()
                    )),
                    ..Default::default()
                })
        })
        .collect();
    // A level already recorded (by another run) is not recorded again.
    crate::bulk::insert(
        conn,
        &events,
        Some(crate::bulk::SkipConflicts(&["assignment_id", "level"])),
    )
    .await?;
    let audits: Vec<Change> = done
        .iter()
        .map(|e| {
            Change::assignment(e.assignment_id, AuditAction::Escalate)
                .before(json!({"escalation_level": e.from_level}))
                .after(json!({
                    "escalation_level": e.to_level,
                    "levels": e.steps.iter().map(|(l, _)| l).collect::<Vec<_>>(),
                    "manual": actor.is_some(),
                    "note": note,
                    "about": e.about,
                }))
        })
        .collect();
    audit::record_all(conn, actor, at, audits).await?;
    let mut rounds: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    for s in crate::entities::suspension::Entity::find()
        .filter(
            crate::entities::suspension::Column::AssignmentId
                .is_in(done.iter().map(|e| e.assignment_id)),
        )
        .all(conn)
        .await?
    {
        *rounds.entry(s.assignment_id).or_default() += 1;
    }
    let notices: Vec<Notice> = done
        .iter()
        .flat_map(|e| e.notices(note, rounds.get(&e.assignment_id).copied().unwrap_or(0)))
        .collect();
    notify::enqueue(conn, at, notices).await
}

/// Records one step by hand (挂牌督办). Answers false, changing nothing,
/// when the assignment is already at or above the target: levels are never
/// lowered.
pub async fn record_escalation<C: ConnectionTrait>(
    conn: &C,
    actor: Option<&Actor>,
    at: DateTime<Utc>,
    item: Escalation,
    note: Option<&str>,
) -> Result<bool, sea_orm::DbErr> {
    if item.to_level <= item.from_level {
        return Ok(false);
    }
    Ok(record_escalations(conn, actor, at, &[item], note)
        .await?
        .raised
        == 1)
}
