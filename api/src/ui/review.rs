//! 审核: the office's queue of completion requests, oldest deadline first.

use actix_web::{HttpRequest, HttpResponse, web};
use duban_domain::workflow::Status;
use duban_domain::workflow::actions::Screen;
use duban_domain::workflow::listing::{self, AssignmentFilter};
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
    nav::ensure(&viewer.actor, Screen::Review)?;
    let q = Fields::of_query(&req);
    let page_no = q
        .int::<u64>("page", "页码")
        .ok()
        .flatten()
        .unwrap_or(1)
        .max(1);
    let now = state.env.now();
    let filter = AssignmentFilter {
        statuses: vec![Status::PendingReview],
        ..Default::default()
    };
    let page = listing::list(
        &state.ctx(&viewer.actor),
        &filter,
        duban_domain::page::PageRequest {
            page: page_no,
            per_page: 25,
        },
    )
    .await?;
    let query: Vec<(String, String)> = Vec::new();
    view::Screen {
        req: &req,
        viewer: &viewer,
        current: Some(Screen::Review),
        title: "审核",
    }
    .ok(
        "review/page.html",
        None,
        context! {
            pager => pager("/review", &query, page.page, page.per_page, page.total),
            rows => rows(&viewer.actor, page.items, now, &state.env.calendar),
        },
    )
}
