use actix_web::{HttpResponse, get, post, web};
use duban_domain::notify;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Paging;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::responses::Paged;
use crate::responses::notifications::{Inbox, NotificationResponse};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
pub struct InboxQuery {
    /// Only unread ones.
    pub unread: Option<bool>,
}

/// The caller's notifications, newest first, with the unread count.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), params(InboxQuery, Paging), responses((status = 200, body = Inbox)))]
#[get("/notifications")]
pub async fn list(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    query: web::Query<InboxQuery>,
    paging: web::Query<Paging>,
) -> ApiResult<HttpResponse> {
    let (page, unread) = notify::inbox(
        &state.ctx(&actor),
        &state.catalogue,
        query.unread.unwrap_or(false),
        paging.request()?,
    )
    .await?;
    Ok(HttpResponse::Ok().json(Inbox {
        page: Paged::from_page(page, NotificationResponse::from),
        unread,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct MarkedRead {
    pub marked: u64,
}

/// Mark one notification read.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses(
    (status = 200, body = MarkedRead),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/notifications/{id}/read")]
pub async fn mark_read(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let marked = notify::mark_read(&state.ctx(&actor), Some(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(MarkedRead { marked }))
}

/// Mark all the caller's notifications read.
#[utoipa::path(tag = "notifications", security(("bearer" = [])), responses((status = 200, body = MarkedRead)))]
#[post("/notifications/read-all")]
pub async fn mark_all_read(
    state: web::Data<AppState>,
    Caller(actor): Caller,
) -> ApiResult<HttpResponse> {
    let marked = notify::mark_read(&state.ctx(&actor), None).await?;
    Ok(HttpResponse::Ok().json(MarkedRead { marked }))
}
