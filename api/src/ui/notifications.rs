//! 通知: the person's notifications, newest first; each opens its item and
//! is marked read on the way.

use actix_web::{HttpRequest, HttpResponse, web};
use duban_domain::DomainError;
use duban_domain::notify;
use duban_domain::page::PageRequest;
use duban_domain::workflow::actions::Screen;
use minijinja::context;

use super::error::{UiError, UiResult};
use super::form::{Fields, Submission};
use super::rows::pager;
use super::session::Viewer;
use super::view;
use crate::state::AppState;

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
) -> UiResult<HttpResponse> {
    let q = Fields::of_query(&req);
    let unread_only = q.get("unread") == Some("true");
    let page_no = q
        .int::<u64>("page", "页码")
        .ok()
        .flatten()
        .unwrap_or(1)
        .max(1);
    let (page, unread) = notify::inbox(
        &state.ctx(&viewer.actor),
        &state.catalogue,
        unread_only,
        PageRequest {
            page: page_no,
            per_page: 25,
        },
    )
    .await?;
    let items: Vec<_> = page
        .items
        .iter()
        .map(|n| {
            context! {
                id => n.id, subject => n.subject, body => n.body, read => n.read,
                at => n.created_at.to_rfc3339(), has_item => n.assignment_id.is_some(),
            }
        })
        .collect();
    let query: Vec<(String, String)> = if unread_only {
        vec![("unread".into(), "true".into())]
    } else {
        Vec::new()
    };
    view::Screen {
        req: &req,
        viewer: &viewer,
        current: Some(Screen::Notifications),
        title: "通知",
    }
    .ok(
        "notifications/page.html",
        None,
        context! {
            items => items, unread => unread, unread_only => unread_only,
            pager => pager("/notifications", &query, page.page, page.per_page, page.total),
        },
    )
}

/// Opening a notification marks it read and goes to its item. Marking one's
/// own notice read is the only thing a link changes, and it harms nothing.
pub async fn open(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let id: i64 = id.parse().map_err(|_| UiError::NotFound)?;
    let (page, _) = notify::inbox(
        &state.ctx(&viewer.actor),
        &state.catalogue,
        false,
        PageRequest {
            page: 1,
            per_page: 200,
        },
    )
    .await?;
    match notify::mark_read(&state.ctx(&viewer.actor), Some(id)).await {
        Ok(_) | Err(DomainError::NotFound(_)) => {}
        Err(e) => return Err(e.into()),
    }
    let to = page
        .items
        .iter()
        .find(|n| n.id == id)
        .and_then(|n| n.assignment_id)
        .map_or_else(
            || "/notifications".to_owned(),
            |a| format!("/assignments/{a}"),
        );
    Ok(view::see_other(&to, None))
}

pub async fn read_all(state: web::Data<AppState>, sub: Submission) -> UiResult<HttpResponse> {
    notify::mark_read(&state.ctx(&sub.viewer.actor), None).await?;
    Ok(view::see_other("/notifications", Some("read_all".into())))
}
