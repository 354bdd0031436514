//! Duban's business: the vocabulary of `DESIGN.md` as types, the rules that
//! govern it, and the use-case services the API and the jobs call.
//!
//! Nothing here knows about HTTP or SMTP. Pure parts (policy, password rules,
//! deadline maths) take plain values; use cases take a [`Ctx`] (who acts,
//! when, on what) and, to compose in one transaction, a [`Tx`].

pub mod account;
pub mod assessment;
pub mod audit;
pub mod bulk;
pub mod calendar;
pub mod clock;
pub mod context;
pub mod cron;
pub mod db;
pub mod directory;
pub mod duties;
pub mod entities;
pub mod error;
pub mod escalation;
pub mod identity;
pub mod importer;
pub mod memo;
pub mod messages;
pub mod notify;
pub mod page;
pub mod password;
pub mod plan_policy;
pub mod policy;
pub mod reminders;
pub mod role;
mod standing;
pub mod supervision;
#[cfg(feature = "test-support")]
pub mod testing;
pub mod throttle;
pub mod time;
mod vocabulary;
pub mod workflow;

pub use context::{Ctx, Env, Rules, Tx};
pub use error::{DomainError, DomainResult, FieldError};
