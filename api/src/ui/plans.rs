//! 督办文件: the plans, one plan with its sections and tasks, creating a
//! plan and a task (units picked from the directory by name or alias), and
//! 交办 after a confirmation that lists who will be told.

use std::collections::{BTreeMap, HashMap};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use duban_domain::DomainError;
use duban_domain::directory::{pick, units};
use duban_domain::entities::indicator::IndicatorKind;
use duban_domain::entities::plan::PlanStatus;
use duban_domain::page::PageRequest;
use duban_domain::policy::ensure_plan_write;
use duban_domain::workflow::Status;
use duban_domain::workflow::actions::Screen;
use duban_domain::workflow::issue_preview::issue_preview;
use duban_domain::workflow::plans::{
    self, NewIndicator, NewPlan, NewTask, PlanPatch, TaskPatch, TaskUnits,
};
use minijinja::{Value, context};

use super::error::{UiError, UiResult};
use super::form::{Fields, Submission};
use super::nav;
use super::rows::pager;
use super::session::Viewer;
use super::view;
use crate::state::AppState;

type Errors = BTreeMap<String, String>;

pub(super) fn screen<'a>(
    req: &'a HttpRequest,
    viewer: &'a Viewer,
    title: &'a str,
) -> view::Screen<'a> {
    view::Screen {
        req,
        viewer,
        current: Some(Screen::Plans),
        title,
    }
}

fn parse_id(raw: &str) -> UiResult<i64> {
    raw.parse::<i64>().map_err(|_| UiError::NotFound)
}

pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
) -> UiResult<HttpResponse> {
    nav::ensure(&viewer.actor, Screen::Plans)?;
    let q = Fields::of_query(&req);
    let year = q.int::<i32>("year", "年份").ok().flatten();
    let page_no = q
        .int::<u64>("page", "页码")
        .ok()
        .flatten()
        .unwrap_or(1)
        .max(1);
    let page = plans::list_plans(
        &state.ctx(&viewer.actor),
        year,
        PageRequest {
            page: page_no,
            per_page: 25,
        },
    )
    .await?;
    let items: Vec<_> = page
        .items
        .iter()
        .map(|p| context! { id => p.id, doc_no => p.doc_no, title => p.title, issued_on => p.issued_on.to_string(),
                            year => p.year, draft => p.status == PlanStatus::Draft })
        .collect();
    let query: Vec<(String, String)> = year
        .map(|y| vec![("year".to_owned(), y.to_string())])
        .unwrap_or_default();
    screen(&req, &viewer, "督办文件").ok(
        "plans/list.html",
        None,
        context! {
            items => items,
            pager => pager("/plans", &query, page.page, page.per_page, page.total),
            may_write => ensure_plan_write(&viewer.actor).is_ok(),
        },
    )
}

