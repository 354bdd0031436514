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
use crate::{Ctx, DomainError, Env};

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

/// Who signed in: the caller, the credential version their token carries,
/// and whether they must choose a new password before anything else.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub actor: Actor,
    pub credential_version: i32,
    pub must_change_password: bool,
}

impl SignedIn {
    fn of(u: &user::Model) -> Self {
        Self {
            actor: actor_of(u),
            credential_version: u.credential_version,
            must_change_password: u.must_change_password,
        }
    }
}

/// Checks a username and password. The answer never tells whether the
/// username exists: both cases cost one argon2 verification.
pub async fn authenticate(
    env: &Env,
    username: &str,
    password: &str,
) -> Result<SignedIn, DomainError> {
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
    Ok(SignedIn::of(&u))
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
/// deleted or deactivated since the token was issued is refused, and so is
/// a token from before a password change, a reset or a change of role or
/// unit (its credential version is older).
pub async fn caller(
    db: &Db,
    user_id: i64,
    credential_version: i32,
) -> Result<SignedIn, DomainError> {
    match user::Entity::find_by_id(user_id).one(db.conn()).await? {
        Some(u) if u.active && u.credential_version == credential_version => Ok(SignedIn::of(&u)),
        Some(u) if u.active => Err(DomainError::Unauthenticated(
            "登录已失效（密码或权限已变更），请重新登录 (the credentials changed; sign in again)"
                .into(),
        )),
        _ => Err(DomainError::Unauthenticated(
            "账户不存在或已停用 (no such active account)".into(),
        )),
    }
}

/// The user as the database says now, for the service's own use (the
/// demo, the command line, calendar feeds): active users only.
pub async fn load_actor(db: &Db, user_id: i64) -> Result<Actor, DomainError> {
    match user::Entity::find_by_id(user_id).one(db.conn()).await? {
        Some(u) if u.active => Ok(actor_of(&u)),
        _ => Err(DomainError::Unauthenticated(
            "账户不存在或已停用 (no such active account)".into(),
        )),
    }
}

/// A person changes their own password: the current one is checked (a
/// wrong one counts toward the lock, as at sign-in), the new one must meet
/// the rules and differ. Tokens issued before stop working; the answer
/// is the new credential version, for a fresh token.
#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn change_password(ctx: &Ctx<'_>, current: &str, new: &str) -> Result<i32, DomainError> {
    password::check_new(new).map_err(|e| {
        DomainError::Invalid(vec![crate::FieldError::new("new_password", e.message)])
    })?;
    if current == new {
        return Err(DomainError::invalid(
            "new_password",
            "新密码不能与当前密码相同 (the new password must differ)",
        ));
    }
    let env = ctx.env;
    let u = user::Entity::find_by_id(ctx.actor.user_id)
        .one(env.db.conn())
        .await?
        .ok_or(DomainError::NotFound("user"))?;
    let now = ctx.now;
    if let Some(until) = u.locked_until.filter(|t| *t > now) {
        return Err(DomainError::Locked {
            retry_after_secs: (until - now).num_seconds().max(1),
        });
    }
    if !verify_off_thread(current.to_owned(), u.password_hash.clone()).await? {
        return Err(
            match record_failure(&env.db, env.clock.as_ref(), env.rules.lockout, &u).await? {
                DomainError::Unauthenticated(_) => DomainError::invalid(
                    "current_password",
                    "当前密码不正确 (the current password is wrong)",
                ),
                other => other,
            },
        );
    }
    let hash = tokio::task::spawn_blocking({
        let new = new.to_owned();
        move || password::hash(&new)
    })
    .await
    .map_err(|e| DomainError::Internal(e.into()))?
    .map_err(DomainError::Internal)?;
    let version = u.credential_version + 1;
    ctx.write(async |tx| {
        user::Entity::update_many()
            .col_expr(user::Column::PasswordHash, Expr::value(hash))
            .col_expr(user::Column::MustChangePassword, Expr::value(false))
            .col_expr(user::Column::CredentialVersion, Expr::value(version))
            .col_expr(user::Column::FailedLogins, Expr::value(0))
            .col_expr(user::Column::UpdatedAt, Expr::value(tx.now))
            .filter(user::Column::Id.eq(u.id))
            .exec(tx.conn())
            .await?;
        crate::audit::record(
            tx.conn(),
            Some(tx.actor),
            tx.now,
            crate::audit::Change::new(
                crate::audit::AuditEntity::User,
                u.id,
                crate::audit::AuditAction::ChangePassword,
            ),
        )
        .await?;
        Ok(version)
    })
    .await
}

/// The caller's own record, for `/me`.
pub async fn me(db: &Db, actor: &Actor) -> Result<user::Model, DomainError> {
    user::Entity::find_by_id(actor.user_id)
        .one(db.conn())
        .await?
        .ok_or(DomainError::NotFound("user"))
}
