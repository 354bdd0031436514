//! 管理 (administrators): the unit tree (create, move, rename, aliases,
//! contact address, group robots), accounts (create, roles, unit,
//! deactivate, reset the password), the working-day calendar's years, and
//! the outbox's failed messages with their error, to retry.

use std::collections::{BTreeMap, HashMap};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Datelike;
use duban_domain::DomainError;
use duban_domain::directory::channels::{self, NewChannel};
use duban_domain::directory::units::{self, NewUnit, UnitFilter, UnitPatch};
use duban_domain::directory::users::{self, NewUser, UserFilter, UserPatch};
use duban_domain::entities::notification::Channel;
use duban_domain::entities::unit::{self as unit_entity, UnitKind};
use duban_domain::page::PageRequest;
use duban_domain::role::Role;
use duban_domain::workflow::actions::Screen;
use minijinja::{Value, context};
use sea_orm::Iterable;
use serde::Serialize;

use super::error::{UiError, UiResult};
use super::form::{Fields, Submission};
use super::nav;
use super::session::Viewer;
use super::view;
use crate::state::AppState;

type Errors = BTreeMap<String, String>;

pub(super) fn role_label(r: Role) -> &'static str {
    use duban_domain::role::Role::*;
    match r {
        Admin => "系统管理员",
        Office => "督办办公室",
        UnitStaff => "单位经办人",
        UnitHead => "单位负责人",
        Inspector => "督查人员",
        Leader => "领导",
    }
}

/// A vocabulary word as the API writes it ("department").
fn word<T: Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn parse_word<T: Iterable + Serialize + Copy>(raw: &str) -> Option<T> {
    T::iter().find(|v| word(*v) == raw)
}

fn screen<'a>(req: &'a HttpRequest, viewer: &'a Viewer, title: &'a str) -> view::Screen<'a> {
    view::Screen {
        req,
        viewer,
        current: Some(Screen::Admin),
        title,
    }
}

fn invalid(e: DomainError) -> Result<Errors, UiError> {
    match e {
        DomainError::Invalid(errs) => Ok(errs.into_iter().map(|e| (e.field, e.message)).collect()),
        DomainError::Conflict { message, .. } => Ok(Errors::from([("_form".to_owned(), message)])),
        other => Err(other.into()),
    }
}

fn parse_id(raw: &str) -> UiResult<i64> {
    raw.parse::<i64>().map_err(|_| UiError::NotFound)
}

const ALL: PageRequest = PageRequest {
    page: 1,
    per_page: 200,
};

/// Units in tree order (parents before their children), with their depth.
fn tree(all: &[unit_entity::Model]) -> Vec<(&unit_entity::Model, usize)> {
    let ids: std::collections::HashSet<i64> = all.iter().map(|u| u.id).collect();
    let mut children: BTreeMap<Option<i64>, Vec<&unit_entity::Model>> = BTreeMap::new();
    for u in all {
        let parent = u.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(u);
    }
    let mut out = Vec::with_capacity(all.len());
    let mut stack: Vec<(&unit_entity::Model, usize)> = children
        .get(&None)
        .map(|v| v.iter().rev().map(|u| (*u, 0)).collect())
        .unwrap_or_default();
    while let Some((u, depth)) = stack.pop() {
        out.push((u, depth));
        if depth < 16
            && let Some(kids) = children.get(&Some(u.id))
        {
            stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
        }
    }
    out
}

fn unit_choices(
    all: &[unit_entity::Model],
    current: Option<i64>,
    except: Option<i64>,
) -> Vec<Value> {
    tree(all)
        .into_iter()
        .filter(|(u, _)| Some(u.id) != except)
        .map(|(u, d)| {
            context! { id => u.id, label => format!("{}{}", "　".repeat(d), u.name), selected => Some(u.id) == current }
        })
        .collect()
}

fn kinds(current: Option<UnitKind>) -> Vec<Value> {
    UnitKind::iter()
        .map(|k| context! { value => word(k), label => k.label(), selected => Some(k) == current })
        .collect()
}

