use actix_web::{HttpResponse, get, post, web};
use chrono::NaiveDate;
use duban_domain::entities::assignment::AssignmentRole;
use duban_domain::entities::extension_request::ExtensionStatus;
use duban_domain::entities::report::ReportKind;
use duban_domain::entities::review::Decision;
use duban_domain::workflow::assignments::{self, IndicatorValue, NewReport};
use duban_domain::workflow::listing::{self, AssignmentFilter, Sort};
use duban_domain::workflow::{Status, extensions};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::Paging;
use crate::auth::{Caller, seen};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, OptionalJson};
use crate::responses::Paged;
use crate::responses::assignments::{
    AssignmentDetailResponse, AssignmentResponse, CommentResponse, ExtensionDecided,
    ExtensionResponse, HistoryResponse, QueuedExtensionResponse, ReportCreated, ReportResponse,
};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
pub struct AssignmentQuery {
    /// One status or several, comma-separated.
    pub status: Option<String>,
    pub unit_id: Option<i64>,
    pub plan_id: Option<i64>,
    pub task_id: Option<i64>,
    pub role: Option<AssignmentRole>,
    pub overdue: Option<bool>,
    pub escalation_level: Option<i32>,
    pub min_escalation_level: Option<i32>,
    #[serde(default, deserialize_with = "crate::extract::opt_day")]
    pub due_from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::extract::opt_day")]
    pub due_to: Option<NaiveDate>,
    /// Words in the task's title or requirements, or the plan's doc number.
    pub q: Option<String>,
    /// due_on (default), id, updated_at, escalation_level; prefix - for descending.
    pub sort: Option<String>,
}

impl AssignmentQuery {
    fn filter(&self) -> Result<AssignmentFilter, ApiError> {
        let invalid = |field: &str, msg: String| {
            ApiError::from(duban_domain::DomainError::invalid(field, msg))
        };
        let mut statuses = Vec::new();
        for s in self
            .status
            .iter()
            .flat_map(|s| s.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            statuses.push(
                Status::parse(s)
                    .ok_or_else(|| invalid("status", format!("未知状态“{s}” (unknown status)")))?,
            );
        }
        let sort = match self.sort.as_deref() {
            Some(s) => Sort::parse(s)
                .map_err(|e| ApiError::from(duban_domain::DomainError::Invalid(vec![e])))?,
            None => Sort::default(),
        };
        Ok(AssignmentFilter {
            statuses,
            unit_id: self.unit_id,
            plan_id: self.plan_id,
            task_id: self.task_id,
            role: self.role,
            overdue: self.overdue,
            escalation_level: self.escalation_level,
            min_escalation_level: self.min_escalation_level,
            due_from: self.due_from,
            due_to: self.due_to,
            q: self.q.clone(),
            supervised: false,
            sort,
        })
    }
}

/// Assignments the caller may see: filtered, sorted, paginated. A unit's staff see their own unit's only.
#[utoipa::path(tag = "assignments", security(("bearer" = [])), params(AssignmentQuery, Paging), responses(
    (status = 200, body = Paged<AssignmentResponse>),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/assignments")]
pub async fn list(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    req: actix_web::HttpRequest,
    query: web::Query<AssignmentQuery>,
    paging: web::Query<Paging>,
) -> ApiResult<HttpResponse> {
    let filter = query.filter()?;
    let seen = seen(&req);
    let calendar = &state.env.calendar;
    let body = listing::list_rendered(
        &state.ctx(&actor),
        &filter,
        paging.request()?,
        seen.as_ref(),
        |page, now| {
            let paged = Paged::from_page(page, |r| AssignmentResponse::new(r, now, calendar));
            serde_json::to_vec(&paged)
        },
    )
    .await?;
    Ok(HttpResponse::Ok()
        .content_type(actix_web::http::header::ContentType::json())
        .body(web::Bytes::from_owner(body)))
}