pub async fn detail(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let id = parse_id(&id)?;
    let d = plans::get_plan(&state.ctx(&viewer.actor), id).await?;
    let names: HashMap<i64, String> = units::all(state.env.db.conn())
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let drafts = d
        .tasks
        .iter()
        .flat_map(|t| &t.assignments)
        .filter(|a| a.status == Status::Draft)
        .count();
    let task_view = |t: &plans::TaskDetail| {
        context! {
            id => t.task.id, issued => t.assignments.iter().any(|a| a.status != Status::Draft),
            number => t.task.number, title => t.task.title, requirements => t.task.requirements,
            due_on => t.task.due_on.to_string(), due_text => t.task.due_text, report_cron => t.task.report_cron,
            indicators => t.indicators.iter().map(|i| context! { name => i.name, target => i.target, measure => i.measure }).collect::<Vec<_>>(),
            assignments => t.assignments.iter().map(|a| context! {
                id => a.id, unit_name => names.get(&a.unit_id).cloned().unwrap_or_default(),
                role_label => a.role.label(), status_label => a.status.label(), due_on => a.due_on.to_string(),
            }).collect::<Vec<_>>(),
        }
    };
    let mut sections: Vec<Value> = d
        .sections
        .iter()
        .map(|s| {
            let tasks: Vec<Value> = d
                .tasks
                .iter()
                .filter(|t| t.task.section_id == Some(s.id))
                .map(task_view)
                .collect();
            context! { number => s.number, title => s.title, tasks => tasks }
        })
        .collect();
    let loose: Vec<Value> = d
        .tasks
        .iter()
        .filter(|t| t.task.section_id.is_none())
        .map(task_view)
        .collect();
    if !loose.is_empty() {
        sections.push(context! { number => "", title => "", tasks => loose });
    }
    let p = &d.plan;
    screen(&req, &viewer, &p.title).ok(
        "plans/detail.html",
        None,
        context! {
            plan => context! { id => p.id, doc_no => p.doc_no, title => p.title, issued_on => p.issued_on.to_string(), year => p.year, draft => p.status == PlanStatus::Draft },
            sections => sections,
            drafts => drafts,
            may_write => ensure_plan_write(&viewer.actor).is_ok(),
            sees_indicators => duban_domain::supervision::ensure_inspection_view(&viewer.actor).is_ok(),
        },
    )
}

/// The plan form: a new plan (`id` None) or correcting one.
fn plan_form(
    req: &HttpRequest,
    viewer: &Viewer,
    id: Option<i64>,
    status: StatusCode,
    errors: Errors,
    values: BTreeMap<String, String>,
) -> UiResult<HttpResponse> {
    let title = if id.is_some() {
        "修改督办文件"
    } else {
        "新建督办文件"
    };
    screen(req, viewer, title).answer(
        status,
        "plans/new.html",
        None,
        context! { errors => errors, values => values, plan_id => id, heading => title },
        None,
    )
}

pub async fn new_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
) -> UiResult<HttpResponse> {
    ensure_plan_write(&viewer.actor)?;
    let today = duban_domain::time::local_date(state.env.now(), chrono_tz::Asia::Shanghai);
    let values = BTreeMap::from([("issued_on".to_owned(), today.to_string())]);
    plan_form(&req, &viewer, None, StatusCode::OK, Errors::new(), values)
}

fn invalid(e: DomainError) -> Result<Errors, UiError> {
    match e {
        DomainError::Invalid(errs) => Ok(errs.into_iter().map(|e| (e.field, e.message)).collect()),
        other => Err(other.into()),
    }
}

pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    sub: Submission,
) -> UiResult<HttpResponse> {
    let f = &sub.fields;
    let mut errors = Errors::new();
    let issued_on = match f.date("issued_on", "印发日期") {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.insert("issued_on".into(), "请填写印发日期".into());
            None
        }
        Err((k, m)) => {
            errors.insert(k, m);
            None
        }
    };
    let year = f.int::<i32>("year", "年度").unwrap_or_else(|(k, m)| {
        errors.insert(k, m);
        None
    });
    if let (Some(issued_on), true) = (issued_on, errors.is_empty()) {
        let new = NewPlan {
            doc_no: f.text("doc_no"),
            title: f.text("title"),
            issued_on,
            year,
            timezone: None,
            issuer_unit_id: None,
        };
        match plans::create_plan(&state.ctx(&sub.viewer.actor), new).await {
            Ok(p) => {
                return Ok(view::see_other(
                    &format!("/plans/{}", p.id),
                    Some("plan_created".into()),
                ));
            }
            Err(e) => errors = invalid(e)?,
        }
    }
    plan_form(
        &req,
        &sub.viewer,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
        errors,
        f.values(),
    )
}

/// Common reporting schedules, as cron, for the task form.
const SCHEDULES: &[(&str, &str)] = &[
    ("", "不定期（无固定反馈）"),
    ("0 9 25 * *", "每月 25 日前反馈"),
    ("0 9 * * 5", "每周五反馈"),
    ("0 9 25 3,6,9,12 *", "每季度末月 25 日前反馈"),
    ("0 9 25 6,12 *", "每半年（6月、12月 25 日前）反馈"),
];

