//! Sign-in throttling, counted before a password is checked.
//!
//! Three counts, each in a window of `lockout_secs`:
//! - an account from one source address (`max_failed_logins`, 5): the
//!   everyday lock a person who forgot their password meets;
//! - an account from every source (`max_failed_per_account`, 50): guessing
//!   spread over many addresses; only this one locks the account for all;
//! - a source address across accounts (`max_failed_per_source`, 50): one
//!   machine trying many names.
//!
//! An attempt is counted (atomically, in one write transaction) before its
//! password is verified, so parallel attempts cannot get more evaluations
//! than the limit; a success gives its attempt back. Counts are kept by the
//! name typed, not by user row, so an unknown name meets the same answers
//! as a known one and the lock says nothing about who exists.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use sha2::{Digest, Sha256};

use crate::DomainError;
use crate::db::{Db, Store};
use crate::entities::login_throttle;
use crate::identity::LockoutPolicy;

/// Where an attempt came from: the client's address as the service sees it
/// (behind a trusted proxy, the address the proxy saw).
pub type Source<'a> = &'a str;

/// The longest account name kept in a count (longer names are cut; their
/// key still hashes the whole name).
const ACCOUNT_CHARS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    AccountFromSource,
    Account,
    Source,
}

struct Counted {
    key: String,
    scope: Scope,
    limit: i32,
}

fn key(scope: Scope, account: &str, source: &str) -> String {
    let mut h = Sha256::new();
    let tag = match scope {
        Scope::AccountFromSource => "account-source",
        Scope::Account => "account",
        Scope::Source => "source",
    };
    h.update(tag.as_bytes());
    h.update([0]);
    if scope != Scope::Source {
        h.update(account.as_bytes());
    }
    h.update([0]);
    if scope != Scope::Account {
        h.update(source.as_bytes());
    }
    format!("{:x}", h.finalize())
}

fn counts(policy: LockoutPolicy, account: &str, source: &str) -> [Counted; 3] {
    let c = |scope, limit: i32| Counted {
        key: key(scope, account, source),
        scope,
        limit: limit.max(1),
    };
    [
        c(Scope::AccountFromSource, policy.max_failed_logins),
        c(Scope::Account, policy.max_failed_per_account),
        c(Scope::Source, policy.max_failed_per_source),
    ]
}

fn account_column(account: &str) -> String {
    account.chars().take(ACCOUNT_CHARS).collect()
}

/// An attempt that may go on to have its password checked.
#[derive(Debug)]
pub struct Attempt {
    account: String,
    source: String,
    /// The count of each scope this attempt reached, in `counts` order.
    reached: [i32; 3],
}

/// Counts an attempt before its password is checked, or refuses it
/// (`DomainError::Locked`) when one of its counts is locked or full.
pub async fn begin(
    db: &Db,
    now: DateTime<Utc>,
    policy: LockoutPolicy,
    account: &str,
    source: Source<'_>,
) -> Result<Attempt, DomainError> {
    let window = Duration::seconds(policy.lockout_secs.max(1));
    let counted = counts(policy, account, source);
    let txn = db.begin().await?;
    let mut rows = Vec::with_capacity(3);
    for c in &counted {
        rows.push(row(&txn, db.store(), c, account, now).await?);
    }
    // A lock in force refuses the attempt without counting it.
    let held = rows
        .iter()
        .filter_map(|r| r.locked_until.filter(|t| *t > now))
        .max();
    if let Some(until) = held {
        txn.commit().await?;
        return Err(locked(until, now));
    }
    let mut reached = [0; 3];
    let mut full = None;
    for (i, (c, r)) in counted.iter().zip(rows).enumerate() {
        let fresh = r.locked_until.is_some() || r.window_started_at + window <= now;
        let failures = if fresh { 1 } else { r.failures + 1 };
        let mut am: login_throttle::ActiveModel = r.into();
        am.failures = Set(failures);
        am.locked_until = Set(None);
        if fresh {
            am.window_started_at = Set(now);
        }
        if failures > c.limit {
            // More attempts in flight than the limit: this one is refused
            // and the count locks now.
            let until = now + window;
            am.locked_until = Set(Some(until));
            full = full.max(Some(until));
            if c.scope == Scope::Account {
                lock_user(&txn, account, until).await?;
            }
        }
        am.update(&txn).await?;
        reached[i] = failures;
    }
    txn.commit().await?;
    if let Some(until) = full {
        log_lock();
        return Err(locked(until, now));
    }
    Ok(Attempt {
        account: account.to_owned(),
        source: source.to_owned(),
        reached,
    })
}

