use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use duban_domain::calendar::WorkingCalendar;
use duban_domain::entities::review::Model as ReviewModel;
use duban_domain::entities::{
    assignment, attachment, audit_event, comment, extension_request, report,
};
use duban_domain::supervision;
use duban_domain::workflow::assignments::{self, Decision, IndicatorValue, NewReport, ReportKind};
use duban_domain::workflow::listing::{self, AssignmentFilter, AssignmentRow, Sort};
use duban_domain::workflow::{Status, extensions};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Paging;
use super::plans::IndicatorResponse;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::OptionalJson;
use crate::state::AppState;

/// An assignment as a line of a list.
#[derive(Serialize, ToSchema)]
pub struct AssignmentResponse {
    pub id: i64,
    pub task_id: i64,
    pub plan_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// lead (牵头) or assist (配合).
    pub role: String,
    /// draft, issued, acknowledged, in_progress, pending_review, returned, completed, cancelled.
    pub status: String,
    /// The status in Chinese.
    pub status_label: String,
    pub due_on: NaiveDate,
    /// Open and past the end of its due date (plan's time zone).
    pub overdue: bool,
    /// Calendar days past the due date (0 when not overdue).
    pub days_overdue: i64,
    /// Working days past the due date, by the holiday calendar.
    pub working_days_overdue: i64,
    /// green on track, yellow due within 3 days or acknowledged late, red overdue, grey draft/cancelled.
    #[schema(value_type = String)]
    pub light: duban_domain::supervision::Light,
    pub escalation_level: i32,
    pub percent: Option<i32>,
    pub task_number: String,
    pub task_title: String,
    pub plan_doc_no: String,
    pub issued_at: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub last_report_at: Option<DateTime<Utc>>,
    /// Send it back as `version` to guard against concurrent edits.
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

pub fn row_response(
    r: AssignmentRow,
    now: DateTime<Utc>,
    calendar: &WorkingCalendar,
) -> AssignmentResponse {
    let d = r.derived(now);
    AssignmentResponse {
        working_days_overdue: supervision::working_days_overdue(&r, now, calendar),
        light: supervision::light(&r, now, calendar),
        status_label: Status::parse(&r.status)
            .map(|s| s.label().to_owned())
            .unwrap_or_default(),
        id: r.id,
        task_id: r.task_id,
        plan_id: r.plan_id,
        unit_id: r.unit_id,
        unit_name: r.unit_name,
        role: r.role,
        status: r.status,
        due_on: r.due_on,
        overdue: d.overdue,
        days_overdue: d.days_overdue,
        escalation_level: r.escalation_level,
        percent: r.percent,
        task_number: r.task_number,
        task_title: r.task_title,
        plan_doc_no: r.plan_doc_no,
        issued_at: r.issued_at,
        acknowledged_at: r.acknowledged_at,
        completed_at: r.completed_at,
        last_report_at: r.last_report_at,
        version: r.version,
        updated_at: r.updated_at,
    }
}

/// An assignment inside its task.
#[derive(Serialize, ToSchema)]
pub struct AssignmentBrief {
    pub id: i64,
    pub task_id: i64,
    pub unit_id: i64,
    pub role: String,
    pub status: String,
    pub due_on: NaiveDate,
    pub escalation_level: i32,
    pub version: i32,
}

impl From<assignment::Model> for AssignmentBrief {
    fn from(a: assignment::Model) -> Self {
        Self {
            id: a.id,
            task_id: a.task_id,
            unit_id: a.unit_id,
            role: a.role,
            status: a.status,
            due_on: a.due_on,
            escalation_level: a.escalation_level,
            version: a.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AssignmentPage {
    pub items: Vec<AssignmentResponse>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Deserialize, IntoParams)]
pub struct AssignmentQuery {
    /// One status or several, comma-separated.
    pub status: Option<String>,
    pub unit_id: Option<i64>,
    pub plan_id: Option<i64>,
    pub task_id: Option<i64>,
    /// lead or assist.
    pub role: Option<String>,
    pub overdue: Option<bool>,
    pub escalation_level: Option<i32>,
    pub min_escalation_level: Option<i32>,
    pub due_from: Option<NaiveDate>,
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
        if let Some(r) = &self.role
            && !matches!(r.as_str(), "lead" | "assist")
        {
            return Err(invalid("role", "须为 lead 或 assist".into()));
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
            role: self.role.clone(),
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
#[utoipa::path(get, path = "/api/v1/assignments", tag = "assignments", security(("bearer" = [])), params(AssignmentQuery, Paging), responses(
    (status = 200, body = AssignmentPage),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/assignments")]
pub async fn list(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    query: web::Query<AssignmentQuery>,
    paging: web::Query<Paging>,
) -> ApiResult<HttpResponse> {
    let filter = query.filter()?;
    let now = state.clock.now();
    let page = listing::list(&state.db, &actor, &filter, paging.request()?, now).await?;
    let page = page.map(|r| row_response(r, now, &state.calendar));
    Ok(HttpResponse::Ok().json(AssignmentPage {
        items: page.items,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentResponse {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    /// Download address (needs the bearer token).
    pub url: String,
    pub created_at: DateTime<Utc>,
}

impl From<attachment::Model> for AttachmentResponse {
    fn from(a: attachment::Model) -> Self {
        Self {
            url: format!("/api/v1/attachments/{}", a.id),
            id: a.id,
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            sha256: a.sha256,
            created_at: a.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReportResponse {
    pub id: i64,
    pub assignment_id: i64,
    /// progress or completion.
    pub kind: String,
    pub text: String,
    pub percent: Option<i32>,
    #[schema(value_type = Option<Object>)]
    pub indicator_values: Option<serde_json::Value>,
    pub author_id: i64,
    pub created_at: DateTime<Utc>,
    pub attachments: Vec<AttachmentResponse>,
}

fn report_response(r: report::Model, files: Vec<attachment::Model>) -> ReportResponse {
    ReportResponse {
        id: r.id,
        assignment_id: r.assignment_id,
        kind: r.kind,
        text: r.text,
        percent: r.percent,
        indicator_values: r.indicator_values,
        author_id: r.author_id,
        created_at: r.created_at,
        attachments: files.into_iter().map(Into::into).collect(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReviewResponse {
    pub id: i64,
    /// approve or return.
    pub decision: String,
    pub comment: String,
    pub reviewer_id: i64,
    pub created_at: DateTime<Utc>,
}

impl From<ReviewModel> for ReviewResponse {
    fn from(r: ReviewModel) -> Self {
        Self {
            id: r.id,
            decision: r.decision,
            comment: r.comment,
            reviewer_id: r.reviewer_id,
            created_at: r.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ExtensionResponse {
    pub id: i64,
    pub assignment_id: i64,
    pub previous_due_on: NaiveDate,
    /// The date asked for.
    pub due_on: NaiveDate,
    pub reason: String,
    /// pending, approved or rejected.
    pub status: String,
    pub requested_by: i64,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_comment: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<extension_request::Model> for ExtensionResponse {
    fn from(e: extension_request::Model) -> Self {
        Self {
            id: e.id,
            assignment_id: e.assignment_id,
            previous_due_on: e.previous_due_on,
            due_on: e.requested_due_on,
            reason: e.reason,
            status: e.status,
            requested_by: e.requested_by,
            decided_by: e.decided_by,
            decided_at: e.decided_at,
            decision_comment: e.decision_comment,
            created_at: e.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CommentResponse {
    pub id: i64,
    pub assignment_id: i64,
    pub author_id: i64,
    pub author_name: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

fn comment_response(c: comment::Model, author_name: String) -> CommentResponse {
    CommentResponse {
        id: c.id,
        assignment_id: c.assignment_id,
        author_id: c.author_id,
        author_name,
        text: c.text,
        created_at: c.created_at,
    }
}

/// One assignment with everything around it.
#[derive(Serialize, ToSchema)]
pub struct AssignmentDetailResponse {
    #[serde(flatten)]
    pub assignment: AssignmentResponse,
    pub plan_title: String,
    pub requirements: String,
    pub due_text: Option<String>,
    pub report_cron: Option<String>,
    pub indicators: Vec<IndicatorResponse>,
    pub reports: Vec<ReportResponse>,
    pub reviews: Vec<ReviewResponse>,
    pub extension_requests: Vec<ExtensionResponse>,
    /// Inspection remarks (督查意见).
    pub comments: Vec<CommentResponse>,
}

async fn detail_response(
    state: &AppState,
    actor: &duban_domain::policy::Actor,
    id: i64,
) -> ApiResult<AssignmentDetailResponse> {
    let now = state.clock.now();
    let d = assignments::detail(&state.db, actor, id, now).await?;
    Ok(AssignmentDetailResponse {
        assignment: row_response(d.row, now, &state.calendar),
        plan_title: d.plan_title,
        requirements: d.requirements,
        due_text: d.due_text,
        report_cron: d.report_cron,
        indicators: d.indicators.into_iter().map(Into::into).collect(),
        reports: d
            .reports
            .into_iter()
            .map(|(r, f)| report_response(r, f))
            .collect(),
        reviews: d.reviews.into_iter().map(Into::into).collect(),
        extension_requests: d.extension_requests.into_iter().map(Into::into).collect(),
        comments: d
            .comments
            .into_iter()
            .map(|(c, n)| comment_response(c, n))
            .collect(),
    })
}

/// The list line of one assignment, just changed by the caller (who may see it).
async fn row_of(state: &AppState, id: i64) -> ApiResult<AssignmentResponse> {
    let row = listing::row(&state.db, id)
        .await?
        .ok_or(duban_domain::DomainError::NotFound("assignment"))?;
    Ok(row_response(row, state.clock.now(), &state.calendar))
}

/// One assignment: its task, reports, reviews, extension requests and comments.
#[utoipa::path(get, path = "/api/v1/assignments/{id}", tag = "assignments", security(("bearer" = [])), responses(
    (status = 200, body = AssignmentDetailResponse),
    (status = 404, description = "No such assignment, or another unit's", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/assignments/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(detail_response(&state, &actor, id.into_inner()).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ActionBody {
    /// The version you read; a stale one is refused with 409.
    pub version: Option<i32>,
}

/// 签收: the unit confirms receipt (issued -> acknowledged).
#[utoipa::path(post, path = "/api/v1/assignments/{id}/acknowledge", tag = "assignments", security(("bearer" = [])), request_body(content = Option<ActionBody>), responses(
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
    let id = id.into_inner();
    let version = body.0.unwrap_or_default().version;
    assignments::acknowledge(&state.db, state.clock.as_ref(), &actor, id, version).await?;
    Ok(HttpResponse::Ok().json(row_of(&state, id).await?))
}

#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum ReportKindDto {
    Progress,
    Completion,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportBody {
    /// progress (进展反馈) or completion (申请办结).
    pub kind: ReportKindDto,
    #[schema(example = "已建成综合服务站12个")]
    pub text: String,
    /// 0–100.
    pub percent: Option<i32>,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub indicator_values: Vec<IndicatorValue>,
    pub version: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct ReportCreated {
    pub report: ReportResponse,
    /// The assignment after the report.
    pub assignment: AssignmentResponse,
}

/// 进展反馈 / 申请办结: a progress report, or a completion request (-> pending_review).
#[utoipa::path(post, path = "/api/v1/assignments/{id}/reports", tag = "assignments", security(("bearer" = [])), request_body = ReportBody, responses(
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
    body: web::Json<ReportBody>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let b = body.into_inner();
    let new = NewReport {
        kind: match b.kind {
            ReportKindDto::Progress => ReportKind::Progress,
            ReportKindDto::Completion => ReportKind::Completion,
        },
        text: b.text,
        percent: b.percent,
        indicator_values: b.indicator_values,
    };
    let rep =
        assignments::report(&state.db, state.clock.as_ref(), &actor, id, new, b.version).await?;
    Ok(HttpResponse::Created().json(ReportCreated {
        report: report_response(rep, Vec::new()),
        assignment: row_of(&state, id).await?,
    }))
}

#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum DecisionDto {
    Approve,
    Return,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// approve (办结) or return (退回; needs a comment).
    pub decision: DecisionDto,
    pub comment: Option<String>,
    pub version: Option<i32>,
}

/// 审核: approve (-> completed) or return (-> returned) a completion request (office).
#[utoipa::path(post, path = "/api/v1/assignments/{id}/review", tag = "assignments", security(("bearer" = [])), request_body = ReviewBody, responses(
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
    body: web::Json<ReviewBody>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let b = body.into_inner();
    let decision = match b.decision {
        DecisionDto::Approve => Decision::Approve,
        DecisionDto::Return => Decision::Return,
    };
    assignments::review(
        &state.db,
        state.clock.as_ref(),
        &actor,
        id,
        decision,
        b.comment,
        b.version,
    )
    .await?;
    Ok(HttpResponse::Ok().json(detail_response(&state, &actor, id).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    pub reason: Option<String>,
    pub version: Option<i32>,
}

/// 撤销: withdraw an open assignment (office).
#[utoipa::path(post, path = "/api/v1/assignments/{id}/cancel", tag = "assignments", security(("bearer" = [])), request_body(content = Option<CancelBody>), responses(
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
    let id = id.into_inner();
    let b = body.0.unwrap_or_default();
    assignments::cancel(
        &state.db,
        state.clock.as_ref(),
        &actor,
        id,
        b.reason,
        b.version,
    )
    .await?;
    Ok(HttpResponse::Ok().json(detail_response(&state, &actor, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionBody {
    /// The new due date asked for.
    pub due_on: NaiveDate,
    #[schema(example = "资金尚未到位")]
    pub reason: String,
}

/// 延期申请: ask, before the due date, for a later one.
#[utoipa::path(post, path = "/api/v1/assignments/{id}/extension-requests", tag = "assignments", security(("bearer" = [])), request_body = ExtensionBody, responses(
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
    body: web::Json<ExtensionBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let req = extensions::request(
        &state.db,
        state.clock.as_ref(),
        &actor,
        id.into_inner(),
        b.due_on,
        &b.reason,
    )
    .await?;
    Ok(HttpResponse::Created().json(ExtensionResponse::from(req)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionDecisionBody {
    pub approve: bool,
    pub comment: Option<String>,
}

/// Decide an extension request; approval moves the due date (office).
#[utoipa::path(post, path = "/api/v1/extension-requests/{id}/decision", tag = "assignments", security(("bearer" = [])), request_body = ExtensionDecisionBody, responses(
    (status = 200, body = ExtensionResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/extension-requests/{id}/decision")]
pub async fn decide_extension(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: web::Json<ExtensionDecisionBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let req = extensions::decide(
        &state.db,
        state.clock.as_ref(),
        &actor,
        id.into_inner(),
        b.approve,
        b.comment,
    )
    .await?;
    Ok(HttpResponse::Ok().json(ExtensionResponse::from(req)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentBody {
    #[schema(example = "请于三日内报送整改情况")]
    pub text: String,
}

/// 督查意见: a remark on an assignment, shown to its unit (inspectors, office).
#[utoipa::path(post, path = "/api/v1/assignments/{id}/comments", tag = "assignments", security(("bearer" = [])), request_body = CommentBody, responses(
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
    body: web::Json<CommentBody>,
) -> ApiResult<HttpResponse> {
    let c = assignments::add_comment(
        &state.db,
        state.clock.as_ref(),
        &actor,
        id.into_inner(),
        &body.text,
    )
    .await?;
    let name = actor.username.clone();
    Ok(HttpResponse::Created().json(comment_response(c, name)))
}

#[derive(Serialize, ToSchema)]
pub struct HistoryEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

impl From<audit_event::Model> for HistoryEvent {
    fn from(e: audit_event::Model) -> Self {
        Self {
            id: e.id,
            at: e.at,
            actor_user_id: e.actor_user_id,
            actor_name: e.actor_name,
            action: e.action,
            before: e.before,
            after: e.after,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct HistoryResponse {
    pub items: Vec<HistoryEvent>,
}

/// Every change to the assignment, oldest first, with who made it.
#[utoipa::path(get, path = "/api/v1/assignments/{id}/history", tag = "assignments", security(("bearer" = [])), responses(
    (status = 200, body = HistoryResponse),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/assignments/{id}/history")]
pub async fn history(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let items = assignments::history(&state.db, &actor, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(HistoryResponse {
        items: items.into_iter().map(Into::into).collect(),
    }))
}
