//! Retention: what the outbox and the job runs keep, and for how long.
//! Notifications that were delivered or skipped, delivery attempts and
//! finished job runs older than their setting are removed by the
//! `retention` job; audit events are never removed (they are the record).
//! Failed notifications stay until an admin retries them, whatever their
//! age, and each job keeps its latest run.

use chrono::{DateTime, Duration, Utc};
use duban_domain::entities::job_run::{self, RunStatus};
use duban_domain::entities::notification::{self, DeliveryStatus};
use duban_domain::entities::notification_attempt as attempt;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect};
use serde::Deserialize;

use crate::context::JobContext;
use crate::outcome::Outcome;

/// `[jobs.retention]`: days to keep each kind of row; 0 keeps it forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionSettings {
    /// Notifications sent (or skipped) this many days ago and more.
    pub notifications_days: u32,
    /// Delivery attempts made this many days ago and more.
    pub attempts_days: u32,
    /// Finished job runs started this many days ago and more.
    pub job_runs_days: u32,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        Self {
            notifications_days: 180,
            attempts_days: 90,
            job_runs_days: 90,
        }
    }
}

/// A scan's window looks back at most this far (reminders and escalations
/// of items long overdue key on the item's level, not the date), so a
/// notification kept this long cannot be written again by a re-run.
const MIN_NOTIFICATION_DAYS: u32 = 30;

impl RetentionSettings {
    pub(crate) fn problems(&self, key: &str) -> Vec<String> {
        let mut p = Vec::new();
        if self.notifications_days != 0 && self.notifications_days < MIN_NOTIFICATION_DAYS {
            p.push(format!(
                "{key}.notifications_days must be 0 (keep forever) or at least {MIN_NOTIFICATION_DAYS}, so a re-run scan cannot send a removed reminder again"
            ));
        }
        for (name, days) in [
            ("notifications_days", self.notifications_days),
            ("attempts_days", self.attempts_days),
            ("job_runs_days", self.job_runs_days),
        ] {
            if days > 36_500 {
                p.push(format!(
                    "{key}.{name} must be at most 36500 (or 0 to keep forever)"
                ));
            }
        }
        p
    }
}

fn cutoff(at: DateTime<Utc>, days: u32) -> Option<DateTime<Utc>> {
    (days > 0).then(|| at - Duration::days(i64::from(days)))
}

/// Removes what is past its retention as of `at` (the business clock).
pub(crate) async fn run(ctx: &JobContext, at: DateTime<Utc>) -> anyhow::Result<Outcome> {
    let keep = ctx.jobs.retention;
    let mut out = Outcome::new("retention");
    let txn = ctx.db.begin().await?;
    if let Some(before) = cutoff(at, keep.attempts_days) {
        out.removed += attempt::Entity::delete_many()
            .filter(attempt::Column::At.lt(before))
            .exec(&txn)
            .await?
            .rows_affected;
    }
    if let Some(before) = cutoff(at, keep.notifications_days) {
        let done = Condition::any()
            .add(
                Condition::all()
                    .add(notification::Column::Status.eq(DeliveryStatus::Sent))
                    .add(notification::Column::SentAt.lt(before)),
            )
            .add(
                Condition::all()
                    .add(notification::Column::Status.eq(DeliveryStatus::Skipped))
                    .add(notification::Column::CreatedAt.lt(before)),
            );
        // Their attempts go with them (as the foreign key would cascade).
        out.removed += attempt::Entity::delete_many()
            .filter(
                attempt::Column::NotificationId.in_subquery(
                    Query::select()
                        .column(notification::Column::Id)
                        .from(notification::Entity)
                        .cond_where(done.clone())
                        .to_owned(),
                ),
            )
            .exec(&txn)
            .await?
            .rows_affected;
        out.removed += notification::Entity::delete_many()
            .filter(done)
            .exec(&txn)
            .await?
            .rows_affected;
    }
    if let Some(before) = cutoff(at, keep.job_runs_days) {
        let latest: Vec<i64> = job_run::Entity::find()
            .select_only()
            .column_as(job_run::Column::Id.max(), "id")
            .group_by(job_run::Column::Job)
            .into_tuple::<Option<i64>>()
            .all(&txn)
            .await?
            .into_iter()
            .flatten()
            .collect();
        out.removed += job_run::Entity::delete_many()
            .filter(job_run::Column::Status.ne(RunStatus::Running))
            .filter(job_run::Column::StartedAt.lt(before))
            .filter(Expr::col(job_run::Column::Id).is_not_in(latest))
            .exec(&txn)
            .await?
            .rows_affected;
    }
    txn.commit().await?;
    Ok(out)
}
