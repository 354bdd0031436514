//! Recording escalation steps: the new level on the assignment (never
//! lowered), one history row per level reached, the audit event and the
//! notices, all on the caller's transaction. The scheduled scan records
//! thousands at once, so the work is done in batches; a manual escalation is
//! a batch of one.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, FromQueryResult, Set,
};
use serde_json::json;

use super::event;
use super::ladder::level_name;
use crate::DomainError;
use crate::entities::{assignment, audit_event};
use crate::notify::{self, Notice};
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
    /// Each level reached in this step and the users it tells, lowest first.
    pub steps: Vec<(i32, Vec<i64>)>,
    /// The item as people read it: "通政办发〔2013〕35号 (一)承接政务便民服务".
    pub what: String,
    pub due_on: NaiveDate,
    /// Calendar and working days overdue, when known.
    pub overdue: Option<(i64, i64)>,
}

impl Escalation {
    fn notices(&self, note: Option<&str>) -> Vec<Notice> {
        let level = self.to_level;
        let name = level_name(level);
        let mut users: Vec<i64> = self
            .steps
            .iter()
            .flat_map(|(_, u)| u.iter().copied())
            .collect();
        users.sort_unstable();
        users.dedup();
        let late = self.overdue.map_or_else(String::new, |(days, working)| {
            format!("，已逾期 {days} 天（{working} 个工作日）")
        });
        let subject = format!("【{name}】{}", self.what);
        let mut body = format!(
            "{}\n完成时限：{}{late}。\n督办等级升至 {level} 级（{name}）。",
            self.what, self.due_on
        );
        if let Some(n) = note {
            body.push_str(&format!("\n说明：{n}"));
        }
        users
            .into_iter()
            .map(|u| Notice {
                dedupe_key: format!("escalate:{}:{level}:{u}", self.assignment_id),
                kind: "escalation",
                recipient_user_id: u,
                assignment_id: Some(self.assignment_id),
                subject: subject.clone(),
                body: body.clone(),
            })
            .collect()
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
                    recipients: Set(json!(users)),
                    ..Default::default()
                })
        })
        .collect();
    for chunk in events.chunks(CHUNK) {
        let res = event::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([event::Column::AssignmentId, event::Column::Level])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(conn)
            .await;
        match res {
            Ok(_) | Err(sea_orm::DbErr::RecordNotInserted) => {}
            Err(e) => return Err(e),
        }
    }
    let actor_name = actor.map_or_else(|| "system".to_owned(), |a| a.username.clone());
    let audits: Vec<audit_event::ActiveModel> = done
        .iter()
        .map(|e| audit_event::ActiveModel {
            at: Set(at),
            actor_user_id: Set(actor.map(|a| a.user_id)),
            actor_name: Set(actor_name.clone()),
            entity: Set("assignment".to_owned()),
            entity_id: Set(e.assignment_id),
            action: Set("escalate".to_owned()),
            before: Set(Some(json!({"escalation_level": e.from_level}))),
            after: Set(Some(json!({
                "escalation_level": e.to_level,
                "levels": e.steps.iter().map(|(l, _)| l).collect::<Vec<_>>(),
                "manual": actor.is_some(),
                "note": note,
            }))),
            ..Default::default()
        })
        .collect();
    for chunk in audits.chunks(CHUNK) {
        audit_event::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(conn)
            .await?;
    }
    let notices: Vec<Notice> = done.iter().flat_map(|e| e.notices(note)).collect();
    let mut new = 0;
    for chunk in notices.chunks(CHUNK) {
        new += notify::enqueue(conn, at, chunk.to_vec()).await?;
    }
    Ok(new)
}

/// Raises one assignment to `new_level` by hand (or for any caller with its
/// own recipients), telling `recipients`. Answers false, changing nothing,
/// when the assignment is already at or above that level: levels are never
/// lowered.
pub async fn record_escalation(
    txn: &DatabaseTransaction,
    actor: Option<&Actor>,
    assignment: &assignment::Model,
    new_level: i32,
    at: DateTime<Utc>,
    recipients: &[i64],
    note: Option<&str>,
) -> Result<bool, DomainError> {
    if new_level <= assignment.escalation_level {
        return Ok(false);
    }
    let what = crate::workflow::assignments::describe(txn, assignment).await?;
    let item = Escalation {
        assignment_id: assignment.id,
        from_level: assignment.escalation_level,
        to_level: new_level,
        steps: vec![(new_level, recipients.to_vec())],
        what,
        due_on: assignment.due_on,
        overdue: None,
    };
    Ok(record_escalations(txn, actor, at, &[item], note)
        .await?
        .raised
        == 1)
}
