//! Accounts: who someone is, which unit they work for, what roles they hold.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, SqlErr,
};
use serde_json::json;

use super::units::{escape_like, like};
use super::validate::{Errors, optional_email, required_text};
use crate::audit::{self, AuditAction, AuditEntity, Change};
use crate::context::{Ctx, Tx};
use crate::entities::{unit, user};
use crate::page::{Page, PageRequest};
use crate::password;
use crate::policy::{Actor, DirectoryAction, ensure_directory};
use crate::role::{Role, RoleSet};
use crate::{DomainError, DomainResult, Env, FieldError};

/// A user as a client asks to create one, checked. The password is kept
/// only until it is hashed.
#[derive(Clone, PartialEq, Eq)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub unit_id: Option<i64>,
    pub roles: RoleSet,
    pub password: String,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("username", &self.username)
            .field("unit_id", &self.unit_id)
            .field("roles", &self.roles)
            .finish_non_exhaustive()
    }
}

fn parse_username(raw: &str) -> Result<String, FieldError> {
    let v = raw.trim();
    let ok_len = (2..=64).contains(&v.chars().count());
    let ok_chars = v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok_len && ok_chars {
        Ok(v.to_owned())
    } else {
        Err(FieldError::new(
            "username",
            "用户名为 2–64 位字母、数字、_ - . (2–64 letters, digits, _ - .)",
        ))
    }
}

fn parse_roles(raw: &[String]) -> Result<RoleSet, FieldError> {
    let mut roles = Vec::with_capacity(raw.len());
    for r in raw {
        roles.push(
            r.parse::<Role>()
                .map_err(|e| FieldError::new("roles", e.to_string()))?,
        );
    }
    let set = RoleSet::new(roles);
    if set.is_empty() {
        return Err(FieldError::new(
            "roles",
            "至少需要一个角色 (at least one role)",
        ));
    }
    Ok(set)
}

fn check_unit_binding(roles: &RoleSet, unit_id: Option<i64>) -> Result<(), FieldError> {
    if unit_id.is_none() && roles.iter().any(Role::is_unit_bound) {
        return Err(FieldError::new(
            "unit_id",
            "单位工作人员和单位负责人必须属于一个单位 (unit_staff and unit_head need a unit)",
        ));
    }
    Ok(())
}

impl NewUser {
    pub fn parse(
        username: &str,
        display_name: Option<&str>,
        email: Option<&str>,
        unit_id: Option<i64>,
        roles: &[String],
        password: &str,
    ) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let username = errors.take(parse_username(username));
        let display_name = match display_name {
            Some(d) => errors.take(required_text("display_name", d, 64)),
            None => username.clone(),
        };
        let email = errors.take(optional_email("email", email));
        let roles = errors.take(parse_roles(roles));
        if let Some(roles) = &roles {
            errors.take(check_unit_binding(roles, unit_id));
        }
        errors.take(password::check_new(password));
        errors.finish()?;
        Ok(Self {
            username: username.unwrap_or_default(),
            display_name: display_name.unwrap_or_default(),
            email: email.flatten(),
            unit_id,
            roles: roles.unwrap_or_default(),
            password: password.to_owned(),
        })
    }
}

/// Changes to an account; `None` leaves a field as it is.
#[derive(Clone, Default)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub email: Option<Option<String>>,
    pub unit_id: Option<Option<i64>>,
    pub roles: Option<Vec<String>>,
    pub active: Option<bool>,
    pub password: Option<String>,
}

fn snapshot(m: &user::Model) -> serde_json::Value {
    json!({
        "username": m.username, "display_name": m.display_name, "email": m.email,
        "unit_id": m.unit_id, "roles": m.roles.names(), "active": m.active,
    })
}

async fn ensure_unit<C: ConnectionTrait>(
    conn: &C,
    unit_id: Option<i64>,
) -> Result<(), DomainError> {
    if let Some(id) = unit_id
        && unit::Entity::find_by_id(id).one(conn).await?.is_none()
    {
        return Err(DomainError::invalid("unit_id", "单位不存在 (no such unit)"));
    }
    Ok(())
}

