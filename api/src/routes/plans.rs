use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use duban_domain::entities::{assignment, indicator, plan, section, task};
use duban_domain::workflow::plans::{self, NewIndicator, NewPlan, NewTask};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Paging;
use super::assignments::AssignmentBrief;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePlan {
    #[schema(example = "通政办发〔2026〕35号")]
    pub doc_no: String,
    #[schema(example = "2026年统筹城乡社区建设主要工作责任分解")]
    pub title: String,
    pub issued_on: NaiveDate,
    /// Defaults to the year of `issued_on`.
    pub year: Option<i32>,
    /// IANA zone due dates are read in (default Asia/Shanghai).
    pub timezone: Option<String>,
    /// Defaults to the caller's unit.
    pub issuer_unit_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanResponse {
    pub id: i64,
    pub doc_no: String,
    pub title: String,
    pub issuer_unit_id: Option<i64>,
    pub issued_on: NaiveDate,
    pub year: i32,
    pub timezone: String,
    /// draft until first issued, then issued.
    pub status: String,
    pub created_at: DateTime<Utc>,
}

impl From<plan::Model> for PlanResponse {
    fn from(p: plan::Model) -> Self {
        Self {
            id: p.id,
            doc_no: p.doc_no,
            title: p.title,
            issuer_unit_id: p.issuer_unit_id,
            issued_on: p.issued_on,
            year: p.year,
            timezone: p.timezone,
            status: p.status,
            created_at: p.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PlanPage {
    pub items: Vec<PlanResponse>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Serialize, ToSchema)]
pub struct SectionResponse {
    pub id: i64,
    pub number: String,
    pub title: String,
}

impl From<section::Model> for SectionResponse {
    fn from(s: section::Model) -> Self {
        Self {
            id: s.id,
            number: s.number,
            title: s.title,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct IndicatorResponse {
    pub id: i64,
    pub task_id: Option<i64>,
    pub name: String,
    pub target: String,
    pub target_value: Option<f64>,
    /// Unit of measure, e.g. "%".
    pub unit: Option<String>,
    pub comparator: String,
    /// binding (约束性) or expected (预期性).
    pub kind: Option<String>,
    /// Per-unit targets: {"unit_id": "target"}.
    #[schema(value_type = Option<Object>)]
    pub breakdown: Option<serde_json::Value>,
}

impl From<indicator::Model> for IndicatorResponse {
    fn from(i: indicator::Model) -> Self {
        Self {
            id: i.id,
            task_id: i.task_id,
            name: i.name,
            target: i.target,
            target_value: i.target_value,
            unit: i.measure,
            comparator: i.comparator,
            kind: i.kind,
            breakdown: i.breakdown,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TaskResponse {
    pub id: i64,
    pub plan_id: i64,
    pub section_id: Option<i64>,
    pub number: String,
    pub title: String,
    pub requirements: String,
    pub due_on: NaiveDate,
    pub due_text: Option<String>,
    pub report_cron: Option<String>,
    pub indicators: Vec<IndicatorResponse>,
    pub assignments: Vec<AssignmentBrief>,
}

fn task_response(
    t: task::Model,
    indicators: Vec<indicator::Model>,
    assignments: Vec<assignment::Model>,
) -> TaskResponse {
    TaskResponse {
        id: t.id,
        plan_id: t.plan_id,
        section_id: t.section_id,
        number: t.number,
        title: t.title,
        requirements: t.requirements,
        due_on: t.due_on,
        due_text: t.due_text,
        report_cron: t.report_cron,
        indicators: indicators.into_iter().map(Into::into).collect(),
        assignments: assignments.into_iter().map(Into::into).collect(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct PlanDetailResponse {
    #[serde(flatten)]
    pub plan: PlanResponse,
    pub sections: Vec<SectionResponse>,
    pub tasks: Vec<TaskResponse>,
    /// Plan-level indicators (e.g. from a 指标 table).
    pub indicators: Vec<IndicatorResponse>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorInput {
    #[schema(example = "城市社区“一站式”服务率")]
    pub name: String,
    #[schema(example = "85")]
    pub target: String,
    /// Unit of measure, e.g. "%".
    pub unit: Option<String>,
    /// >=, <=, =, >, < (default >=).
    pub comparator: Option<String>,
    /// binding or expected.
    pub kind: Option<String>,
    /// Per-unit targets, keyed by unit id.
    #[schema(value_type = Option<Object>)]
    pub breakdown: Option<std::collections::BTreeMap<i64, String>>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTask {
    #[schema(example = "承接政务便民服务")]
    pub title: String,
    /// As numbered in the notice, e.g. "(一)".
    pub number: Option<String>,
    pub requirements: Option<String>,
    /// A section number or title; created on first use.
    pub section: Option<String>,
    pub due_on: NaiveDate,
    /// The deadline as the notice phrased it.
    pub due_text: Option<String>,
    /// The lead unit (牵头).
    pub lead_unit_id: i64,
    /// Assisting units (配合).
    #[serde(default)]
    pub assist_unit_ids: Vec<i64>,
    /// Due dates that differ per unit, keyed by unit id.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub unit_due_on: std::collections::BTreeMap<i64, NaiveDate>,
    /// Reporting schedule, 5-field cron (e.g. "0 9 25 * *": by the 25th monthly).
    pub report_cron: Option<String>,
    #[serde(default)]
    pub indicators: Vec<IndicatorInput>,
}

#[derive(Deserialize, IntoParams)]
pub struct PlanQuery {
    pub year: Option<i32>,
}

/// Create a plan (督办文件) as a draft (office).
#[utoipa::path(post, path = "/api/v1/plans", tag = "plans", security(("bearer" = [])), request_body = CreatePlan, responses(
    (status = 201, body = PlanResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/plans")]
pub async fn create(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    body: web::Json<CreatePlan>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let new = NewPlan {
        doc_no: b.doc_no,
        title: b.title,
        issued_on: b.issued_on,
        year: b.year,
        timezone: b.timezone,
        issuer_unit_id: b.issuer_unit_id,
    };
    let p = plans::create_plan(&state.db, state.clock.as_ref(), &actor, new).await?;
    Ok(HttpResponse::Created().json(PlanResponse::from(p)))
}

/// Plans the caller may see, newest first.
#[utoipa::path(get, path = "/api/v1/plans", tag = "plans", security(("bearer" = [])), params(PlanQuery, Paging), responses((status = 200, body = PlanPage)))]
#[get("/plans")]
pub async fn list(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    query: web::Query<PlanQuery>,
    paging: web::Query<Paging>,
) -> ApiResult<HttpResponse> {
    let page = plans::list_plans(&state.db, &actor, query.year, paging.request()?).await?;
    let page = page.map(PlanResponse::from);
    Ok(HttpResponse::Ok().json(PlanPage {
        items: page.items,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// A plan with its sections, tasks, indicators and assignments (a unit sees its own part).
#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "plans", security(("bearer" = [])), responses(
    (status = 200, body = PlanDetailResponse),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/plans/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let d = plans::get_plan(&state.db, &actor, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(PlanDetailResponse {
        plan: d.plan.into(),
        sections: d.sections.into_iter().map(Into::into).collect(),
        tasks: d
            .tasks
            .into_iter()
            .map(|t| task_response(t.task, t.indicators, t.assignments))
            .collect(),
        indicators: d.indicators.into_iter().map(Into::into).collect(),
    }))
}

/// Add a task with its lead and assisting units; one draft assignment per unit (office).
#[utoipa::path(post, path = "/api/v1/plans/{id}/tasks", tag = "plans", security(("bearer" = [])), request_body = CreateTask, responses(
    (status = 201, body = TaskResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/plans/{id}/tasks")]
pub async fn add_task(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: web::Json<CreateTask>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let new = NewTask {
        number: b.number,
        section: b.section,
        title: b.title,
        requirements: b.requirements,
        due_on: b.due_on,
        due_text: b.due_text,
        lead_unit_id: b.lead_unit_id,
        assist_unit_ids: b.assist_unit_ids,
        unit_due_on: b.unit_due_on,
        report_cron: b.report_cron,
        indicators: b
            .indicators
            .into_iter()
            .map(|i| NewIndicator {
                name: i.name,
                target: i.target,
                measure: i.unit,
                comparator: i.comparator,
                kind: i.kind,
                breakdown: i.breakdown,
            })
            .collect(),
    };
    let created = plans::add_task(
        &state.db,
        state.clock.as_ref(),
        &actor,
        id.into_inner(),
        new,
    )
    .await?;
    Ok(HttpResponse::Created().json(task_response(
        created.task,
        created.indicators,
        created.assignments,
    )))
}

#[derive(Serialize, ToSchema)]
pub struct IssueResponse {
    /// Assignments that went from draft to issued.
    pub issued: u64,
}

/// Issue the plan: every draft assignment becomes issued and its unit is told (office).
#[utoipa::path(post, path = "/api/v1/plans/{id}/issue", tag = "plans", security(("bearer" = [])), responses(
    (status = 200, body = IssueResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "Nothing left to issue", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/plans/{id}/issue")]
pub async fn issue(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let issued =
        plans::issue_plan(&state.db, state.clock.as_ref(), &actor, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(IssueResponse { issued }))
}
