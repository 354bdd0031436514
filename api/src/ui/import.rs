//! Import a notice (office): paste its text or upload the file, check the
//! preview — sections, tasks, lead and assisting units, due dates with the
//! phrase they came from, indicators, the parser's warnings — fix unmatched
//! units in place (use an existing unit for this import, teach the
//! directory the name as an alias, or create the unit), correct dates, and
//! save a draft plan; then the ordinary plan page to check and 交办.
//!
//! One form carries everything (the text, the choices so far, the dates),
//! so it works without JavaScript and the server keeps no state between
//! steps; each button names its step.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use duban_domain::DomainError;
use duban_domain::directory::units;
use duban_domain::importer::{ParsedNotice, UnitRole};
use duban_domain::policy::ensure_plan_write;
use duban_domain::workflow::import::{self, ImportReport};
use minijinja::{Value, context};

use super::error::{UiError, UiResult};
use super::form::{Fields, Submission};
use super::plans::screen;
use super::session::Viewer;
use super::view;
use crate::state::AppState;

pub async fn page(req: HttpRequest, viewer: Viewer) -> UiResult<HttpResponse> {
    ensure_plan_write(&viewer.actor)?;
    start(&req, &viewer, StatusCode::OK, None, "")
}

fn start(
    req: &HttpRequest,
    viewer: &Viewer,
    status: StatusCode,
    error: Option<String>,
    text: &str,
) -> UiResult<HttpResponse> {
    screen(req, viewer, "导入通知").answer(
        status,
        "plans/import.html",
        None,
        context! { preview => false, error => error, text => text },
        None,
    )
}

/// What the person chose so far: names read as another unit's for this
/// import ("原名→单位名"), and dates corrected by task.
struct Choices {
    renames: Vec<(String, String)>,
    dues: BTreeMap<usize, chrono::NaiveDate>,
    problems: Vec<String>,
}

fn choices(f: &Fields) -> Choices {
    let renames = f
        .all("rename")
        .into_iter()
        .filter_map(|r| r.split_once('→'))
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect();
    let mut dues = BTreeMap::new();
    let mut problems = Vec::new();
    for (k, v) in f.values() {
        if let Some(i) = k.strip_prefix("due.").and_then(|i| i.parse::<usize>().ok()) {
            match v.trim().parse() {
                Ok(d) => {
                    dues.insert(i, d);
                }
                Err(_) => problems.push(format!(
                    "第 {} 项任务的完成时限须为日期，如 2026-06-30",
                    i + 1
                )),
            }
        }
    }
    Choices {
        renames,
        dues,
        problems,
    }
}

fn apply(notice: &mut ParsedNotice, c: &Choices) {
    for (i, t) in notice.tasks.iter_mut().enumerate() {
        for u in &mut t.units {
            if let Some((_, to)) = c.renames.iter().find(|(from, _)| *from == u.name) {
                u.name = to.clone();
            }
        }
        if let Some(d) = c.dues.get(&i)
            && t.due_on != Some(*d)
        {
            t.due_on = Some(*d);
            t.due_is_default = false;
        }
    }
}

async fn notice_text(sub: &Submission) -> UiResult<String> {
    if let Some(file) = sub.file("file") {
        let bytes = file
            .bytes()
            .await
            .map_err(|e| UiError::Internal(anyhow::anyhow!("reading the uploaded notice: {e}")))?;
        let (name, ct) = (file.filename.clone(), file.content_type.clone());
        let text =
            web::block(move || crate::routes::import::notice_text(&bytes, Some(&name), Some(&ct)))
                .await
                .map_err(|e| UiError::Internal(anyhow::anyhow!("import worker: {e}")))?
                .map_err(|e| UiError::BadRequest(e.to_string()))?;
        return Ok(text);
    }
    Ok(sub.fields.text("text"))
}

pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    sub: Submission,
) -> UiResult<HttpResponse> {
    ensure_plan_write(&sub.viewer.actor)?;
    let text = match notice_text(&sub).await {
        Ok(t) => t,
        Err(UiError::BadRequest(why)) => {
            return start(
                &req,
                &sub.viewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(why),
                "",
            );
        }
        Err(e) => return Err(e),
    };
    if text.trim().is_empty() {
        return start(
            &req,
            &sub.viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("请粘贴通知全文，或选择通知文件".into()),
            "",
        );
    }
    let f = &sub.fields;
    let mut c = choices(f);
    let ctx = state.ctx(&sub.viewer.actor);
    let step = f.get("step").unwrap_or("preview").to_owned();
    let mut message = None;
    let mut error = None;
    let named = |k: &str| f.get(&format!("unknown.{k}")).map(str::to_owned);
    let picked = |k: &str| f.int::<i64>(&format!("pick.{k}"), "单位").ok().flatten();
    if let Some(k) = step.strip_prefix("alias:") {
        match (named(k), picked(k)) {
            (Some(name), Some(unit)) => match import::add_alias(&ctx, unit, &name).await {
                Ok(u) => message = Some(format!("已将“{name}”设为“{}”的简称", u.name)),
                Err(e) => error = Some(refusal(e)?),
            },
            _ => error = Some("请先在名录中选择单位".to_owned()),
        }
    } else if let Some(k) = step.strip_prefix("pick:") {
        match (named(k), picked(k)) {
            (Some(name), Some(unit)) => {
                let all = units::all(state.env.db.conn()).await?;
                match all.into_iter().find(|u| u.id == unit) {
                    Some(u) => {
                        message = Some(format!("本次导入中“{name}”按“{}”办理", u.name));
                        c.renames.push((name, u.name));
                    }
                    None => error = Some("所选单位不存在".to_owned()),
                }
            }
            _ => error = Some("请先在名录中选择单位".to_owned()),
        }
    } else if let Some(k) = step.strip_prefix("create:") {
        if let Some(name) = named(k) {
            match import::create_named_unit(&ctx, &name).await {
                Ok(u) => message = Some(format!("已新建单位“{}”", u.name)),
                Err(e) => error = Some(refusal(e)?),
            }
        }
    } else if step == "save" && c.problems.is_empty() {
        let mut notice = crate::routes::import::parse(text.clone())
            .await
            .map_err(UiError::Internal)?;
        apply(&mut notice, &c);
        match import::store_notice(&ctx, notice, false, f.get("create_units").is_some()).await {
            Ok(r) => {
                let id = r.plan_id.unwrap_or_default();
                return Ok(view::see_other(
                    &format!("/plans/{id}"),
                    Some(format!("imported:{}", r.assignments)),
                ));
            }
            Err(e) => error = Some(refusal(e)?),
        }
    }
    let mut notice = crate::routes::import::parse(text.clone())
        .await
        .map_err(UiError::Internal)?;
    apply(&mut notice, &c);
    let report = import::store_notice(&ctx, notice, true, false).await?;
    let status = if error.is_some() || !c.problems.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let all_units: Vec<_> = units::all(state.env.db.conn())
        .await?
        .into_iter()
        .map(|u| context! { id => u.id, name => u.name })
        .collect();
    screen(&req, &sub.viewer, "导入预览").answer(
        status,
        "plans/import.html",
        None,
        context! {
            preview => true, text => text, message => message, error => error, problems => c.problems,
            renames => c.renames.iter().map(|(a, b)| format!("{a}→{b}")).collect::<Vec<_>>(),
            all_units => all_units, create_units => f.get("create_units").is_some(),
            r => preview_view(&report),
        },
        None,
    )
}

/// A refusal the person can act on is shown on the preview; others are errors.
fn refusal(e: DomainError) -> Result<String, UiError> {
    match e {
        DomainError::Invalid(errs) => Ok(errs
            .into_iter()
            .map(|e| e.message)
            .collect::<Vec<_>>()
            .join("；")),
        DomainError::Conflict { message, .. } => Ok(message),
        other => Err(other.into()),
    }
}

fn preview_view(r: &ImportReport) -> Value {
    let n = &r.notice;
    let unit = |u: &duban_domain::importer::TaskUnit| {
        let members = r.groups.get(&u.name).map_or(0, Vec::len);
        context! {
            name => u.name, matched => u.unit_id.is_some() || members > 0, group => u.group,
            members => members, inferred => u.inferred,
        }
    };
    let tasks: Vec<Value> = n
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            context! {
                index => i, number => t.number, section => t.section, title => t.title,
                requirements => t.requirements,
                lead => t.units.iter().filter(|u| u.role == UnitRole::Lead).map(unit).collect::<Vec<_>>(),
                assist => t.units.iter().filter(|u| u.role == UnitRole::Assist).map(unit).collect::<Vec<_>>(),
                due_on => t.due_on.map(|d| d.to_string()), due_text => t.due_text, due_is_default => t.due_is_default,
                report_cron => t.report_cron,
                indicators => t.indicators.iter().map(|x| format!("{} {}{}{}", x.name, match x.comparator {
                    duban_domain::importer::Comparator::AtLeast => "≥",
                    duban_domain::importer::Comparator::AtMost => "≤",
                    duban_domain::importer::Comparator::Equal => "=",
                }, x.target, x.unit)).collect::<Vec<_>>(),
            }
        })
        .collect();
    let sections: Vec<Value> = n
        .sections
        .iter()
        .map(|s| context! { number => s.number, title => s.title })
        .collect();
    context! {
        doc_no => n.plan.doc_no, title => n.plan.title, issuer => n.plan.issuer,
        issued_on => n.plan.issued_on.map(|d| d.to_string()), year => n.plan.year,
        sections => sections, tasks => tasks, warnings => n.warnings,
        indicators => n.indicators.iter().map(|x| format!("{} {}{}", x.name, x.target, x.unit)).collect::<Vec<_>>(),
        unknown => r.unknown_units.iter().enumerate().map(|(k, name)| context! { k => k, name => name, group => r.groups.contains_key(name) }).collect::<Vec<_>>(),
    }
}