/// The password was wrong: the attempt stays counted, and a count that has
/// reached its limit locks.
pub async fn failed(
    db: &Db,
    now: DateTime<Utc>,
    policy: LockoutPolicy,
    attempt: Attempt,
) -> Result<DomainError, DomainError> {
    let counted = counts(policy, &attempt.account, &attempt.source);
    let full: Vec<&Counted> = counted
        .iter()
        .zip(attempt.reached)
        .filter(|(c, reached)| *reached >= c.limit)
        .map(|(c, _)| c)
        .collect();
    if full.is_empty() {
        return Ok(DomainError::Unauthenticated(crate::identity::WRONG.into()));
    }
    let until = now + Duration::seconds(policy.lockout_secs.max(1));
    let txn = db.begin().await?;
    for c in full {
        login_throttle::Entity::update_many()
            .col_expr(
                login_throttle::Column::LockedUntil,
                sea_orm::sea_query::Expr::value(Some(until)),
            )
            .filter(login_throttle::Column::Key.eq(c.key.clone()))
            .exec(&txn)
            .await?;
        if c.scope == Scope::Account {
            lock_user(&txn, &attempt.account, until).await?;
        }
    }
    txn.commit().await?;
    log_lock();
    Ok(locked(until, now))
}

/// The password was right: this source's count for the account starts
/// again, and the attempt is given back to the other two counts.
pub async fn succeeded(
    db: &Db,
    policy: LockoutPolicy,
    attempt: Attempt,
) -> Result<(), DomainError> {
    let [own, account, source] = counts(policy, &attempt.account, &attempt.source);
    let txn = db.begin().await?;
    login_throttle::Entity::delete_by_id(own.key)
        .exec(&txn)
        .await?;
    for c in [account, source] {
        login_throttle::Entity::update_many()
            .col_expr(
                login_throttle::Column::Failures,
                sea_orm::sea_query::Expr::col(login_throttle::Column::Failures).sub(1),
            )
            .filter(login_throttle::Column::Key.eq(c.key))
            .filter(login_throttle::Column::Failures.gt(0))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Forgets every count of an account (an administrator set its password).
pub async fn clear_account<C: ConnectionTrait>(
    conn: &C,
    account: &str,
) -> Result<(), sea_orm::DbErr> {
    login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::Account.eq(account_column(account)))
        .exec(conn)
        .await?;
    Ok(())
}

/// The row of a count, created empty if new; on PostgreSQL locked until
/// the transaction ends, so parallel attempts are counted one after another
/// (SQLite's single writer does the same).
async fn row<C: ConnectionTrait>(
    txn: &C,
    store: Store,
    c: &Counted,
    account: &str,
    now: DateTime<Utc>,
) -> Result<login_throttle::Model, DomainError> {
    let empty = login_throttle::ActiveModel {
        key: Set(c.key.clone()),
        account: Set((c.scope != Scope::Source).then(|| account_column(account))),
        failures: Set(0),
        window_started_at: Set(now),
        locked_until: Set(None),
    };
    let inserted = login_throttle::Entity::insert(empty)
        .on_conflict(
            OnConflict::column(login_throttle::Column::Key)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await;
    match inserted {
        Ok(_) | Err(sea_orm::DbErr::RecordNotInserted) => {}
        Err(e) => return Err(e.into()),
    }
    let mut q = login_throttle::Entity::find_by_id(c.key.clone());
    if store == Store::Postgres {
        q = q.lock_exclusive();
    }
    q.one(txn)
        .await?
        .ok_or_else(|| DomainError::Internal(anyhow::anyhow!("login throttle row vanished")))
}

/// Shows the account-wide lock on the user, for administrators.
async fn lock_user<C: ConnectionTrait>(
    conn: &C,
    account: &str,
    until: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    use crate::entities::user;
    user::Entity::update_many()
        .col_expr(
            user::Column::LockedUntil,
            sea_orm::sea_query::Expr::value(Some(until)),
        )
        .filter(user::Column::Username.eq(account))
        .exec(conn)
        .await?;
    Ok(())
}

fn locked(until: DateTime<Utc>, now: DateTime<Utc>) -> DomainError {
    DomainError::Locked {
        retry_after_secs: (until - now).num_seconds().max(1),
    }
}

fn log_lock() {
    tracing::warn!("sign-ins locked after repeated failures");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scope_has_its_own_key_and_names_are_not_confused() {
        let a = key(Scope::AccountFromSource, "admin", "10.0.0.1");
        let b = key(Scope::Account, "admin", "10.0.0.1");
        let c = key(Scope::Source, "admin", "10.0.0.1");
        assert!(a != b && b != c && a != c);
        assert_eq!(key(Scope::Account, "admin", "10.0.0.2"), b);
        assert_eq!(key(Scope::Source, "root", "10.0.0.1"), c);
        // The separator keeps "ab" + "c" apart from "a" + "bc".
        assert_ne!(
            key(Scope::AccountFromSource, "ab", "c"),
            key(Scope::AccountFromSource, "a", "bc")
        );
        assert_eq!(a.len(), 64);
    }
}
