//! Signing in, with failed attempts slowed down by a temporary lock, and
//! reading the caller fresh on every request.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;

use crate::db::{Db, Generation};
use crate::entities::user;
use crate::password;
use crate::policy::Actor;
use crate::throttle;
use crate::{Ctx, DomainError, Env};

/// How sign-in failures are throttled (`[auth]` in the configuration).
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct LockoutPolicy {
    /// Failed attempts at an account from one source address that lock it
    /// for that source.
    pub max_failed_logins: i32,
    /// Failed attempts at an account from every source together that lock
    /// it for all (guessing spread over many addresses).
    pub max_failed_per_account: i32,
    /// Failed attempts from one source address across accounts that lock
    /// that source out.
    pub max_failed_per_source: i32,
    /// How long a lock lasts, and the window failures are counted in.
    pub lockout_secs: i64,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self {
            max_failed_logins: 5,
            max_failed_per_account: 50,
            max_failed_per_source: 50,
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

pub(crate) const WRONG: &str = "用户名或密码错误 (wrong username or password)";

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

/// Checks a username and password from a source address. The answer never
/// tells whether the username exists: both cases are counted alike by the
/// throttle (see [`crate::throttle`]) and cost one argon2 verification.
pub async fn authenticate(
    env: &Env,
    username: &str,
    password: &str,
    source: throttle::Source<'_>,
) -> Result<SignedIn, DomainError> {
    let (db, policy) = (&env.db, env.rules.lockout);
    let name = username.trim();
    let attempt = throttle::begin(db, env.clock.now(), policy, name, source).await?;
    let found = user::Entity::find()
        .filter(user::Column::Username.eq(name))
        .one(db.conn())
        .await?;
    let hash = found.as_ref().map_or_else(
        || password::decoy_hash().to_owned(),
        |u| u.password_hash.clone(),
    );
    let right = verify_off_thread(password.to_owned(), hash).await?;
    let Some(u) = found.filter(|_| right) else {
        return Err(throttle::failed(db, env.clock.now(), policy, attempt).await?);
    };
    throttle::succeeded(db, policy, attempt).await?;
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

/// [`caller`] with a narrow indexed read: the credential version and the
/// active flag are read fresh from the primary (so a deactivated user or an
/// old token is refused at once, whichever replica of the service they
/// reach), and with them the store's [`Generation`]; the rest of the row,
/// which changes only with the version, is remembered. Requests waiting at
/// once share one read that began after each of them arrived
/// ([`crate::standing`]).
pub async fn current(
    db: &Db,
    user_id: i64,
    credential_version: i32,
) -> Result<(SignedIn, Generation), DomainError> {
    let (standing, generation) = db.memo().standing().read(db, user_id).await?;
    match standing {
        Some((v, true)) if v == credential_version => {}
        // Refused, with the reason the full read gives.
        _ => {
            caller(db, user_id, credential_version).await?;
            return Err(DomainError::Unauthenticated(
                "账户不存在或已停用 (no such active account)".into(),
            ));
        }
    }
    if let Some(signed) = db.memo().caller(user_id, credential_version) {
        return Ok((signed, generation));
    }
    let signed = caller(db, user_id, credential_version).await?;
    db.memo().remember_caller(&signed);
    Ok((signed, generation))
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
pub async fn change_password(
    ctx: &Ctx<'_>,
    current: &str,
    new: &str,
    source: throttle::Source<'_>,
) -> Result<i32, DomainError> {
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
    let policy = env.rules.lockout;
    let attempt = throttle::begin(&env.db, env.clock.now(), policy, &u.username, source).await?;
    if !verify_off_thread(current.to_owned(), u.password_hash.clone()).await? {
        return Err(
            match throttle::failed(&env.db, env.clock.now(), policy, attempt).await? {
                DomainError::Unauthenticated(_) => DomainError::invalid(
                    "current_password",
                    "当前密码不正确 (the current password is wrong)",
                ),
                other => other,
            },
        );
    }
    throttle::succeeded(&env.db, policy, attempt).await?;
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