async fn hash_off_thread(password: String) -> Result<String, DomainError> {
    tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .map_err(|e| DomainError::Internal(e.into()))?
        .map_err(DomainError::Internal)
}

#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn create(ctx: &Ctx<'_>, new: NewUser) -> DomainResult<user::Model> {
    ensure_directory(ctx.actor, DirectoryAction::ManageUsers)?;
    // Hashing is slow: done before the transaction takes the write lock.
    let hash = hash_off_thread(new.password.clone()).await?;
    ctx.write(async |tx| create_in(tx, new, hash).await).await
}

/// Writes an account whose password `hash` the caller computed.
pub async fn create_in(tx: &Tx<'_>, new: NewUser, hash: String) -> DomainResult<user::Model> {
    ensure_directory(tx.actor, DirectoryAction::ManageUsers)?;
    let txn = tx.conn();
    ensure_unit(txn, new.unit_id).await?;
    let model = user::ActiveModel {
        username: Set(new.username),
        display_name: Set(new.display_name),
        email: Set(new.email),
        unit_id: Set(new.unit_id),
        roles: Set(new.roles),
        active: Set(true),
        password_hash: Set(hash),
        failed_logins: Set(0),
        locked_until: Set(None),
        must_change_password: Set(false),
        credential_version: Set(1),
        created_at: Set(tx.now),
        updated_at: Set(tx.now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => DomainError::conflict(
            crate::error::ConflictCode::Duplicate,
            "用户名已存在 (username taken)",
        ),
        _ => e.into(),
    })?;
    audit::record(
        txn,
        Some(tx.actor),
        tx.now,
        Change::new(AuditEntity::User, model.id, AuditAction::Create).after(snapshot(&model)),
    )
    .await?;
    Ok(model)
}

#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn update(ctx: &Ctx<'_>, id: i64, patch: UserPatch) -> DomainResult<user::Model> {
    ensure_directory(ctx.actor, DirectoryAction::ManageUsers)?;
    let mut errors = Errors::default();
    let display_name = patch
        .display_name
        .as_deref()
        .and_then(|d| errors.take(required_text("display_name", d, 64)));
    let email = patch
        .email
        .as_ref()
        .and_then(|e| errors.take(optional_email("email", e.as_deref())));
    let roles = patch
        .roles
        .as_deref()
        .and_then(|r| errors.take(parse_roles(r)));
    if let Some(p) = &patch.password {
        errors.take(password::check_new(p));
    }
    errors.finish()?;
    if patch.active == Some(false) && id == ctx.actor.user_id {
        return Err(DomainError::conflict(
            crate::error::ConflictCode::OwnAccount,
            "不能停用自己的账户 (you cannot deactivate yourself)",
        ));
    }
    let hash = match patch.password.clone() {
        Some(p) => Some(hash_off_thread(p).await?),
        None => None,
    };
    ctx.write(async |tx| {
        let txn = tx.conn();
        let Some(current) = user::Entity::find_by_id(id).one(txn).await? else {
            return Err(DomainError::NotFound("user"));
        };
        let unit_id = patch.unit_id.unwrap_or(current.unit_id);
        let roles = roles.unwrap_or_else(|| current.roles.clone());
        // What a token vouches for changed: tokens issued before stop working.
        let revoke = hash.is_some()
            || roles != current.roles
            || unit_id != current.unit_id
            || patch.active.is_some_and(|a| a != current.active);
        let credential_version = current.credential_version + i32::from(revoke);
        check_unit_binding(&roles, unit_id).map_err(|e| DomainError::Invalid(vec![e]))?;
        ensure_unit(txn, unit_id).await?;
        let before = snapshot(&current);
        let before_name = current.username.clone();
        let mut am: user::ActiveModel = current.into();
        if let Some(d) = display_name {
            am.display_name = Set(d);
        }
        if let Some(e) = email {
            am.email = Set(e);
        }
        am.unit_id = Set(unit_id);
        am.roles = Set(roles);
        if let Some(a) = patch.active {
            am.active = Set(a);
        }
        am.credential_version = Set(credential_version);
        let action = if let Some(h) = hash {
            am.password_hash = Set(h);
            am.failed_logins = Set(0);
            am.locked_until = Set(None);
            crate::throttle::clear_account(txn, &before_name).await?;
            // A password an administrator chose is changed at the next
            // sign-in; the service's own resets (the demo) are not.
            am.must_change_password = Set(!tx.actor.is_system());
            AuditAction::SetPassword
        } else {
            AuditAction::Update
        };
        am.updated_at = Set(tx.now);
        let model = am.update(txn).await?;
        audit::record(
            txn,
            Some(tx.actor),
            tx.now,
            Change::new(AuditEntity::User, id, action)
                .before(before)
                .after(snapshot(&model)),
        )
        .await?;
        Ok(model)
    })
    .await
}

