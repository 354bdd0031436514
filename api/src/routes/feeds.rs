use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use duban_domain::identity;
use duban_domain::supervision::feeds;
use duban_domain::workflow::Status;
use duban_domain::workflow::listing::{self, AssignmentFilter};
use icalendar::{Calendar, Component, Event, EventLike};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct FeedResponse {
    /// Secret address of the iCalendar feed; anyone with it can read the
    /// deadlines, so treat it like a password. A new one revokes the old.
    pub url: String,
}

/// A secret, revocable iCalendar (.ics) address of the caller's unit's open deadlines.
#[utoipa::path(tag = "inspection", security(("bearer" = [])), responses((status = 201, body = FeedResponse)))]
#[post("/me/calendar-feed")]
pub async fn create(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let token = feeds::create(&state.ctx(&actor)).await?;
    let info = req.connection_info();
    let url = format!("{}://{}/feeds/{token}.ics", info.scheme(), info.host());
    Ok(HttpResponse::Created().json(FeedResponse { url }))
}

/// Revoke the caller's calendar feed addresses.
#[utoipa::path(tag = "inspection", security(("bearer" = [])), responses((status = 204)))]
#[delete("/me/calendar-feed")]
pub async fn revoke(state: web::Data<AppState>, Caller(actor): Caller) -> ApiResult<HttpResponse> {
    feeds::revoke(&state.ctx(&actor)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The feed itself, read without a header by calendar apps (outside /api/v1).
#[get("/feeds/{token}.ics")]
pub async fn ics(state: web::Data<AppState>, token: web::Path<String>) -> ApiResult<HttpResponse> {
    let user_id = feeds::user_of(&state.env.db, &token).await?;
    let actor = identity::load_actor(&state.env.db, user_id)
        .await
        .map_err(|_| {
            ApiError::new(
                ErrorKind::NotFound,
                "订阅地址已失效 (this feed address no longer works)",
            )
        })?;
    let ctx = state.ctx(&actor);
    let now = ctx.now;
    let filter = AssignmentFilter {
        statuses: Status::OPEN.to_vec(),
        unit_id: actor.unit_id,
        ..Default::default()
    };
    let rows = listing::list(
        &ctx,
        &filter,
        duban_domain::page::PageRequest::new(Some(1), Some(200))?,
    )
    .await?;
    let mut cal = Calendar::new();
    cal.name("督办事项 Duban deadlines");
    for r in rows.items {
        let label = r.status.label();
        let event = Event::new()
            .uid(&format!("assignment-{}@duban", r.id))
            .summary(&format!("【督办】{} {}", r.task_number, r.task_title))
            .description(&format!(
                "{} {}{}\n责任单位：{}\n状态：{label}\n完成时限：{}",
                r.plan_doc_no, r.task_number, r.task_title, r.unit_name, r.due_on
            ))
            .all_day(r.due_on)
            .timestamp(now)
            .done();
        cal.push(event);
    }
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .body(cal.done().to_string()))
}
