//! The unit directory: a tree of offices, departments, county governments,
//! streets and communities, each with the other names notices call it by.

use sea_orm::sea_query::{Expr, Func, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, SqlErr,
};
use serde_json::json;

use super::validate::{Errors, optional_email, required_text};
use crate::audit::{self, AuditAction, AuditEntity, Change};
use crate::context::{Ctx, Tx};
use crate::entities::unit::{self, UnitKind};
use crate::page::{Page, PageRequest};
use crate::policy::{DirectoryAction, ensure_directory};
use crate::{DomainError, DomainResult, FieldError};

const NAME_MAX: usize = 100;
const MAX_ALIASES: usize = 20;

/// A unit as a client asks to create it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUnit {
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<i64>,
    pub aliases: Vec<String>,
    pub email: Option<String>,
}

impl NewUnit {
    pub fn parse(
        name: &str,
        kind: UnitKind,
        parent_id: Option<i64>,
        aliases: &[String],
        email: Option<&str>,
    ) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let name = errors.take(required_text("name", name, NAME_MAX));
        let aliases = errors.take(parse_aliases(aliases, name.as_deref()));
        let email = errors.take(optional_email("email", email));
        errors.finish()?;
        Ok(Self {
            name: name.unwrap_or_default(),
            kind,
            parent_id,
            aliases: aliases.unwrap_or_default(),
            email: email.flatten(),
        })
    }
}

fn parse_aliases(raw: &[String], name: Option<&str>) -> Result<Vec<String>, FieldError> {
    if raw.len() > MAX_ALIASES {
        return Err(FieldError::new(
            "aliases",
            format!("最多 {MAX_ALIASES} 个别名 (at most {MAX_ALIASES} aliases)"),
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for a in raw {
        let a = required_text("aliases", a, NAME_MAX)?;
        if Some(a.as_str()) != name && !out.contains(&a) {
            out.push(a);
        }
    }
    Ok(out)
}

/// Changes to a unit; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UnitPatch {
    pub name: Option<String>,
    pub kind: Option<UnitKind>,
    /// `Some(None)` makes the unit a root.
    pub parent_id: Option<Option<i64>>,
    pub aliases: Option<Vec<String>>,
    /// `Some(None)` clears the address.
    pub email: Option<Option<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    pub kind: Option<UnitKind>,
    pub parent_id: Option<i64>,
    /// Matches the name or an alias.
    pub q: Option<String>,
}

fn snapshot(m: &unit::Model) -> serde_json::Value {
    json!({
        "name": m.name, "kind": m.kind, "parent_id": m.parent_id,
        "aliases": m.aliases, "email": m.email,
    })
}

/// Every other unit's names and aliases must differ from these, or the
/// importer could not tell which unit a notice means.
async fn ensure_names_free<C: ConnectionTrait>(
    conn: &C,
    names: &[&str],
    except: Option<i64>,
) -> Result<(), DomainError> {
    let units = unit::Entity::find().all(conn).await?;
    for u in units.iter().filter(|u| Some(u.id) != except) {
        let taken = std::iter::once(u.name.clone()).chain(u.alias_list());
        for t in taken {
            if names.contains(&t.as_str()) {
                return Err(DomainError::conflict(
                    crate::error::ConflictCode::Duplicate,
                    format!("名称“{t}”已被单位“{}”(id {}) 使用", u.name, u.id),
                ));
            }
        }
    }
    Ok(())
}

async fn ensure_parent<C: ConnectionTrait>(
    conn: &C,
    parent_id: Option<i64>,
    child: Option<i64>,
) -> Result<(), DomainError> {
    let Some(mut cursor) = parent_id else {
        return Ok(());
    };
    // Walk up from the new parent: meeting the child would close a cycle.
    for _ in 0..64 {
        if Some(cursor) == child {
            return Err(DomainError::invalid(
                "parent_id",
                "上级单位不能是本单位或其下级 (a unit cannot sit under itself)",
            ));
        }
        let Some(p) = unit::Entity::find_by_id(cursor).one(conn).await? else {
            return Err(DomainError::invalid(
                "parent_id",
                "上级单位不存在 (no such unit)",
            ));
        };
        match p.parent_id {
            Some(next) => cursor = next,
            None => return Ok(()),
        }
    }
    Err(DomainError::invalid(
        "parent_id",
        "单位层级过深 (tree too deep)",
    ))
}

fn unique_violation(e: sea_orm::DbErr) -> DomainError {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => DomainError::conflict(
            crate::error::ConflictCode::Duplicate,
            "单位名称已存在 (a unit with this name exists)",
        ),
        _ => e.into(),
    }
}

#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn create(ctx: &Ctx<'_>, new: NewUnit) -> DomainResult<unit::Model> {
    ctx.write(async |tx| create_in(tx, new).await).await
}

pub async fn create_in(tx: &Tx<'_>, new: NewUnit) -> DomainResult<unit::Model> {
    ensure_directory(tx.actor, DirectoryAction::ManageUnits)?;
    insert(tx, new).await
}

