//! 考核 (basic; part 2 adds the per-unit detail, charts and exports): units
//! ranked by score, for a plan or a due-date range.

use actix_web::{HttpRequest, HttpResponse, web};
use duban_domain::assessment::{self, StatsScope};
use duban_domain::page::PageRequest;
use duban_domain::workflow::actions::Screen;
use duban_domain::workflow::plans;
use minijinja::context;

use super::error::UiResult;
use super::form::Fields;
use super::nav;
use super::session::Viewer;
use super::view;
use crate::state::AppState;

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
) -> UiResult<HttpResponse> {
    nav::ensure(&viewer.actor, Screen::Assessment)?;
    let q = Fields::of_query(&req);
    let mut problems = Vec::new();
    let plan_id = q
        .int::<i64>("plan_id", "督办文件")
        .unwrap_or_else(|(_, m)| {
            problems.push(m);
            None
        });
    let mut date = |name: &str, label: &str| {
        q.date(name, label).unwrap_or_else(|(_, m)| {
            problems.push(m);
            None
        })
    };
    let scope = StatsScope {
        plan_id,
        due_from: date("from", "起始日期"),
        due_to: date("to", "截止日期"),
    };
    let units = assessment::unit_stats(&state.ctx(&viewer.actor), &scope).await?;
    let plans = plans::list_plans(
        &state.ctx(&viewer.actor),
        None,
        PageRequest {
            page: 1,
            per_page: 200,
        },
    )
    .await?;
    let plan_choices: Vec<_> = plans
        .items
        .iter()
        .map(|p| context! { value => p.id.to_string(), label => format!("{} {}", p.doc_no, p.title), selected => Some(p.id) == plan_id })
        .collect();
    view::Screen {
        req: &req,
        viewer: &viewer,
        current: Some(Screen::Assessment),
        title: "考核",
    }
    .ok(
        "assessment/page.html",
        None,
        context! {
            units => units, plans => plan_choices, values => q.values(), problems => problems,
            rules => state.settings.assessment,
        },
    )
}
