//! 延期: the office decides pending requests (oldest first); a unit follows
//! its own requests and their results.

use actix_web::{HttpRequest, HttpResponse, web};
use duban_domain::DomainError;
use duban_domain::account::display_names;
use duban_domain::entities::extension_request::ExtensionStatus;
use duban_domain::page::PageRequest;
use duban_domain::workflow::actions::Screen;
use duban_domain::workflow::extensions;
use minijinja::context;

use super::error::{UiError, UiResult};
use super::form::{Fields, Submission};
use super::nav;
use super::rows::pager;
use super::session::Viewer;
use super::session::safe_next;
use super::view;
use crate::state::AppState;

/// The tabs: waiting for a decision, and every request.
const VIEWS: [(&str, &str, Option<ExtensionStatus>); 2] = [
    ("pending", "待审批", Some(ExtensionStatus::Pending)),
    ("all", "全部", None),
];

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
) -> UiResult<HttpResponse> {
    nav::ensure(&viewer.actor, Screen::Extensions)?;
    let q = Fields::of_query(&req);
    let office = nav::ensure(&viewer.actor, Screen::Review).is_ok();
    // The office starts from its queue; a unit from all its requests (the
    // workbench's 延期结果 opens `decided`, which the full list shows).
    let asked = q
        .get("view")
        .unwrap_or(if office { "pending" } else { "all" });
    let (key, _, status) = VIEWS
        .iter()
        .copied()
        .find(|(k, _, _)| *k == asked)
        .unwrap_or(VIEWS[1]);
    let page_no = q
        .int::<u64>("page", "页码")
        .ok()
        .flatten()
        .unwrap_or(1)
        .max(1);
    let ctx = state.ctx(&viewer.actor);
    let page = extensions::list(
        &ctx,
        status,
        PageRequest {
            page: page_no,
            per_page: 25,
        },
    )
    .await?;
    let names = display_names(
        state.env.db.conn(),
        page.items.iter().map(|e| e.requested_by),
    )
    .await?;
    let items: Vec<_> = page
        .items
        .iter()
        .map(|e| {
            context! {
                id => e.id,
                assignment_id => e.assignment_id,
                task_number => e.task_number, task_title => e.task_title, plan_doc_no => e.plan_doc_no,
                unit_name => e.unit_name,
                previous_due_on => e.previous_due_on.to_string(),
                requested_due_on => e.requested_due_on.to_string(),
                reason => e.reason,
                status_label => e.status.label(),
                requested_by => names.get(&e.requested_by).cloned().unwrap_or_default(),
                decided => e.decided_at.is_some(),
                decision_comment => e.decision_comment,
                at => e.created_at.to_rfc3339(),
                may_decide => e.status == ExtensionStatus::Pending && office,
            }
        })
        .collect();
    let query = vec![("view".to_owned(), key.to_owned())];
    let tabs: Vec<_> = VIEWS
        .iter()
        .map(|(k, l, _)| context! { href => format!("/extensions?view={k}"), label => l, current => *k == key })
        .collect();
    view::Screen {
        req: &req,
        viewer: &viewer,
        current: Some(Screen::Extensions),
        title: "延期",
    }
    .ok(
        "extensions/page.html",
        None,
        context! {
            items => items, tabs => tabs,
            pager => pager("/extensions", &query, page.page, page.per_page, page.total),
            back => req.uri().path_and_query().map(|p| p.as_str().to_owned()),
        },
    )
}

/// `POST /extension-requests/{id}/decision`: 同意 or 不同意, back to where it was decided.
pub async fn decide(
    state: web::Data<AppState>,
    sub: Submission,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let id: i64 = id.parse().map_err(|_| UiError::NotFound)?;
    let approve = match sub.fields.get("approve") {
        Some("true") => true,
        Some("false") => false,
        _ => return Err(UiError::BadRequest("请选择“同意延期”或“不同意”".into())),
    };
    let comment = sub.fields.get("comment").map(str::to_owned);
    let back = safe_next(sub.fields.get("back").unwrap_or("/extensions")).to_owned();
    match extensions::decide(&state.ctx(&sub.viewer.actor), id, approve, comment).await {
        Ok(_) => {
            let key = if approve {
                "extension_approved"
            } else {
                "extension_rejected"
            };
            Ok(view::see_other(&back, Some(key.into())))
        }
        Err(DomainError::Invalid(errors)) => Err(UiError::BadRequest(
            errors
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join("；"),
        )),
        Err(e) => Err(e.into()),
    }
}