/// The task form: adding one (`task` None) or correcting one.
#[allow(clippy::too_many_arguments)]
async fn task_form(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    plan_id: i64,
    task: Option<i64>,
    status: StatusCode,
    errors: Errors,
    values: BTreeMap<String, String>,
) -> UiResult<HttpResponse> {
    let d = plans::get_plan(&state.ctx(&viewer.actor), plan_id).await?;
    let unit_names = pick::names(&state.env.db).await?;
    let current = values.get("report_cron").cloned().unwrap_or_default();
    let schedules: Vec<_> = SCHEDULES
        .iter()
        .map(|(v, l)| context! { value => v, label => l, selected => *v == current })
        .collect();
    let sections: Vec<String> = d
        .sections
        .iter()
        .map(|s| format!("{}{}", s.number, s.title))
        .collect();
    let editing = task.and_then(|id| d.tasks.iter().find(|t| t.task.id == id));
    if task.is_some() && editing.is_none() {
        return Err(UiError::NotFound);
    }
    let issued = editing.is_some_and(|t| t.assignments.iter().any(|a| a.status != Status::Draft));
    let title = if editing.is_some() {
        "修改任务"
    } else {
        "添加任务"
    };
    screen(req, viewer, title).answer(
        status,
        "plans/task_new.html",
        None,
        context! {
            plan => context! { id => d.plan.id, doc_no => d.plan.doc_no, title => d.plan.title },
            task_id => task, issued => issued, heading => title,
            action => match task { Some(t) => format!("/plans/{plan_id}/tasks/{t}/edit"), None => format!("/plans/{plan_id}/tasks") },
            unit_names => unit_names, sections => sections, schedules => schedules,
            errors => errors, values => values,
        },
        None,
    )
}

pub async fn new_task_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    ensure_plan_write(&viewer.actor)?;
    let id = parse_id(&id)?;
    task_form(
        &state,
        &req,
        &viewer,
        id,
        None,
        StatusCode::OK,
        Errors::new(),
        BTreeMap::new(),
    )
    .await
}

/// 指标, one a line: 名称 | 目标值 | 计量单位 | 约束性/预期性 (the last two optional).
fn indicators(text: &str) -> Result<Vec<NewIndicator>, String> {
    let mut out = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let parts: Vec<&str> = line.split(['|', '｜']).map(str::trim).collect();
        let (Some(name), Some(target)) = (parts.first(), parts.get(1)) else {
            return Err(format!("第 {} 行：请写成“名称 | 目标值 | 计量单位”", n + 1));
        };
        let kind = match parts.get(3).copied().unwrap_or("") {
            "" => None,
            "约束性" => Some(IndicatorKind::Binding),
            "预期性" => Some(IndicatorKind::Expected),
            other => return Err(format!("第 {} 行：属性“{other}”须为约束性或预期性", n + 1)),
        };
        out.push(NewIndicator {
            name: (*name).to_owned(),
            target: (*target).to_owned(),
            measure: parts
                .get(2)
                .filter(|m| !m.is_empty())
                .map(|m| (*m).to_owned()),
            comparator: None,
            kind,
            breakdown: None,
        });
    }
    Ok(out)
}

