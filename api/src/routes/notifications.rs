use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use duban_domain::entities::notification;
use duban_domain::notify;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Paging;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct NotificationResponse {
    pub id: i64,
    /// assigned, reviewed, reminder, escalation, comment, ...
    pub kind: String,
    pub assignment_id: Option<i64>,
    pub subject: String,
    pub body: String,
    pub read: bool,
    /// Mail delivery: pending, sent, failed, skipped.
    pub delivery: String,
    pub created_at: DateTime<Utc>,
}

impl From<notification::Model> for NotificationResponse {
    fn from(n: notification::Model) -> Self {
        Self {
            id: n.id,
            kind: n.kind,
            assignment_id: n.assignment_id,
            subject: n.subject,
            body: n.body,
            read: n.read_at.is_some(),
            delivery: n.status,
            created_at: n.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<NotificationResponse>,
    pub total: u64,
    pub unread: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Deserialize, IntoParams)]
pub struct InboxQuery {
    /// Only unread ones.
    pub unread: Option<bool>,
}

/// The caller's notifications, newest first, with the unread count.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", security(("bearer" = [])), params(InboxQuery, Paging), responses((status = 200, body = NotificationPage)))]
#[get("/notifications")]
pub async fn list(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    query: web::Query<InboxQuery>,
    paging: web::Query<Paging>,
) -> ApiResult<HttpResponse> {
    let (page, unread) = notify::inbox(
        &state.db,
        actor.user_id,
        query.unread.unwrap_or(false),
        paging.request()?,
    )
    .await?;
    let page = page.map(NotificationResponse::from);
    Ok(HttpResponse::Ok().json(NotificationPage {
        items: page.items,
        total: page.total,
        unread,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct MarkedRead {
    pub marked: u64,
}

/// Mark one notification read.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications", security(("bearer" = [])), responses(
    (status = 200, body = MarkedRead),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/notifications/{id}/read")]
pub async fn mark_read(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let marked = notify::mark_read(
        &state.db,
        state.clock.now(),
        actor.user_id,
        Some(id.into_inner()),
    )
    .await?;
    Ok(HttpResponse::Ok().json(MarkedRead { marked }))
}

/// Mark all the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/read-all", tag = "notifications", security(("bearer" = [])), responses((status = 200, body = MarkedRead)))]
#[post("/notifications/read-all")]
pub async fn mark_all_read(
    state: web::Data<AppState>,
    Caller(actor): Caller,
) -> ApiResult<HttpResponse> {
    let marked = notify::mark_read(&state.db, state.clock.now(), actor.user_id, None).await?;
    Ok(HttpResponse::Ok().json(MarkedRead { marked }))
}
