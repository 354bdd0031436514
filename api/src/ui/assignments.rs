//! 事项: the list with its filters in the URL (so back and reload keep
//! them), the light and days on every row, paging, and 签收 of ticked rows.

use actix_web::{HttpRequest, HttpResponse, web};
use duban_domain::directory::units::{self, UnitFilter};
use duban_domain::page::{Page, PageRequest};
use duban_domain::policy::Actor;
use duban_domain::workflow::Status;
use duban_domain::workflow::actions::Screen;
use duban_domain::workflow::assignments as service;
use duban_domain::workflow::listing::{self, AssignmentFilter, AssignmentRow, Sort};
use duban_domain::workflow::plans;
use duban_domain::workflow::workbench::{self, Queue};
use serde::Serialize;

use super::error::{UiError, UiResult};
use super::form::{Fields, Submission};
use super::nav;
use super::rows::{Pager, Row, pager, rows};
use super::session::{Viewer, safe_next};
use super::view;
use crate::state::AppState;

/// The URL query of a filter, as the list page reads it back.
pub fn filter_query(f: &AssignmentFilter, queue: Option<Queue>) -> Vec<(String, String)> {
    let mut q: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: String| q.push((k.to_owned(), v));
    if let Some(queue) = queue {
        put("queue", queue.as_str().to_owned());
    }
    if !f.statuses.is_empty() {
        put(
            "status",
            f.statuses
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(","),
        );
    }
    if let Some(v) = f.plan_id {
        put("plan_id", v.to_string());
    }
    if let Some(v) = f.unit_id {
        put("unit_id", v.to_string());
    }
    if let Some(v) = f.overdue {
        put("overdue", v.to_string());
    }
    if let Some(v) = f.escalation_level {
        put("level", v.to_string());
    }
    if let Some(v) = f.min_escalation_level {
        put("min_level", v.to_string());
    }
    if let Some(v) = f.due_from {
        put("due_from", v.to_string());
    }
    if let Some(v) = f.due_to {
        put("due_to", v.to_string());
    }
    if let Some(v) = f.q.as_deref().filter(|v| !v.trim().is_empty()) {
        put("q", v.trim().to_owned());
    }
    q
}

pub fn list_href(f: &AssignmentFilter, queue: Option<Queue>) -> String {
    let q = filter_query(f, queue);
    if q.is_empty() {
        return "/assignments".into();
    }
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in &q {
        s.append_pair(k, v);
    }
    format!("/assignments?{}", s.finish())
}

/// What the list was asked for, with the problems of what could not be read.
struct Asked {
    filter: AssignmentFilter,
    queue: Option<Queue>,
    page: PageRequest,
    sort: String,
    problems: Vec<String>,
}

fn read(q: &Fields) -> Asked {
    let mut problems = Vec::new();
    fn note<T>(problems: &mut Vec<String>, r: Result<Option<T>, (String, String)>) -> Option<T> {
        r.unwrap_or_else(|(_, msg)| {
            problems.push(msg);
            None
        })
    }
    let p = &mut problems;
    let mut f = AssignmentFilter {
        plan_id: note(p, q.int("plan_id", "督办文件")),
        unit_id: note(p, q.int("unit_id", "责任单位")),
        escalation_level: note(p, q.int("level", "督办等级")),
        min_escalation_level: note(p, q.int("min_level", "督办等级")),
        due_from: note(p, q.date("due_from", "起始日期")),
        due_to: note(p, q.date("due_to", "截止日期")),
        // Control characters match nothing a person wrote (and PostgreSQL refuses NUL).
        q: q.get("q")
            .map(|t| t.chars().filter(|c| !c.is_control()).collect()),
        ..Default::default()
    };
    let page = note(p, q.int::<u64>("page", "页码")).unwrap_or(1).max(1);
    let per_page = note(p, q.int::<u64>("per_page", "每页条数"))
        .unwrap_or(25)
        .clamp(1, 200);
    let _ = p;
    for s in q
        .all("status")
        .iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match Status::parse(s) {
            Some(s) => f.statuses.push(s),
            None => problems.push(format!("未知状态“{s}”，已忽略")),
        }
    }
    f.overdue = match q.get("overdue") {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    };
    let sort = q.get("sort").unwrap_or("due_on").to_owned();
    f.sort = Sort::parse(&sort).unwrap_or_else(|_| {
        problems.push("未知的排序方式，已按完成时限排序".into());
        Sort::default()
    });
    let queue = q.get("queue").and_then(|v| {
        let parsed = Queue::parse(v);
        if parsed.is_none() {
            problems.push("未知的清单，已显示全部事项".into());
        }
        parsed
    });
    Asked {
        filter: f,
        queue,
        page: PageRequest { page, per_page },
        sort,
        problems,
    }
}

