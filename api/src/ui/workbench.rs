//! 工作台: the person's counts, each a link to its list, and the items they
//! most likely came to do.

use actix_web::{HttpRequest, HttpResponse, web};
use duban_domain::page::PageRequest;
use duban_domain::workflow::actions::Screen;
use duban_domain::workflow::listing;
use duban_domain::workflow::workbench::{self, Target, TileKind};
use serde::Serialize;

use super::assignments::list_href;
use super::error::UiResult;
use super::rows::{Row, rows};
use super::session::Viewer;
use super::view;
use crate::state::AppState;

#[derive(Serialize)]
struct TileView {
    label: &'static str,
    count: u64,
    href: String,
    urgent: bool,
}

#[derive(Serialize)]
struct Section {
    label: &'static str,
    href: String,
    total: u64,
    rows: Vec<Row>,
}

/// The tiles whose items the workbench lists too.
const LISTED: [TileKind; 4] = [
    TileKind::ToAcknowledge,
    TileKind::Returned,
    TileKind::ToReview,
    TileKind::Overdue,
];

pub fn target_href(t: &Target) -> String {
    match t {
        Target::Assignments(f) => list_href(f, None),
        Target::Queue(q) => format!("/assignments?queue={}", q.as_str()),
        Target::Extensions(v) => format!("/extensions?view={}", v.as_str()),
    }
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
) -> UiResult<HttpResponse> {
    let now = state.env.now();
    let actor = &viewer.actor;
    let tiles = workbench::tiles(&state.ctx(actor), &state.settings.jobs.reminders).await?;
    let mut sections = Vec::new();
    for t in tiles
        .iter()
        .filter(|t| t.count > 0 && LISTED.contains(&t.kind))
    {
        if let Target::Assignments(f) = &t.target {
            let page = listing::list(
                &state.ctx(actor),
                f,
                PageRequest {
                    page: 1,
                    per_page: 10,
                },
            )
            .await?;
            sections.push(Section {
                label: t.kind.label(),
                href: target_href(&t.target),
                total: page.total,
                rows: rows(actor, page.items, now, &state.env.calendar),
            });
        }
    }
    let tiles: Vec<TileView> = tiles
        .iter()
        .map(|t| TileView {
            label: t.kind.label(),
            count: t.count,
            href: target_href(&t.target),
            urgent: t.count > 0
                && matches!(
                    t.kind,
                    TileKind::Overdue | TileKind::AckOverdue | TileKind::Returned
                ),
        })
        .collect();
    view::Screen {
        req: &req,
        viewer: &viewer,
        current: Some(Screen::Workbench),
        title: "工作台",
    }
    .ok(
        "workbench/page.html",
        None,
        minijinja::context! { tiles => tiles, sections => sections },
    )
}
