//! Job runs: before a scan starts, it takes the row (job, slot). A slot
//! runs once across replicas; a run whose lease ran out was interrupted and
//! the next taker resumes it (the scans are idempotent, so resuming is
//! running again).

use chrono::{DateTime, Duration, Utc};
use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{Condition, QueryFilter, Set};

use crate::context::JobContext;
use crate::job::Job;

use duban_domain::entities::job_run::{self, RunStatus};

/// Who asked for the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trigger {
    /// The scheduler: a slot that is done is not run again.
    Scheduled,
    /// `run-once`: runs again unless another run holds the slot right now.
    Manual,
}

/// Takes the slot; None when another run holds it (or, for the scheduler,
/// already finished it).
pub(crate) async fn take(
    ctx: &JobContext,
    job: Job,
    slot: DateTime<Utc>,
    trigger: Trigger,
) -> Result<Option<i64>, DbErr> {
    let wall = ctx.lease_clock.now();
    let lease = wall + Duration::seconds(i64::try_from(ctx.jobs.run_lease_secs).unwrap_or(600));
    let txn = ctx.db.begin().await?;
    let inserted = job_run::Entity::insert(job_run::ActiveModel {
        job: Set(job.as_str().to_owned()),
        slot: Set(slot),
        status: Set(RunStatus::Running),
        worker: Set(ctx.worker.clone()),
        attempt: Set(1),
        started_at: Set(wall),
        lease_until: Set(lease),
        finished_at: Set(None),
        detail: Set(None),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([job_run::Column::Job, job_run::Column::Slot])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await;
    let fresh = match inserted {
        Ok(n) => n == 1,
        Err(DbErr::RecordNotInserted) => false,
        Err(e) => return Err(e),
    };
    if !fresh {
        // Take over a run that is not live: interrupted (lease ran out),
        // failed, or, for a manual run, finished.
        let mut takeable = Condition::any()
            .add(
                Condition::all()
                    .add(job_run::Column::Status.eq(RunStatus::Running))
                    .add(job_run::Column::LeaseUntil.lt(wall)),
            )
            .add(job_run::Column::Status.eq(RunStatus::Failed));
        if trigger == Trigger::Manual {
            takeable = takeable.add(job_run::Column::Status.eq(RunStatus::Done));
        }
        let res = job_run::Entity::update_many()
            .col_expr(job_run::Column::Status, Expr::value(RunStatus::Running))
            .col_expr(job_run::Column::Worker, Expr::value(ctx.worker.clone()))
            .col_expr(
                job_run::Column::Attempt,
                Expr::col(job_run::Column::Attempt).add(1),
            )
            .col_expr(job_run::Column::StartedAt, Expr::value(wall))
            .col_expr(job_run::Column::LeaseUntil, Expr::value(lease))
            .col_expr(
                job_run::Column::FinishedAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(job_run::Column::Job.eq(job.as_str()))
            .filter(job_run::Column::Slot.eq(slot))
            .filter(takeable)
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            txn.rollback().await?;
            return Ok(None);
        }
    }
    let id = job_run::Entity::find()
        .filter(job_run::Column::Job.eq(job.as_str()))
        .filter(job_run::Column::Slot.eq(slot))
        .one(&txn)
        .await?
        .map(|r| r.id);
    txn.commit().await?;
    Ok(id)
}

/// Marks this process's unfinished runs failed (its stop ran out of time),
/// so the next start catches their slots up at once instead of waiting for
/// their leases.
pub(crate) async fn abandon(ctx: &JobContext) -> Result<u64, DbErr> {
    let txn = ctx.db.begin().await?;
    let res = job_run::Entity::update_many()
        .col_expr(job_run::Column::Status, Expr::value(RunStatus::Failed))
        .col_expr(
            job_run::Column::FinishedAt,
            Expr::value(Some(ctx.lease_clock.now())),
        )
        .col_expr(
            job_run::Column::Detail,
            Expr::value(Some("stopped before it finished".to_owned())),
        )
        .filter(job_run::Column::Worker.eq(ctx.worker.clone()))
        .filter(job_run::Column::Status.eq(RunStatus::Running))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(res.rows_affected)
}

/// Whether the slot's run finished successfully.
pub(crate) async fn is_done(
    ctx: &JobContext,
    job: Job,
    slot: DateTime<Utc>,
) -> Result<bool, DbErr> {
    Ok(job_run::Entity::find()
        .filter(job_run::Column::Job.eq(job.as_str()))
        .filter(job_run::Column::Slot.eq(slot))
        .filter(job_run::Column::Status.eq(RunStatus::Done))
        .one(ctx.db.conn())
        .await?
        .is_some())
}

/// Marks the run finished (done or failed) with a line of detail.
pub(crate) async fn finish(
    ctx: &JobContext,
    run_id: i64,
    status: RunStatus,
    detail: String,
) -> Result<(), DbErr> {
    let txn = ctx.db.begin().await?;
    job_run::Entity::update_many()
        .col_expr(job_run::Column::Status, Expr::value(status))
        .col_expr(
            job_run::Column::FinishedAt,
            Expr::value(Some(ctx.lease_clock.now())),
        )
        .col_expr(job_run::Column::Detail, Expr::value(Some(detail)))
        .filter(job_run::Column::Id.eq(run_id))
        .filter(job_run::Column::Worker.eq(ctx.worker.clone()))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}