#[derive(Serialize)]
pub(super) struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// The plan filter's choices and, for those who see every unit, the unit filter's.
pub(super) async fn plan_and_unit_choices(
    state: &AppState,
    actor: &Actor,
    plan: &str,
    unit: &str,
) -> UiResult<(Vec<Choice>, Vec<Choice>)> {
    let plan_page = plans::list_plans(
        &state.ctx(actor),
        None,
        PageRequest {
            page: 1,
            per_page: 200,
        },
    )
    .await?;
    let mut plans = vec![choice("", "全部督办文件", plan)];
    plans.extend(
        plan_page
            .items
            .into_iter()
            .map(|p| choice(p.id.to_string(), format!("{} {}", p.doc_no, p.title), plan)),
    );
    let mut units = Vec::new();
    if actor.sees_all_units() {
        let all = units::list(
            &state.ctx(actor),
            &UnitFilter::default(),
            PageRequest {
                page: 1,
                per_page: 200,
            },
        )
        .await?;
        units.push(choice("", "全部单位", unit));
        units.extend(
            all.items
                .into_iter()
                .map(|u| choice(u.id.to_string(), u.name, unit)),
        );
    }
    Ok((plans, units))
}

pub(super) fn choice(value: impl Into<String>, label: impl Into<String>, current: &str) -> Choice {
    let value = value.into();
    Choice {
        selected: value == current,
        label: label.into(),
        value,
    }
}

#[derive(Serialize)]
struct ListView {
    rows: Vec<Row>,
    pager: Pager,
    heading: String,
    problems: Vec<String>,
    back: String,
    statuses: Vec<Choice>,
    plans: Vec<Choice>,
    units: Vec<Choice>,
    sorts: Vec<Choice>,
    levels: Vec<Choice>,
    overdue: Vec<Choice>,
    values: std::collections::BTreeMap<String, String>,
    any_ackable: bool,
}

async fn fetch(state: &AppState, actor: &Actor, a: &Asked) -> UiResult<Page<AssignmentRow>> {
    Ok(match a.queue {
        Some(q) => {
            workbench::queue(&state.ctx(actor), q, &state.settings.jobs.reminders, a.page).await?
        }
        None => listing::list(&state.ctx(actor), &a.filter, a.page).await?,
    })
}

async fn list_view(
    state: &AppState,
    viewer: &Viewer,
    q: &Fields,
    path_and_query: String,
) -> UiResult<ListView> {
    let actor = &viewer.actor;
    let now = state.env.now();
    let asked = read(q);
    let page = fetch(state, actor, &asked).await?;
    let values = q.values();
    let current = |k: &str| values.get(k).cloned().unwrap_or_default();
    let mut statuses = vec![choice("", "全部状态", &current("status"))];
    let open = Status::OPEN
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",");
    statuses.push(choice(open, "未办结", &current("status")));
    for s in Status::ALL {
        if s != Status::Draft || actor.sees_all_units() {
            statuses.push(choice(s.as_str(), s.label(), &current("status")));
        }
    }
    let asked_status = current("status");
    if !asked_status.is_empty() && !statuses.iter().any(|c| c.selected) {
        let label = asked_status
            .split(',')
            .map(|s| Status::parse(s).map_or("未知", Status::label))
            .collect::<Vec<_>>()
            .join("、");
        statuses.push(choice(asked_status.clone(), label, &asked_status));
    }
    let (plans, units) =
        plan_and_unit_choices(state, actor, &current("plan_id"), &current("unit_id")).await?;
    let sorts = [
        ("due_on", "完成时限由近到远"),
        ("-due_on", "完成时限由远到近"),
        ("-updated_at", "最近更新"),
        ("-escalation_level", "督办等级由高到低"),
    ]
    .into_iter()
    .map(|(v, l)| choice(v, l, &asked.sort))
    .collect();
    let levels = [
        ("", "全部等级"),
        ("0", "未升级"),
        ("1", "1 级 催办"),
        ("2", "2 级 督办"),
        ("3", "3 级 通报"),
    ]
    .into_iter()
    .map(|(v, l)| choice(v, l, &current("level")))
    .collect();
    let overdue = [("", "不限"), ("true", "已逾期"), ("false", "未逾期")]
        .into_iter()
        .map(|(v, l)| choice(v, l, &current("overdue")))
        .collect();
    let query: Vec<(String, String)> = values.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let rows = rows(actor, page.items, now, &state.env.calendar);
    Ok(ListView {
        any_ackable: rows.iter().any(|r| r.may_acknowledge),
        pager: pager("/assignments", &query, page.page, page.per_page, page.total),
        heading: asked.queue.map_or("事项", |q| q.label()).to_owned(),
        problems: asked.problems,
        back: path_and_query,
        rows,
        statuses,
        plans,
        units,
        sorts,
        levels,
        overdue,
        values,
    })
}

