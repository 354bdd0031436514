//! 督办看板 (basic; part 2 adds the at-risk tab and the export): overdue and
//! escalated items, most overdue first, with days late and the level.

use actix_web::{HttpRequest, HttpResponse, web};
use duban_domain::page::PageRequest;
use duban_domain::supervision::{self, BoardFilter};
use duban_domain::workflow::actions::Screen;
use minijinja::context;

use super::error::UiResult;
use super::form::Fields;
use super::nav;
use super::rows::{pager, rows};
use super::session::Viewer;
use super::view;
use crate::state::AppState;

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
) -> UiResult<HttpResponse> {
    nav::ensure(&viewer.actor, Screen::Board)?;
    let q = Fields::of_query(&req);
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
    let page_no = take(q.int("page", "页码")).unwrap_or(1).max(1) as u64;
    let now = state.env.now();
    let page = supervision::overdue_board(
        &state.ctx(&viewer.actor),
        &filter,
        PageRequest {
            page: page_no,
            per_page: 50,
        },
    )
    .await?;
    let values = q.values();
    let clean = super::rows::canonical("/board", &values);
    if q.has_blanks() && !view::wants_fragment(&req) {
        return Ok(view::see_other(&clean, None));
    }
    let query: Vec<(String, String)> = values.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    view::Screen {
        req: &req,
        viewer: &viewer,
        current: Some(Screen::Board),
        title: "督办看板",
    }
    .ok(
        "board/page.html",
        Some("results"),
        context! {
            rows => rows(&viewer.actor, page.items, now, &state.env.calendar),
            pager => pager("/board", &query, page.page, page.per_page, page.total),
            values => values, problems => problems,
        },
    )
    .map(|r| super::assignments::push_url(&req, r, &clean))
}
