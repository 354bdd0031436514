//! Signing in, with failed attempts slowed down by a temporary lock, and
//! reading the caller fresh on every request.

use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;

use crate::clock::Clock;
use crate::db::Db;
use crate::entities::user;
use crate::password;
use crate::policy::Actor;
use crate::{DomainError, Env};

/// How sign-in failures are throttled (`[auth]` in the configuration).
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct LockoutPolicy {
    /// Failed attempts in a row that lock the account.
    pub max_failed_logins: i32,
    /// How long the lock lasts.
    pub lockout_secs: i64,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self {
            max_failed_logins: 5,
            lockout_secs: 900,
        }
    }
}

fn actor_of(u: &user::Model) -> Actor {
    Actor {
        user_id: u.id,
        username: u.username.clone(),
        unit_id: u.unit_id,
        roles: u.roles.clone(),
    }
}

const WRONG: &str = "用户名或密码错误 (wrong username or password)";

async fn verify_off_thread(password: String, hash: String) -> Result<bool, DomainError> {
    tokio::task::spawn_blocking(move || password::verify(&password, &hash))
        .await
        .map_err(|e| DomainError::Internal(e.into()))
}

/// Checks a username and password. The answer never tells whether the
/// username exists: both cases cost one argon2 verification.
pub async fn authenticate(env: &Env, username: &str, password: &str) -> Result<Actor, DomainError> {
    let (db, clock, policy) = (&env.db, env.clock.as_ref(), env.rules.lockout);
    let found = user::Entity::find()
        .filter(user::Column::Username.eq(username.trim()))
        .one(db.conn())
        .await?;
    let Some(u) = found else {
        verify_off_thread(password.to_owned(), password::decoy_hash().to_owned()).await?;
        return Err(DomainError::Unauthenticated(WRONG.into()));
    };
    let now = clock.now();
    if let Some(until) = u.locked_until.filter(|t| *t > now) {
        return Err(DomainError::Locked {
            retry_after_secs: (until - now).num_seconds().max(1),
        });
    }
    if !verify_off_thread(password.to_owned(), u.password_hash.clone()).await? {
        return Err(record_failure(db, clock, policy, &u).await?);
    }
    if !u.active {
        return Err(DomainError::Unauthenticated(
            "账户已停用 (this account is deactivated)".into(),
        ));
    }
    if u.failed_logins != 0 || u.locked_until.is_some() {
        let txn = db.begin().await?;
        user::Entity::update_many()
            .col_expr(user::Column::FailedLogins, Expr::value(0))
            .col_expr(
                user::Column::LockedUntil,
                Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
            )
            .filter(user::Column::Id.eq(u.id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
    }
    Ok(actor_of(&u))
}

/// Counts one failure atomically; the one that reaches the limit takes the lock.
async fn record_failure(
    db: &Db,
    clock: &dyn Clock,
    policy: LockoutPolicy,
    u: &user::Model,
) -> Result<DomainError, DomainError> {
    let txn = db.begin().await?;
    user::Entity::update_many()
        .col_expr(
            user::Column::FailedLogins,
            Expr::col(user::Column::FailedLogins).add(1),
        )
        .filter(user::Column::Id.eq(u.id))
        .exec(&txn)
        .await?;
    let failed = user::Entity::find_by_id(u.id)
        .one(&txn)
        .await?
        .map_or(0, |m| m.failed_logins);
    let locked = failed >= policy.max_failed_logins.max(1);
    if locked {
        let until = clock.now() + Duration::seconds(policy.lockout_secs.max(1));
        user::Entity::update_many()
            .col_expr(user::Column::FailedLogins, Expr::value(0))
            .col_expr(user::Column::LockedUntil, Expr::value(Some(until)))
            .filter(user::Column::Id.eq(u.id))
            .exec(&txn)
            .await?;
        tracing::warn!(
            user_id = u.id,
            "account locked after repeated failed sign-ins"
        );
    }
    txn.commit().await?;
    Ok(if locked {
        DomainError::Locked {
            retry_after_secs: policy.lockout_secs.max(1),
        }
    } else {
        DomainError::Unauthenticated(WRONG.into())
    })
}

/// The caller behind a token, as the database says now. A user who has been
/// deleted or deactivated since the token was issued is refused.
pub async fn load_actor(db: &Db, user_id: i64) -> Result<Actor, DomainError> {
    match user::Entity::find_by_id(user_id).one(db.conn()).await? {
        Some(u) if u.active => Ok(actor_of(&u)),
        _ => Err(DomainError::Unauthenticated(
            "账户不存在或已停用 (no such active account)".into(),
        )),
    }
}

/// The caller's own record, for `/me`.
pub async fn me(db: &Db, actor: &Actor) -> Result<user::Model, DomainError> {
    user::Entity::find_by_id(actor.user_id)
        .one(db.conn())
        .await?
        .ok_or(DomainError::NotFound("user"))
}