fn screen<'a>(req: &'a HttpRequest, viewer: &'a Viewer) -> view::Screen<'a> {
    view::Screen {
        req,
        viewer,
        current: Some(Screen::Assignments),
        title: "事项",
    }
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
) -> UiResult<HttpResponse> {
    nav::ensure(&viewer.actor, Screen::Assignments)?;
    let q = Fields::of_query(&req);
    let clean = super::rows::canonical("/assignments", &q.values());
    if q.has_blanks() && !view::wants_fragment(&req) {
        return Ok(view::see_other(&clean, None));
    }
    let v = list_view(&state, &viewer, &q, clean.clone()).await?;
    let resp = screen(&req, &viewer).ok("assignments/list.html", Some("results"), v)?;
    Ok(push_url(&req, resp, &clean))
}

/// For htmx, the blank-free address of what was asked, for the address bar
/// (a plain form's GET is redirected to it instead): back and reload then
/// keep the filters.
pub fn push_url(req: &HttpRequest, mut resp: HttpResponse, clean: &str) -> HttpResponse {
    if view::wants_fragment(req)
        && let Ok(v) = actix_web::http::header::HeaderValue::from_str(clean)
    {
        resp.headers_mut().insert(
            actix_web::http::header::HeaderName::from_static("hx-push-url"),
            v,
        );
    }
    resp
}

/// The most rows one bulk acknowledgement takes.
pub const MAX_TICKED: usize = 200;

/// `POST /assignments/acknowledge`: 签收 each ticked row, then back to the
/// same list (its filters came along in `back`).
pub async fn acknowledge_ticked(
    state: web::Data<AppState>,
    req: HttpRequest,
    sub: Submission,
) -> UiResult<HttpResponse> {
    let back = safe_next(sub.fields.get("back").unwrap_or("/assignments"));
    let back = if back.starts_with("/assignments") {
        back.to_owned()
    } else {
        "/assignments".to_owned()
    };
    let mut ids: Vec<i64> = sub
        .fields
        .all("ids")
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(UiError::BadRequest("请先勾选要签收的事项".into()));
    }
    // Refused whole rather than cut short: a list page holds at most 200
    // rows, so more ticks than this is no person's request, and taking the
    // first ones would acknowledge part of it without saying so.
    if ids.len() > MAX_TICKED {
        return Err(UiError::BadRequest(format!(
            "一次最多签收 {MAX_TICKED} 项，本次勾选了 {} 项，请分批签收",
            ids.len()
        )));
    }
    let mut done = 0;
    let mut failed = Vec::new();
    for id in ids.iter().copied() {
        match service::acknowledge(&state.ctx(&sub.viewer.actor), id, None).await {
            Ok(_) => done += 1,
            Err(duban_domain::DomainError::Internal(e)) => return Err(UiError::Internal(e)),
            Err(_) => failed.push(id),
        }
    }
    if !failed.is_empty() {
        tracing::info!(?failed, "some ticked rows could not be acknowledged");
    }
    let key = if failed.is_empty() {
        format!("acknowledged_n:{done}")
    } else {
        format!("acknowledged_some:{done}/{}", failed.len())
    };
    if view::wants_fragment(&req) {
        let query = back.split_once('?').map_or("", |(_, q)| q);
        let v = list_view(
            &state,
            &sub.viewer,
            &Fields::parse(query.as_bytes()),
            back.clone(),
        )
        .await?;
        return screen(&req, &sub.viewer).answer(
            actix_web::http::StatusCode::OK,
            "assignments/list.html",
            Some("results"),
            v,
            Some(key),
        );
    }
    Ok(view::see_other(&back, Some(key)))
}
