//! The one value every use case takes: what the service runs on ([`Env`]),
//! who acts and when ([`Ctx`]), and, inside a write, the transaction
//! ([`Tx`]).
//!
//! Each use case has a core that takes a `&Tx` (so several compose in one
//! transaction: the importer creates units, a plan and its tasks in one) and
//! a thin wrapper that takes a `&Ctx` and opens the transaction:
//!
//! ```ignore
//! pub async fn acknowledge(ctx: &Ctx<'_>, id: i64, version: Option<i32>) -> DomainResult<AssignmentRow> {
//!     ctx.write(async |tx| acknowledge_in(tx, id, version).await).await
//! }
//! ```

use std::ops::Deref;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseTransaction;

use crate::assessment::ScoreRules;
use crate::calendar::WorkingCalendar;
use crate::clock::{Clock, SharedClock};
use crate::db::Db;
use crate::escalation::LadderSettings;
use crate::identity::LockoutPolicy;
use crate::policy::Actor;
use crate::{DomainError, DomainResult};

/// The rules the configuration sets for the services.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    /// Who each escalation level tells (manual escalation follows it too).
    pub ladder: LadderSettings,
    pub lockout: LockoutPolicy,
    pub assessment: ScoreRules,
}

/// What the services run on, built once at start and shared by the API,
/// the web UI and the jobs.
#[derive(Debug, Clone)]
pub struct Env {
    pub db: Db,
    pub clock: SharedClock,
    pub calendar: Arc<WorkingCalendar>,
    pub rules: Arc<Rules>,
}

impl Env {
    pub fn new(db: Db, clock: SharedClock, calendar: Arc<WorkingCalendar>, rules: Rules) -> Self {
        Self {
            db,
            clock,
            calendar,
            rules: Arc::new(rules),
        }
    }

    /// A use case on behalf of `actor`, at the clock's now.
    pub fn ctx<'a>(&'a self, actor: &'a Actor) -> Ctx<'a> {
        Ctx {
            env: self,
            actor,
            now: self.clock.now(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// One use case: who acts, and the instant it happens at (read once, so
/// every row a step writes carries the same time).
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub env: &'a Env,
    pub actor: &'a Actor,
    pub now: DateTime<Utc>,
}

impl<'a> Ctx<'a> {
    pub fn db(&self) -> &'a Db {
        &self.env.db
    }

    /// Where this actor's lists, board and statistics read: the read
    /// replica if there is one, unless they wrote lately (read-your-writes).
    pub fn reads(&self) -> &'a Db {
        self.env.db.reads_for(self.actor.user_id)
    }

    pub fn clock(&self) -> &'a dyn Clock {
        self.env.clock.as_ref()
    }

    pub fn calendar(&self) -> &'a WorkingCalendar {
        &self.env.calendar
    }

    pub fn rules(&self) -> &'a Rules {
        &self.env.rules
    }

    /// Opens a write transaction for this use case.
    pub async fn begin(&self) -> DomainResult<Tx<'a>> {
        Ok(Tx {
            txn: self.env.db.begin().await?,
            ctx: *self,
        })
    }

    /// Runs `step` in a write transaction of its own: committed when it
    /// succeeds, rolled back (dropped) when it fails.
    pub async fn write<T>(
        &self,
        step: impl AsyncFnOnce(&Tx<'a>) -> DomainResult<T>,
    ) -> DomainResult<T> {
        let tx = self.begin().await?;
        let out = step(&tx).await?;
        tx.commit().await?;
        Ok(out)
    }
}

/// A use case inside its write transaction. Derefs to its [`Ctx`].
#[derive(Debug)]
pub struct Tx<'a> {
    txn: DatabaseTransaction,
    ctx: Ctx<'a>,
}

impl<'a> Tx<'a> {
    /// The transaction, for queries.
    pub fn conn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    pub async fn commit(self) -> DomainResult<()> {
        self.txn.commit().await.map_err(DomainError::from)?;
        // Their next reads go to the primary, which has this write.
        self.ctx.env.db.note_write(self.ctx.actor.user_id);
        Ok(())
    }
}

impl<'a> Deref for Tx<'a> {
    type Target = Ctx<'a>;

    fn deref(&self) -> &Ctx<'a> {
        &self.ctx
    }
}
