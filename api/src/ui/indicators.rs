//! Indicators of a plan: each target with its per-unit breakdown and the
//! latest actuals units reported, as a table and as the 指标分解表 workbook
//! (the API's export).

use actix_web::{HttpRequest, HttpResponse, web};
use duban_domain::assessment;
use duban_domain::workflow::plans;
use minijinja::context;

use super::error::{UiError, UiResult};
use super::plans::screen;
use super::session::Viewer;
use crate::state::AppState;

fn parse_id(raw: &str) -> UiResult<i64> {
    raw.parse::<i64>().map_err(|_| UiError::NotFound)
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let id = parse_id(&id)?;
    let ctx = state.ctx(&viewer.actor);
    let progress = assessment::indicator_progress(&ctx, id).await?;
    let plan = plans::get_plan(&ctx, id).await?;
    let task_name = |t: Option<i64>| {
        t.and_then(|t| plan.tasks.iter().find(|x| x.task.id == t))
            .map(|t| format!("{}{}", t.task.number, t.task.title))
    };
    let items: Vec<_> = progress
        .iter()
        .map(|i| {
            let measure = i.measure.clone().unwrap_or_default();
            let met = i.units.iter().filter(|u| u.met == Some(true)).count();
            context! {
                name => i.name, task => task_name(i.task_id), kind => i.kind.map(|k| k.label()),
                target => format!("{}{} {}", i.comparator.symbol(), i.target, measure),
                met => met, reported => i.units.iter().filter(|u| u.actual.is_some()).count(),
                units => i.units.iter().map(|u| context! {
                    name => u.unit_name, target => format!("{}{measure}", u.target),
                    actual => u.actual.as_ref().map(|a| format!("{a}{measure}")),
                    at => u.reported_at.map(|t| t.to_rfc3339()), met => u.met,
                }).collect::<Vec<_>>(),
            }
        })
        .collect();
    let p = &plan.plan;
    screen(&req, &viewer, "指标完成情况").ok(
        "plans/indicators.html",
        None,
        context! {
            plan => context! { id => p.id, doc_no => p.doc_no, title => p.title },
            items => items,
        },
    )
}

/// The 指标分解表 as the API exports it.
pub async fn export(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let id = parse_id(&id)?;
    // Who may see it is the service's to say; asked before the workbook is built.
    assessment::indicator_progress(&state.ctx(&viewer.actor), id).await?;
    crate::routes::stats::breakdown_workbook(&state, &viewer.actor, id)
        .await
        .map_err(|e| UiError::Internal(anyhow::anyhow!("indicator export: {}", e.detail)))
}
