use actix_web::{HttpResponse, delete, get, post, web};
use chrono::Duration;
use duban_domain::identity;
use duban_domain::supervision::feeds;
use icalendar::{Alarm, Calendar, Component, Event, EventLike};
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

/// A secret, revocable iCalendar (.ics) address of the deadlines the caller
/// answers for (a unit's open items) or supervises (the office, inspectors
/// and leaders: one event per task and date, naming the units that owe it).
#[utoipa::path(tag = "inspection", security(("bearer" = [])), responses((status = 201, body = FeedResponse)))]
#[post("/me/calendar-feed")]
pub async fn create(state: web::Data<AppState>, Caller(actor): Caller) -> ApiResult<HttpResponse> {
    let token = feeds::create(&state.ctx(&actor)).await?;
    // From the configured address only: Host and X-Forwarded-Host are the
    // client's to forge, and this address is a credential.
    let base = state.settings.server.public_url.trim_end_matches('/');
    let url = format!("{base}/feeds/{token}.ics");
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
    let feed = feeds::deadlines(&ctx, state.settings.feeds.max_items).await?;
    let base = state.settings.server.public_url.trim_end_matches('/');
    let mut cal = Calendar::new();
    cal.name(&feed.title).description(&feed.description);
    // Calendar apps poll; an hour is fresh enough for deadlines.
    cal.append_property(("REFRESH-INTERVAL;VALUE=DURATION", "PT1H"))
        .append_property(("X-PUBLISHED-TTL", "PT1H"));
    for d in feed.items {
        // All-day: DTEND is exclusive, so the event ends the next day.
        let end = d.due_on.succ_opt().unwrap_or(d.due_on);
        let mut event = Event::new();
        event
            .uid(&d.uid)
            .summary(&d.summary)
            .description(&d.description)
            .url(&format!("{base}/assignments/{}", d.assignment_id))
            .starts(d.due_on)
            .ends(end)
            .timestamp(ctx.now);
        if d.ahead {
            // 09:00 the day before (an all-day event starts at 00:00); the
            // alarm keeps its identity across polls so apps do not repeat it.
            let mut alarm =
                Alarm::display(&format!("明天到期：{}", d.summary), -Duration::hours(15));
            alarm.uid(&format!("alarm-{}", d.uid)).timestamp(ctx.now);
            event.alarm(alarm);
        }
        cal.push(event.done());
    }
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header(("Cache-Control", "private, max-age=0"))
        .body(cal.done().to_string()))
}
