//! Milestones' and recurring duties' periods, handing an assignment down
//! (层层分解), pausing and resuming its clock (挂起 / 恢复).

use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use duban_domain::duties::{self, delegation, suspension};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{Json, OptionalJson};
use crate::responses::assignments::AssignmentResponse;
use crate::state::AppState;

/// One period of a recurring duty.
#[derive(Serialize, ToSchema)]
pub struct OccurrenceResponse {
    pub recurrence_id: i64,
    /// The duty in words.
    pub title: String,
    pub per: duban_domain::entities::recurrence::Per,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// The period's last working day.
    pub due_on: NaiveDate,
    pub required: i32,
    pub done: i32,
    /// upcoming, open, done, missed or suspended.
    pub status: duban_domain::duties::periods::PeriodStatus,
    pub status_label: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct OccurrencesResponse {
    pub items: Vec<OccurrenceResponse>,
}

/// The recurring duty's periods: what is required in each, what was done, and how each stands.
#[utoipa::path(tag = "assignments", security(("bearer" = [])), responses(
    (status = 200, body = OccurrencesResponse),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/assignments/{id}/occurrences")]
pub async fn occurrences(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let duties = duties::occurrences(&state.ctx(&actor), id.into_inner()).await?;
    let items = duties
        .iter()
        .flat_map(|r| {
            r.periods.iter().map(|p| OccurrenceResponse {
                recurrence_id: r.recurrence.id,
                title: r.recurrence.title.clone(),
                per: r.recurrence.per,
                period_start: p.period.start,
                period_end: p.period.end,
                due_on: p.period.due_on,
                required: p.required,
                done: p.done,
                status: p.status,
                status_label: p.status.label(),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(OccurrencesResponse { items }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DelegateBody {
    /// A unit below the caller's own.
    pub unit_id: i64,
    /// Not after the assignment's own due date.
    pub due_on: NaiveDate,
    #[schema(example = "请城东街道具体落实")]
    pub note: Option<String>,
}

/// 层层分解: the unit hands its assignment (or part of it) to a unit below it; the handing unit's head reviews the sub-assignment.
#[utoipa::path(tag = "assignments", security(("bearer" = [])), request_body = DelegateBody, responses(
    (status = 201, body = AssignmentResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "Due after the parent, or a unit not below the caller's", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/assignments/{id}/delegate")]
pub async fn delegate(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: Json<DelegateBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let child = delegation::delegate(
        &state.ctx(&actor),
        id.into_inner(),
        delegation::Delegation {
            unit_id: b.unit_id,
            due_on: b.due_on,
            note: b.note,
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(state.row(child)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspendBody {
    #[schema(example = "上级政策调整，暂缓实施")]
    pub reason: String,
}

/// 挂起: pause the item's clock (office); nothing is overdue, reminded or escalated meanwhile.
#[utoipa::path(tag = "assignments", security(("bearer" = [])), request_body = SuspendBody, responses(
    (status = 200, body = AssignmentResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/assignments/{id}/suspend")]
pub async fn suspend(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: Json<SuspendBody>,
) -> ApiResult<HttpResponse> {
    let row = suspension::suspend(&state.ctx(&actor), id.into_inner(), &body.reason).await?;
    Ok(HttpResponse::Ok().json(state.row(row)))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ResumeBody {
    /// The new due date; without it the due date moves out by the working days paused.
    pub due_on: Option<NaiveDate>,
}

/// 恢复: start the clock again (office); the due date and the milestones not reached move out by the working days paused unless a date is given.
#[utoipa::path(tag = "assignments", security(("bearer" = [])), request_body(content = Option<ResumeBody>), responses(
    (status = 200, body = AssignmentResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/assignments/{id}/resume")]
pub async fn resume(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: OptionalJson<ResumeBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0.unwrap_or_default();
    let row = suspension::resume(&state.ctx(&actor), id.into_inner(), b.due_on).await?;
    Ok(HttpResponse::Ok().json(state.row(row)))
}