/// The admin page: the unit tree, accounts, the calendar, failed messages.
pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
) -> UiResult<HttpResponse> {
    nav::ensure(&viewer.actor, Screen::Admin)?;
    overview(
        &state,
        &req,
        &viewer,
        StatusCode::OK,
        Errors::new(),
        BTreeMap::new(),
        "",
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn overview(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    status: StatusCode,
    errors: Errors,
    values: BTreeMap<String, String>,
    failed_form: &str,
) -> UiResult<HttpResponse> {
    let ctx = state.ctx(&viewer.actor);
    let unit_page = units::list(&ctx, &UnitFilter::default(), ALL).await?;
    let user_page = users::list(&ctx, &UserFilter::default(), ALL).await?;
    let names: HashMap<i64, String> = unit_page
        .items
        .iter()
        .map(|u| (u.id, u.name.clone()))
        .collect();
    let unit_rows: Vec<_> = tree(&unit_page.items)
        .into_iter()
        .map(|(u, depth)| {
            context! {
                id => u.id, name => u.name, depth => depth.min(4), kind => u.kind.label(),
                email => u.email, aliases => u.alias_list().join("、"),
            }
        })
        .collect();
    let people: Vec<_> = user_page
        .items
        .iter()
        .map(|u| context! {
            id => u.id, username => u.username, display_name => u.display_name, email => u.email, active => u.active,
            unit => u.unit_id.and_then(|id| names.get(&id).cloned()),
            roles => u.roles.iter().map(role_label).collect::<Vec<_>>().join("、"),
        })
        .collect();
    let today = duban_domain::time::local_date(state.env.now(), state.settings.jobs.zone());
    let last = if today.month() == 12 {
        today.year() + 1
    } else {
        today.year()
    };
    let cal = &state.env.calendar;
    let failed = duban_jobs::failed_notifications(&state.env.db, 100).await?;
    let failed: Vec<_> = failed
        .iter()
        .map(|n| {
            let to = n
                .recipient_user_id
                .and_then(|id| user_page.items.iter().find(|u| u.id == id))
                .map(|u| u.display_name.clone())
                .or_else(|| n.recipient_unit_id.and_then(|id| names.get(&id).cloned()))
                .unwrap_or_default();
            context! {
                id => n.id, channel => n.channel.label(), to => to, attempts => n.attempts,
                error => n.last_error, at => n.created_at.to_rfc3339(), assignment_id => n.assignment_id,
                subject => n.payload.get("subject").and_then(|s| s.as_str()).map(str::to_owned),
            }
        })
        .collect();
    let roles: Vec<_> = Role::ALL
        .iter()
        .map(|r| context! { value => r.as_str(), label => role_label(*r), checked => values.contains_key(&format!("role.{}", r.as_str())) })
        .collect();
    let current_parent = values.get("parent_id").and_then(|v| v.parse().ok());
    let current_unit = values.get("unit_id").and_then(|v| v.parse().ok());
    let current_kind = values.get("kind").and_then(|k| parse_word::<UnitKind>(k));
    screen(req, viewer, "管理").answer(
        status,
        "admin/page.html",
        None,
        context! {
            units => unit_rows, users => people, unit_total => unit_page.total, user_total => user_page.total,
            parents => unit_choices(&unit_page.items, current_parent, None),
            unit_choices => unit_choices(&unit_page.items, current_unit, None),
            kinds => kinds(current_kind.or(Some(UnitKind::Department))), roles => roles,
            covered => cal.covered_years(), missing => cal.missing_years(today.year(), last),
            failed => failed, errors => errors, values => values, failed_form => failed_form,
        },
        None,
    )
}

fn aliases(f: &Fields) -> Vec<String> {
    f.text("aliases")
        .split(|c: char| "、，,；;\n".contains(c))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

pub async fn create_unit(
    state: web::Data<AppState>,
    req: HttpRequest,
    sub: Submission,
) -> UiResult<HttpResponse> {
    nav::ensure(&sub.viewer.actor, Screen::Admin)?;
    let f = &sub.fields;
    let kind = f
        .get("kind")
        .and_then(parse_word::<UnitKind>)
        .unwrap_or(UnitKind::Department);
    let parent = f.int::<i64>("parent_id", "上级单位").ok().flatten();
    let result = match NewUnit::parse(&f.text("name"), kind, parent, &aliases(f), f.get("email")) {
        Ok(new) => units::create(&state.ctx(&sub.viewer.actor), new).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(u) => Ok(view::see_other(
            &format!("/admin/units/{}", u.id),
            Some("unit_created".into()),
        )),
        Err(e) => {
            let errors = invalid(e)?;
            overview(
                &state,
                &req,
                &sub.viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                f.values(),
                "unit",
            )
            .await
        }
    }
}

async fn unit_page(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    id: i64,
    status: StatusCode,
    errors: Errors,
    values: Option<BTreeMap<String, String>>,
) -> UiResult<HttpResponse> {
    let ctx = state.ctx(&viewer.actor);
    let all = units::all(state.env.db.conn()).await?;
    let u = all.iter().find(|u| u.id == id).ok_or(UiError::NotFound)?;
    let values = values.unwrap_or_else(|| {
        BTreeMap::from([
            ("name".to_owned(), u.name.clone()),
            ("aliases".to_owned(), u.alias_list().join("、")),
            ("email".to_owned(), u.email.clone().unwrap_or_default()),
        ])
    });
    let robots: Vec<_> = channels::list(&ctx, id)
        .await?
        .into_iter()
        .map(|c| context! {
            id => c.id, kind => c.kind.label(), name => c.name, url => c.url, signed => c.signed,
            active => c.active, error => c.last_error,
        })
        .collect();
    let robot_kinds: Vec<_> = Channel::iter()
        .filter(|c| *c != Channel::Email)
        .map(|c| context! { value => word(c), label => c.label() })
        .collect();
    let people: Vec<_> = users::list(
        &ctx,
        &UserFilter {
            unit_id: Some(id),
            ..Default::default()
        },
        ALL,
    )
    .await?
    .items
    .into_iter()
    .map(|p| {
        context! { id => p.id, display_name => p.display_name, active => p.active,
        roles => p.roles.iter().map(role_label).collect::<Vec<_>>().join("、") }
    })
    .collect();
    screen(req, viewer, &u.name).answer(
        status,
        "admin/unit.html",
        None,
        context! {
            unit => context! { id => u.id, name => u.name },
            parents => unit_choices(&all, u.parent_id, Some(u.id)), kinds => kinds(Some(u.kind)),
            robots => robots, robot_kinds => robot_kinds, people => people,
            errors => errors, values => values,
        },
        None,
    )
}

pub async fn unit(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    nav::ensure(&viewer.actor, Screen::Admin)?;
    unit_page(
        &state,
        &req,
        &viewer,
        parse_id(&id)?,
        StatusCode::OK,
        Errors::new(),
        None,
    )
    .await
}

/// Rename, move, kind, aliases and contact address, in one form.
pub async fn update_unit(
    state: web::Data<AppState>,
    req: HttpRequest,
    sub: Submission,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    nav::ensure(&sub.viewer.actor, Screen::Admin)?;
    let id = parse_id(&id)?;
    let f = &sub.fields;
    let patch = UnitPatch {
        name: Some(f.text("name")),
        kind: f.get("kind").and_then(parse_word::<UnitKind>),
        parent_id: Some(f.int::<i64>("parent_id", "上级单位").ok().flatten()),
        aliases: Some(aliases(f)),
        email: Some(f.get("email").map(str::to_owned)),
    };
    match units::update(&state.ctx(&sub.viewer.actor), id, patch).await {
        Ok(_) => Ok(view::see_other(
            &format!("/admin/units/{id}"),
            Some("unit_updated".into()),
        )),
        Err(e) => {
            let errors = invalid(e)?;
            unit_page(
                &state,
                &req,
                &sub.viewer,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                Some(f.values()),
            )
            .await
        }
    }
}

pub async fn add_robot(
    state: web::Data<AppState>,
    req: HttpRequest,
    sub: Submission,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    nav::ensure(&sub.viewer.actor, Screen::Admin)?;
    let id = parse_id(&id)?;
    let f = &sub.fields;
    let kind = f
        .get("robot_kind")
        .and_then(parse_word::<Channel>)
        .unwrap_or(Channel::Email);
    let result = match NewChannel::parse(
        kind,
        &f.text("robot_url"),
        f.get("robot_secret"),
        f.get("robot_name"),
    ) {
        Ok(new) => channels::add(&state.ctx(&sub.viewer.actor), id, new).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(view::see_other(
            &format!("/admin/units/{id}"),
            Some("robot_added".into()),
        )),
        Err(e) => {
            let errors = invalid(e)?
                .into_iter()
                .map(|(k, v)| (format!("robot_{k}"), v))
                .collect();
            unit_page(
                &state,
                &req,
                &sub.viewer,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                None,
            )
            .await
        }
    }
}

pub async fn remove_robot(
    state: web::Data<AppState>,
    sub: Submission,
    ids: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    nav::ensure(&sub.viewer.actor, Screen::Admin)?;
    let (unit, robot) = (parse_id(&ids.0)?, parse_id(&ids.1)?);
    channels::remove(&state.ctx(&sub.viewer.actor), unit, robot).await?;
    Ok(view::see_other(
        &format!("/admin/units/{unit}"),
        Some("robot_removed".into()),
    ))
}

fn roles_of(f: &Fields) -> Vec<String> {
    Role::ALL
        .iter()
        .filter(|r| f.get(&format!("role.{}", r.as_str())).is_some())
        .map(|r| r.as_str().to_owned())
        .collect()
}

pub async fn create_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    sub: Submission,
) -> UiResult<HttpResponse> {
    nav::ensure(&sub.viewer.actor, Screen::Admin)?;
    let f = &sub.fields;
    let unit = f.int::<i64>("unit_id", "单位").ok().flatten();
    let result = match NewUser::parse(
        &f.text("username"),
        f.get("display_name"),
        f.get("email"),
        unit,
        &roles_of(f),
        &f.text("password"),
    ) {
        Ok(new) => users::create(&state.ctx(&sub.viewer.actor), new).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(u) => Ok(view::see_other(
            &format!("/admin/users/{}", u.id),
            Some("user_created".into()),
        )),
        Err(e) => {
            let errors = invalid(e)?;
            let mut values = f.values();
            values.remove("password");
            overview(
                &state,
                &req,
                &sub.viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                values,
                "user",
            )
            .await
        }
    }
}

async fn user_page(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    id: i64,
    status: StatusCode,
    errors: Errors,
) -> UiResult<HttpResponse> {
    let ctx = state.ctx(&viewer.actor);
    let u = users::get(&ctx, id).await?;
    let all = units::all(state.env.db.conn()).await?;
    let roles: Vec<_> = Role::ALL
        .iter()
        .map(|r| context! { value => r.as_str(), label => role_label(*r), checked => u.roles.iter().any(|x| x == *r) })
        .collect();
    screen(req, viewer, &u.display_name).answer(
        status,
        "admin/user.html",
        None,
        context! {
            user => context! { id => u.id, username => u.username, display_name => u.display_name, email => u.email, active => u.active },
            units => unit_choices(&all, u.unit_id, None), roles => roles, errors => errors,
        },
        None,
    )
}

pub async fn user(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    nav::ensure(&viewer.actor, Screen::Admin)?;
    user_page(
        &state,
        &req,
        &viewer,
        parse_id(&id)?,
        StatusCode::OK,
        Errors::new(),
    )
    .await
}

/// Display name, address, unit, roles and whether the account is active;
/// a new password when one is typed (its owner changes it at next sign-in).
pub async fn update_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    sub: Submission,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    nav::ensure(&sub.viewer.actor, Screen::Admin)?;
    let id = parse_id(&id)?;
    let f = &sub.fields;
    let patch = UserPatch {
        display_name: Some(f.text("display_name")),
        email: Some(f.get("email").map(str::to_owned)),
        unit_id: Some(f.int::<i64>("unit_id", "单位").ok().flatten()),
        roles: Some(roles_of(f)),
        active: Some(f.get("active").is_some()),
        password: f.get("password").map(str::to_owned),
    };
    let reset = patch.password.is_some();
    match users::update(&state.ctx(&sub.viewer.actor), id, patch).await {
        Ok(_) => Ok(view::see_other(
            &format!("/admin/users/{id}"),
            Some(
                if reset {
                    "password_reset"
                } else {
                    "user_updated"
                }
                .into(),
            ),
        )),
        Err(e) => {
            let errors = invalid(e)?;
            user_page(
                &state,
                &req,
                &sub.viewer,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
            )
            .await
        }
    }
}

/// Puts the ticked failed messages back in the queue for one more attempt.
pub async fn retry(state: web::Data<AppState>, sub: Submission) -> UiResult<HttpResponse> {
    nav::ensure(&sub.viewer.actor, Screen::Admin)?;
    let ids: Vec<i64> = sub
        .fields
        .all("ids")
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect();
    let n = duban_jobs::retry_failed(&state.env.db, state.env.now(), &ids).await?;
    Ok(view::see_other(
        "/admin#outbox",
        Some(format!("retried:{n}")),
    ))
}