#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn get(ctx: &Ctx<'_>, id: i64) -> DomainResult<user::Model> {
    ensure_directory(ctx.actor, DirectoryAction::ReadUsers)?;
    user::Entity::find_by_id(id)
        .one(ctx.db().conn())
        .await?
        .ok_or(DomainError::NotFound("user"))
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub unit_id: Option<i64>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub q: Option<String>,
}

#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn list(
    ctx: &Ctx<'_>,
    filter: &UserFilter,
    page: PageRequest,
) -> DomainResult<Page<user::Model>> {
    ensure_directory(ctx.actor, DirectoryAction::ReadUsers)?;
    let db = ctx.db();
    let mut cond = Condition::all();
    if let Some(u) = filter.unit_id {
        cond = cond.add(user::Column::UnitId.eq(u));
    }
    if let Some(a) = filter.active {
        cond = cond.add(user::Column::Active.eq(a));
    }
    if let Some(role) = filter.role {
        cond = cond.add(RoleSet::holds(user::Column::Roles, role));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", escape_like(q));
        cond = cond.add(
            Condition::any()
                .add(Expr::col(user::Column::Username).like(like(&pattern)))
                .add(Expr::col(user::Column::DisplayName).like(like(&pattern))),
        );
    }
    let query = user::Entity::find().filter(cond);
    let total = query.clone().count(db.conn()).await?;
    let items = query
        .order_by_asc(user::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db.conn())
        .await?;
    Ok(Page::of(items, total, page))
}

/// On the first start with no users at all, creates `admin` with a random
/// password and returns it, to be shown once.
pub async fn ensure_first_admin(env: &Env) -> DomainResult<Option<(String, String)>> {
    if user::Entity::find().count(env.db.conn()).await? > 0 {
        return Ok(None);
    }
    let password = password::generate();
    let new = NewUser::parse(
        "admin",
        Some("系统管理员"),
        None,
        None,
        &["admin".to_owned()],
        &password,
    )?;
    let system = Actor::system();
    match create(&env.ctx(&system), new).await {
        Ok(_) => Ok(Some(("admin".to_owned(), password))),
        // Another replica won the race: it printed its own password.
        Err(DomainError::Conflict { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_roles_need_a_unit() {
        let r = NewUser::parse(
            "clerk",
            None,
            None,
            None,
            &["unit_staff".into()],
            "Clerk-pass-1",
        );
        let Err(DomainError::Invalid(errs)) = r else {
            panic!("expected invalid")
        };
        assert_eq!(errs[0].field, "unit_id");
        assert!(
            NewUser::parse(
                "insp",
                None,
                None,
                None,
                &["inspector".into()],
                "Clerk-pass-1"
            )
            .is_ok()
        );
    }

    #[test]
    fn usernames_and_roles_are_checked() {
        let Err(DomainError::Invalid(errs)) = NewUser::parse(
            "bad name!",
            None,
            Some("x"),
            Some(1),
            &["emperor".into()],
            "short",
        ) else {
            panic!("expected invalid")
        };
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["username", "email", "roles", "password"]);
        let Err(DomainError::Invalid(errs)) =
            NewUser::parse("ok", None, None, None, &[], "Clerk-pass-1")
        else {
            panic!("expected invalid")
        };
        assert_eq!(errs[0].field, "roles");
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let u = NewUser::parse(
            "clerk",
            None,
            None,
            Some(1),
            &["unit_staff".into()],
            "Secret-pass-1",
        )
        .unwrap();
        assert!(!format!("{u:?}").contains("Secret"));
    }
}