/// One assignment: its task, reports, reviews, extension requests and comments.
#[utoipa::path(tag = "assignments", security(("bearer" = [])), responses(
    (status = 200, body = AssignmentDetailResponse),
    (status = 404, description = "No such assignment, or another unit's", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/assignments/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let d = assignments::detail(&state.ctx(&actor), id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(state.detail(d)))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ActionBody {
    /// The version you read; a stale one is refused with 409.
    pub version: Option<i32>,
}

/// 签收: the unit confirms receipt (issued -> acknowledged).
#[utoipa::path(tag = "assignments", security(("bearer" = [])), request_body(content = Option<ActionBody>), responses(
    (status = 200, body = AssignmentResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "Not possible in this state, or a stale version", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/assignments/{id}/acknowledge")]
pub async fn acknowledge(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: OptionalJson<ActionBody>,
) -> ApiResult<HttpResponse> {
    let version = body.0.unwrap_or_default().version;
    let row = assignments::acknowledge(&state.ctx(&actor), id.into_inner(), version).await?;
    Ok(HttpResponse::Ok().json(state.row(row)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportBody {
    /// progress (进展反馈), completion (申请办结) or occurrence (履职记录: one occurrence of a recurring duty).
    pub kind: ReportKind,
    #[schema(example = "已建成综合服务站12个")]
    pub text: String,
    /// 0–100.
    pub percent: Option<i32>,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub indicator_values: Vec<IndicatorValue>,
    /// The milestone this report reaches.
    pub milestone_id: Option<i64>,
    /// The recurring duty an occurrence counts for (needed when the task has several).
    pub recurrence_id: Option<i64>,
    /// Why completion is asked while handed-down parts are still open.
    pub reason: Option<String>,
    pub version: Option<i32>,
}

/// 进展反馈 / 申请办结: a progress report, or a completion request (-> pending_review).
#[utoipa::path(tag = "assignments", security(("bearer" = [])), request_body = ReportBody, responses(
    (status = 201, body = ReportCreated),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/assignments/{id}/reports")]
pub async fn add_report(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: Json<ReportBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let new = NewReport {
        kind: b.kind,
        text: b.text,
        percent: b.percent,
        indicator_values: b.indicator_values,
        milestone_id: b.milestone_id,
        recurrence_id: b.recurrence_id,
        reason: b.reason,
    };
    let done = assignments::report(&state.ctx(&actor), id.into_inner(), new, b.version).await?;
    Ok(HttpResponse::Created().json(ReportCreated {
        report: ReportResponse::new(done.report, Vec::new()),
        assignment: state.row(done.assignment),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// approve (办结) or return (退回; needs a comment).
    pub decision: Decision,
    pub comment: Option<String>,
    pub version: Option<i32>,
}

/// 审核: approve (-> completed) or return (-> returned) a completion request (office).
#[utoipa::path(tag = "assignments", security(("bearer" = [])), request_body = ReviewBody, responses(
    (status = 200, body = AssignmentDetailResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/assignments/{id}/review")]
pub async fn review(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: Json<ReviewBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let d = assignments::review(
        &state.ctx(&actor),
        id.into_inner(),
        b.decision,
        b.comment,
        b.version,
    )
    .await?;
    Ok(HttpResponse::Ok().json(state.detail(d)))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    pub reason: Option<String>,
    pub version: Option<i32>,
}

/// 撤销: withdraw an open assignment (office).
#[utoipa::path(tag = "assignments", security(("bearer" = [])), request_body(content = Option<CancelBody>), responses(
    (status = 200, body = AssignmentDetailResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/assignments/{id}/cancel")]
pub async fn cancel(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: OptionalJson<CancelBody>,
) -> ApiResult<HttpResponse> {
    let b = body.0.unwrap_or_default();
    let d = assignments::cancel(&state.ctx(&actor), id.into_inner(), b.reason, b.version).await?;
    Ok(HttpResponse::Ok().json(state.detail(d)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionBody {
    /// The new due date asked for.
    #[serde(deserialize_with = "crate::extract::day")]
    pub due_on: NaiveDate,
    #[schema(example = "资金尚未到位")]
    pub reason: String,
}

/// 延期申请: ask, before the due date, for a later one.
#[utoipa::path(tag = "assignments", security(("bearer" = [])), request_body = ExtensionBody, responses(
    (status = 201, body = ExtensionResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "Past the deadline, or one already pending", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/assignments/{id}/extension-requests")]
pub async fn request_extension(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: Json<ExtensionBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let req = extensions::request(&state.ctx(&actor), id.into_inner(), b.due_on, &b.reason).await?;
    Ok(HttpResponse::Created().json(ExtensionResponse::from(req)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionDecisionBody {
    pub approve: bool,
    pub comment: Option<String>,
}

/// Decide an extension request; approval moves the due date (office).
#[utoipa::path(tag = "assignments", security(("bearer" = [])), request_body = ExtensionDecisionBody, responses(
    (status = 200, body = ExtensionDecided),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "A rejection needs a comment", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/extension-requests/{id}/decision")]
pub async fn decide_extension(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: Json<ExtensionDecisionBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let d = extensions::decide(&state.ctx(&actor), id.into_inner(), b.approve, b.comment).await?;
    Ok(HttpResponse::Ok().json(ExtensionDecided {
        request: d.request.into(),
        assignment: state.row(d.assignment),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentBody {
    #[schema(example = "请于三日内报送整改情况")]
    pub text: String,
}

/// 督查意见: a remark on an assignment, shown to its unit (inspectors, office).
#[utoipa::path(tag = "assignments", security(("bearer" = [])), request_body = CommentBody, responses(
    (status = 201, body = CommentResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/assignments/{id}/comments")]
pub async fn add_comment(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: Json<CommentBody>,
) -> ApiResult<HttpResponse> {
    let remark = assignments::add_comment(&state.ctx(&actor), id.into_inner(), &body.text).await?;
    Ok(HttpResponse::Created().json(CommentResponse::from(remark)))
}

/// Every change to the assignment, oldest first, with who made it.
#[utoipa::path(tag = "assignments", security(("bearer" = [])), responses(
    (status = 200, body = HistoryResponse),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/assignments/{id}/history")]
pub async fn history(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let items = assignments::history(&state.ctx(&actor), id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(HistoryResponse {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct ExtensionQuery {
    /// pending (the office's queue), approved or rejected.
    pub status: Option<ExtensionStatus>,
}

/// Extension requests: the office's queue with `?status=pending`, oldest first; a unit sees its own.
#[utoipa::path(tag = "assignments", security(("bearer" = [])), params(ExtensionQuery, Paging), responses(
    (status = 200, body = Paged<QueuedExtensionResponse>),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/extension-requests")]
pub async fn list_extensions(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    query: web::Query<ExtensionQuery>,
    paging: web::Query<Paging>,
) -> ApiResult<HttpResponse> {
    let page = extensions::list(&state.ctx(&actor), query.status, paging.request()?).await?;
    Ok(HttpResponse::Ok().json(Paged::from_page(page, QueuedExtensionResponse::from)))
}