/// The indicators as the form writes them, one a line.
fn indicator_lines(inds: &[duban_domain::entities::indicator::Model]) -> String {
    inds.iter()
        .map(|i| {
            let mut parts = vec![
                i.name.clone(),
                i.target.clone(),
                i.measure.clone().unwrap_or_default(),
            ];
            if let Some(k) = i.kind {
                parts.push(k.label().to_owned());
            }
            while parts.last().is_some_and(String::is_empty) {
                parts.pop();
            }
            parts.join(" | ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What the task form says besides its plain fields, read and checked.
struct TaskFields {
    due_on: Option<chrono::NaiveDate>,
    lead_id: Option<i64>,
    assist_ids: Vec<i64>,
    indicators: Vec<NewIndicator>,
    cron: Option<String>,
}

async fn read_task_fields(
    state: &AppState,
    f: &Fields,
    errors: &mut Errors,
) -> UiResult<TaskFields> {
    let due_on = match f.date("due_on", "完成时限") {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.insert("due_on".into(), "请填写完成时限".into());
            None
        }
        Err((k, m)) => {
            errors.insert(k, m);
            None
        }
    };
    let lead = pick::pick(&state.env.db, &f.text("lead_unit")).await?;
    let lead_id = match (lead.ids.as_slice(), lead.unknown.as_slice()) {
        ([one], []) => Some(*one),
        ([], []) => {
            errors.insert("lead_unit".into(), "请填写牵头单位".into());
            None
        }
        (_, [name, ..]) => {
            errors.insert(
                "lead_unit".into(),
                format!("单位名录中没有“{name}”，请按名称或简称选择"),
            );
            None
        }
        _ => {
            errors.insert(
                "lead_unit".into(),
                "牵头单位只能有一个，其余请填在配合单位".into(),
            );
            None
        }
    };
    let assist = pick::pick(&state.env.db, &f.text("assist_units")).await?;
    if let Some(name) = assist.unknown.first() {
        errors.insert(
            "assist_units".into(),
            format!("单位名录中没有“{name}”，请按名称或简称选择"),
        );
    }
    let inds = indicators(&f.text("indicators")).unwrap_or_else(|m| {
        errors.insert("indicators".into(), m);
        Vec::new()
    });
    let cron = f
        .get("report_cron_custom")
        .or(f.get("report_cron"))
        .map(str::to_owned);
    Ok(TaskFields {
        due_on,
        lead_id,
        assist_ids: assist
            .ids
            .into_iter()
            .filter(|u| Some(*u) != lead_id)
            .collect(),
        indicators: inds,
        cron,
    })
}

/// The service's field names, as the form names them.
fn form_errors(e: DomainError) -> Result<Errors, UiError> {
    Ok(match e {
        DomainError::Conflict { message, .. } => Errors::from([("lead_unit".to_owned(), message)]),
        e => invalid(e)?
            .into_iter()
            .map(|(k, v)| match k.as_str() {
                "lead_unit_id" => ("lead_unit".to_owned(), v),
                "assist_unit_ids" => ("assist_units".to_owned(), v),
                k if k.starts_with("indicators") => ("indicators".to_owned(), v),
                _ => (k, v),
            })
            .collect(),
    })
}

pub async fn add_task(
    state: web::Data<AppState>,
    req: HttpRequest,
    sub: Submission,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let plan_id = parse_id(&id)?;
    let f = &sub.fields;
    let mut errors = Errors::new();
    let t = read_task_fields(&state, f, &mut errors).await?;
    if let (Some(due_on), Some(lead_id), true) = (t.due_on, t.lead_id, errors.is_empty()) {
        let new = NewTask {
            number: f.get("number").map(str::to_owned),
            section: f.get("section").map(str::to_owned),
            title: f.text("title"),
            requirements: f.get("requirements").map(str::to_owned),
            due_on,
            due_text: f.get("due_text").map(str::to_owned),
            lead_unit_id: lead_id,
            assist_unit_ids: t.assist_ids,
            unit_due_on: BTreeMap::new(),
            report_cron: t.cron,
            indicators: t.indicators,
            allow_past_due: f.get("allow_past_due").is_some(),
            milestones: Vec::new(),
            recurrences: Vec::new(),
        };
        match plans::add_task(&state.ctx(&sub.viewer.actor), plan_id, new).await {
            Ok(_) => {
                return Ok(view::see_other(
                    &format!("/plans/{plan_id}"),
                    Some("task_created".into()),
                ));
            }
            Err(e) => errors = form_errors(e)?,
        }
    }
    task_form(
        &state,
        &req,
        &sub.viewer,
        plan_id,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
        errors,
        f.values(),
    )
    .await
}

fn parse_ids(raw: &(String, String)) -> UiResult<(i64, i64)> {
    Ok((parse_id(&raw.0)?, parse_id(&raw.1)?))
}

/// The task form filled with the task as it stands.
pub async fn edit_task_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    ids: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    ensure_plan_write(&viewer.actor)?;
    let (plan_id, task_id) = parse_ids(&ids)?;
    let d = plans::get_plan(&state.ctx(&viewer.actor), plan_id).await?;
    let t = d
        .tasks
        .iter()
        .find(|t| t.task.id == task_id)
        .ok_or(UiError::NotFound)?;
    let names: HashMap<i64, String> = units::all(state.env.db.conn())
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let lead = t
        .assignments
        .iter()
        .filter(|a| a.role == duban_domain::entities::assignment::AssignmentRole::Lead)
        .map(|a| name(a.unit_id))
        .collect::<Vec<_>>()
        .join("、");
    let assist = t
        .assignments
        .iter()
        .filter(|a| a.role != duban_domain::entities::assignment::AssignmentRole::Lead)
        .map(|a| name(a.unit_id))
        .collect::<Vec<_>>()
        .join("、");
    let cron = t.task.report_cron.clone().unwrap_or_default();
    let listed = SCHEDULES.iter().any(|(v, _)| *v == cron);
    let mut values = BTreeMap::from([
        ("number".to_owned(), t.task.number.clone()),
        ("title".to_owned(), t.task.title.clone()),
        ("requirements".to_owned(), t.task.requirements.clone()),
        ("lead_unit".to_owned(), lead),
        ("assist_units".to_owned(), assist),
        ("due_on".to_owned(), t.task.due_on.to_string()),
        (
            "due_text".to_owned(),
            t.task.due_text.clone().unwrap_or_default(),
        ),
        ("indicators".to_owned(), indicator_lines(&t.indicators)),
    ]);
    if listed {
        values.insert("report_cron".into(), cron);
    } else {
        values.insert("report_cron_custom".into(), cron);
    }
    task_form(
        &state,
        &req,
        &viewer,
        plan_id,
        Some(task_id),
        StatusCode::OK,
        Errors::new(),
        values,
    )
    .await
}

pub async fn edit_task(
    state: web::Data<AppState>,
    req: HttpRequest,
    sub: Submission,
    ids: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (plan_id, task_id) = parse_ids(&ids)?;
    let f = &sub.fields;
    let mut errors = Errors::new();
    let t = read_task_fields(&state, f, &mut errors).await?;
    if let (Some(due_on), Some(lead_id), true) = (t.due_on, t.lead_id, errors.is_empty()) {
        let patch = TaskPatch {
            number: Some(f.text("number")),
            title: Some(f.text("title")),
            requirements: Some(f.text("requirements")),
            due_on: Some(due_on),
            due_text: Some(f.text("due_text")),
            report_cron: Some(t.cron.unwrap_or_default()),
            allow_past_due: f.get("allow_past_due").is_some(),
            units: Some(TaskUnits {
                lead_unit_id: lead_id,
                assist_unit_ids: t.assist_ids,
            }),
            indicators: Some(t.indicators),
        };
        match plans::update_task(&state.ctx(&sub.viewer.actor), task_id, patch).await {
            Ok(u) => {
                return Ok(view::see_other(
                    &format!("/plans/{plan_id}"),
                    Some(format!("task_updated:{}", u.moved.len())),
                ));
            }
            Err(e) => errors = form_errors(e)?,
        }
    }
    task_form(
        &state,
        &req,
        &sub.viewer,
        plan_id,
        Some(task_id),
        StatusCode::UNPROCESSABLE_ENTITY,
        errors,
        f.values(),
    )
    .await
}

/// Takes a task not yet issued out of its plan.
pub async fn delete_task(
    state: web::Data<AppState>,
    sub: Submission,
    ids: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (plan_id, task_id) = parse_ids(&ids)?;
    plans::delete_task(&state.ctx(&sub.viewer.actor), task_id).await?;
    Ok(view::see_other(
        &format!("/plans/{plan_id}"),
        Some("task_deleted".into()),
    ))
}

/// The plan form filled with the plan as it stands.
pub async fn edit_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    ensure_plan_write(&viewer.actor)?;
    let id = parse_id(&id)?;
    let d = plans::get_plan(&state.ctx(&viewer.actor), id).await?;
    let values = BTreeMap::from([
        ("doc_no".to_owned(), d.plan.doc_no.clone()),
        ("title".to_owned(), d.plan.title.clone()),
        ("issued_on".to_owned(), d.plan.issued_on.to_string()),
        ("year".to_owned(), d.plan.year.to_string()),
    ]);
    plan_form(
        &req,
        &viewer,
        Some(id),
        StatusCode::OK,
        Errors::new(),
        values,
    )
}

pub async fn edit(
    state: web::Data<AppState>,
    req: HttpRequest,
    sub: Submission,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let id = parse_id(&id)?;
    let f = &sub.fields;
    let mut errors = Errors::new();
    let issued_on = f.date("issued_on", "印发日期").unwrap_or_else(|(k, m)| {
        errors.insert(k, m);
        None
    });
    let year = f.int::<i32>("year", "年度").unwrap_or_else(|(k, m)| {
        errors.insert(k, m);
        None
    });
    if errors.is_empty() {
        let patch = PlanPatch {
            doc_no: Some(f.text("doc_no")),
            title: Some(f.text("title")),
            issued_on,
            year,
        };
        match plans::update_plan(&state.ctx(&sub.viewer.actor), id, patch).await {
            Ok(_) => {
                return Ok(view::see_other(
                    &format!("/plans/{id}"),
                    Some("plan_updated".into()),
                ));
            }
            Err(e) => errors = invalid(e)?,
        }
    }
    plan_form(
        &req,
        &sub.viewer,
        Some(id),
        StatusCode::UNPROCESSABLE_ENTITY,
        errors,
        f.values(),
    )
}

/// 交办, asked once more: who will be told, and where nobody can be.
pub async fn issue_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let id = parse_id(&id)?;
    let p = issue_preview(&state.ctx(&viewer.actor), id).await?;
    let unreachable: Vec<String> = p
        .unreachable()
        .iter()
        .map(|u| u.unit_name.clone())
        .collect();
    let units: Vec<_> = p
        .units
        .iter()
        .map(|u| context! {
            name => u.unit_name, assignments => u.assignments, unit_email => u.unit_email, reachable => u.reachable,
            people => u.people.iter().map(|x| context! { name => x.display_name, email => x.email }).collect::<Vec<_>>(),
        })
        .collect();
    screen(&req, &viewer, "确认交办").ok(
        "plans/issue.html",
        None,
        context! {
            plan => context! { id => p.plan.id, doc_no => p.plan.doc_no, title => p.plan.title },
            drafts => p.drafts, units => units, unreachable => unreachable,
        },
    )
}

pub async fn issue(
    state: web::Data<AppState>,
    sub: Submission,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let id = parse_id(&id)?;
    let n = plans::issue_plan(&state.ctx(&sub.viewer.actor), id).await?;
    Ok(view::see_other(
        &format!("/plans/{id}"),
        Some(format!("issued:{}", n.issued)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicators_one_a_line() {
        let v = indicators("社区服务站覆盖率 | 100 | % | 约束性\n\n老人建档率|90|%").unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].kind, Some(IndicatorKind::Binding));
        assert_eq!(v[1].measure.as_deref(), Some("%"));
        assert!(indicators("只有名称").is_err());
        assert!(indicators("a | 1 | % | 随便").is_err());
    }
}