/// Writes a checked unit; the caller has decided that its actor may (the
/// importer's `--create-units` acts for the office).
pub(crate) async fn insert(tx: &Tx<'_>, new: NewUnit) -> DomainResult<unit::Model> {
    let txn = tx.conn();
    let mut names: Vec<&str> = vec![new.name.as_str()];
    names.extend(new.aliases.iter().map(String::as_str));
    ensure_names_free(txn, &names, None).await?;
    ensure_parent(txn, new.parent_id, None).await?;
    let model = unit::ActiveModel {
        name: Set(new.name),
        kind: Set(new.kind),
        parent_id: Set(new.parent_id),
        aliases: Set(json!(new.aliases)),
        email: Set(new.email),
        created_at: Set(tx.now),
        updated_at: Set(tx.now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(unique_violation)?;
    audit::record(
        txn,
        Some(tx.actor),
        tx.now,
        Change::new(AuditEntity::Unit, model.id, AuditAction::Create).after(snapshot(&model)),
    )
    .await?;
    Ok(model)
}

#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn update(ctx: &Ctx<'_>, id: i64, patch: UnitPatch) -> DomainResult<unit::Model> {
    ctx.write(async |tx| update_in(tx, id, patch).await).await
}

pub async fn update_in(tx: &Tx<'_>, id: i64, patch: UnitPatch) -> DomainResult<unit::Model> {
    ensure_directory(tx.actor, DirectoryAction::ManageUnits)?;
    apply_update(tx, id, patch).await
}

/// Writes a checked change to a unit; the caller has decided that its actor
/// may (the importer's fix-in-place adds an alias for the office).
pub(crate) async fn apply_update(
    tx: &Tx<'_>,
    id: i64,
    patch: UnitPatch,
) -> DomainResult<unit::Model> {
    let txn = tx.conn();
    let Some(current) = unit::Entity::find_by_id(id).one(txn).await? else {
        return Err(DomainError::NotFound("unit"));
    };
    let mut errors = Errors::default();
    let name = match &patch.name {
        Some(n) => errors.take(required_text("name", n, NAME_MAX)),
        None => Some(current.name.clone()),
    };
    let aliases = match &patch.aliases {
        Some(a) => errors.take(parse_aliases(a, name.as_deref())),
        None => Some(current.alias_list()),
    };
    let email = match &patch.email {
        Some(e) => errors.take(optional_email("email", e.as_deref())),
        None => Some(current.email.clone()),
    };
    errors.finish()?;
    let (name, aliases, email) = (
        name.unwrap_or_default(),
        aliases.unwrap_or_default(),
        email.flatten(),
    );
    let parent_id = patch.parent_id.unwrap_or(current.parent_id);
    let mut names: Vec<&str> = vec![name.as_str()];
    names.extend(aliases.iter().map(String::as_str));
    ensure_names_free(txn, &names, Some(id)).await?;
    ensure_parent(txn, parent_id, Some(id)).await?;
    let before = snapshot(&current);
    let mut am: unit::ActiveModel = current.into();
    am.name = Set(name);
    am.kind = Set(patch.kind.unwrap_or(*am.kind.as_ref()));
    am.parent_id = Set(parent_id);
    am.aliases = Set(json!(aliases));
    am.email = Set(email);
    am.updated_at = Set(tx.now);
    let model = am.update(txn).await.map_err(unique_violation)?;
    audit::record(
        txn,
        Some(tx.actor),
        tx.now,
        Change::new(AuditEntity::Unit, id, AuditAction::Update)
            .before(before)
            .after(snapshot(&model)),
    )
    .await?;
    Ok(model)
}

#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn get(ctx: &Ctx<'_>, id: i64) -> DomainResult<unit::Model> {
    ensure_directory(ctx.actor, DirectoryAction::ReadUnits)?;
    unit::Entity::find_by_id(id)
        .one(ctx.db().conn())
        .await?
        .ok_or(DomainError::NotFound("unit"))
}

#[tracing::instrument(skip_all, fields(actor = ctx.actor.user_id))]
pub async fn list(
    ctx: &Ctx<'_>,
    filter: &UnitFilter,
    page: PageRequest,
) -> DomainResult<Page<unit::Model>> {
    ensure_directory(ctx.actor, DirectoryAction::ReadUnits)?;
    let db = ctx.db();
    let mut cond = Condition::all();
    if let Some(kind) = filter.kind {
        cond = cond.add(unit::Column::Kind.eq(kind));
    }
    if let Some(parent) = filter.parent_id {
        cond = cond.add(unit::Column::ParentId.eq(parent));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", escape_like(q));
        // Aliases are stored as a JSON array; matching its text form is
        // enough for a directory of a few thousand units.
        cond = cond.add(
            Condition::any()
                .add(Expr::col(unit::Column::Name).like(like(&pattern)))
                .add(
                    Expr::expr(Func::cast_as(
                        Expr::col(unit::Column::Aliases),
                        sea_orm::sea_query::Alias::new("text"),
                    ))
                    .like(like(&pattern)),
                ),
        );
    }
    let query = unit::Entity::find().filter(cond);
    let total = query.clone().count(db.conn()).await?;
    let items = query
        .order_by_asc(unit::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db.conn())
        .await?;
    Ok(Page::of(items, total, page))
}

/// All units, for matching names in notices and for the demo.
pub async fn all<C: ConnectionTrait>(conn: &C) -> Result<Vec<unit::Model>, DomainError> {
    Ok(unit::Entity::find()
        .order_by_asc(unit::Column::Id)
        .all(conn)
        .await?)
}

/// A LIKE pattern with `\\` as its escape on every store (SQLite has none by default).
pub(crate) fn like(pattern: &str) -> LikeExpr {
    LikeExpr::new(pattern).escape('\\')
}

pub(crate) fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_trimmed_deduplicated_and_never_the_name() {
        let u = NewUnit::parse(
            " 市民政局 ",
            UnitKind::Department,
            None,
            &["民政局".into(), " 民政局".into(), "市民政局".into()],
            Some("mz@example.gov"),
        )
        .unwrap();
        assert_eq!(u.name, "市民政局");
        assert_eq!(u.aliases, ["民政局"]);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let Err(DomainError::Invalid(errs)) =
            NewUnit::parse("", UnitKind::Office, None, &["".into()], Some("nope"))
        else {
            panic!("expected invalid");
        };
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "aliases", "email"]);
    }
}
