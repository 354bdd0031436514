//! 督办看板 (inspectors, the office, leaders): overdue and escalated items,
//! most overdue first, with the light, level, calendar and working days
//! late, unit and plan; the at-risk tab (due soon, not acknowledged in time,
//! behind the reporting schedule, returned more than once); the board as an
//! Excel workbook. Filters and the tab live in the address.

use actix_web::{HttpRequest, HttpResponse, web};
use duban_domain::page::PageRequest;
use duban_domain::supervision::{self, BoardFilter};
use duban_domain::workflow::actions::Screen;
use minijinja::context;
use serde::Serialize;

use super::assignments::plan_and_unit_choices;
use super::error::{UiError, UiResult};
use super::form::Fields;
use super::nav;
use super::rows::{Row, pager, row, rows};
use super::session::Viewer;
use super::view;
use crate::state::AppState;

/// What the board was asked for, and what could not be read.
struct Asked {
    filter: BoardFilter,
    risk: bool,
    within_days: i64,
    page: u64,
    problems: Vec<String>,
}

fn read(q: &Fields) -> Asked {
    let mut problems = Vec::new();
    let mut take = |r: Result<Option<i64>, (String, String)>| {
        r.unwrap_or_else(|(_, m)| {
            problems.push(m);
            None
        })
    };
    let filter = BoardFilter {
        unit_id: take(q.int("unit_id", "责任单位")),
        plan_id: take(q.int("plan_id", "督办文件")),
        level: take(q.int("level", "督办等级")).and_then(|l| i32::try_from(l).ok()),
        min_days: take(q.int("min_days", "逾期天数")),
    };
    let within_days = take(q.int("within_days", "天数"))
        .unwrap_or(7)
        .clamp(0, 365);
    let page = take(q.int("page", "页码")).unwrap_or(1).max(1) as u64;
    Asked {
        filter,
        risk: q.get("tab") == Some("risk"),
        within_days,
        page,
        problems,
    }
}

#[derive(Serialize)]
struct RiskView {
    #[serde(flatten)]
    row: Row,
    reasons: Vec<&'static str>,
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
) -> UiResult<HttpResponse> {
    nav::ensure(&viewer.actor, Screen::Board)?;
    let q = Fields::of_query(&req);
    let asked = read(&q);
    let values = q.values();
    let clean = super::rows::canonical("/board", &values);
    if q.has_blanks() && !view::wants_fragment(&req) {
        return Ok(view::see_other(&clean, None));
    }
    let (now, cal) = (state.env.now(), &state.env.calendar);
    let ctx = state.ctx(&viewer.actor);
    let request = PageRequest {
        page: asked.page,
        per_page: 50,
    };
    let query: Vec<(String, String)> = values.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let (board, risky, pager) = if asked.risk {
        let p = supervision::at_risk_why(&ctx, asked.within_days, request).await?;
        let pager = pager("/board", &query, p.page, p.per_page, p.total);
        let risky: Vec<RiskView> = p
            .items
            .into_iter()
            .map(|r| RiskView {
                reasons: r.reasons.iter().map(|x| x.label()).collect(),
                row: row(&viewer.actor, r.row, now, cal),
            })
            .collect();
        (Vec::new(), risky, pager)
    } else {
        let p = supervision::overdue_board(&ctx, &asked.filter, request).await?;
        let pager = pager("/board", &query, p.page, p.per_page, p.total);
        (rows(&viewer.actor, p.items, now, cal), Vec::new(), pager)
    };
    let (plans, units) = plan_and_unit_choices(
        &state,
        &viewer.actor,
        values.get("plan_id").map_or("", String::as_str),
        values.get("unit_id").map_or("", String::as_str),
    )
    .await?;
    let export = {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in query.iter().filter(|(k, _)| k != "page" && k != "tab") {
            s.append_pair(k, v);
        }
        let qs = s.finish();
        if qs.is_empty() {
            "/board.xlsx".to_owned()
        } else {
            format!("/board.xlsx?{qs}")
        }
    };
    view::Screen {
        req: &req,
        viewer: &viewer,
        current: Some(Screen::Board),
        title: if asked.risk {
            "风险预警"
        } else {
            "督办看板"
        },
    }
    .ok(
        "board/page.html",
        Some("results"),
        context! {
            rows => board, risky => risky, risk => asked.risk, within_days => asked.within_days,
            pager => pager, values => values, problems => asked.problems,
            plans => plans, units => units, export => export,
        },
    )
    .map(|r| super::assignments::push_url(&req, r, &clean))
}

/// The overdue board for the same filters, every page, as the API exports it.
pub async fn export(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
) -> UiResult<HttpResponse> {
    nav::ensure(&viewer.actor, Screen::Board)?;
    let asked = read(&Fields::of_query(&req));
    if let Some(p) = asked.problems.first() {
        return Err(UiError::BadRequest(p.clone()));
    }
    let rows = crate::routes::supervision::board_rows(&state, &viewer.actor, &asked.filter).await?;
    crate::export::xlsx_response(
        "逾期督办事项",
        "overdue",
        crate::routes::supervision::board_columns(),
        rows,
    )
    .await
    .map_err(|e| UiError::Internal(anyhow::anyhow!("board export: {}", e.detail)))
}
