use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::NaiveDate;
use duban_domain::entities::indicator::{Comparator, IndicatorKind};
use duban_domain::workflow::plans::{self, NewIndicator, NewPlan, NewTask, PlanPatch, TaskPatch};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::Paging;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::responses::Paged;
use crate::responses::plans::{
    IssueResponse, PlanDetailResponse, PlanResponse, TaskResponse, TaskUpdated,
};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePlan {
    #[schema(example = "通政办发〔2026〕35号")]
    pub doc_no: String,
    #[schema(example = "2026年统筹城乡社区建设主要工作责任分解")]
    pub title: String,
    #[serde(deserialize_with = "crate::extract::day")]
    pub issued_on: NaiveDate,
    /// Defaults to the year of `issued_on`.
    pub year: Option<i32>,
    /// IANA zone due dates are read in (default Asia/Shanghai).
    pub timezone: Option<String>,
    /// Defaults to the caller's unit.
    pub issuer_unit_id: Option<i64>,
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
    pub comparator: Option<Comparator>,
    /// binding (约束性) or expected (预期性).
    pub kind: Option<IndicatorKind>,
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
    #[serde(deserialize_with = "crate::extract::day")]
    pub due_on: NaiveDate,
    /// The deadline as the notice phrased it.
    pub due_text: Option<String>,
    /// The lead unit (牵头).
    pub lead_unit_id: i64,
    /// Assisting units (配合).
    #[serde(default)]
    pub assist_unit_ids: Vec<i64>,
    /// Due dates that differ per unit, keyed by unit id.
    #[serde(default, deserialize_with = "crate::extract::day_map")]
    #[schema(value_type = Object)]
    pub unit_due_on: std::collections::BTreeMap<i64, NaiveDate>,
    /// Reporting schedule, 5-field cron (e.g. "0 9 25 * *": by the 25th monthly).
    pub report_cron: Option<String>,
    #[serde(default)]
    pub indicators: Vec<IndicatorInput>,
    /// A due date before today is refused unless this says the work is registered late on purpose.
    #[serde(default)]
    pub allow_past_due: bool,
    /// Dated steps of the task (a multi-year target's figures), none after `due_on`.
    #[serde(default)]
    pub milestones: Vec<MilestoneInput>,
    /// A recurring duty: `times` per `per` over the task's span.
    pub recurrence: Option<RecurrenceInput>,
    /// Several recurring duties (每年四次会议 and 每月两次调研 on one task).
    #[serde(default)]
    pub recurrences: Vec<RecurrenceInput>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneInput {
    pub due_on: NaiveDate,
    #[schema(example = "建成农村牧区社区1200个")]
    pub title: String,
    /// The indicator's target at this step.
    pub target: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecurrenceInput {
    /// week, month, quarter, half_year or year.
    pub per: duban_domain::entities::recurrence::Per,
    /// Occurrences required in each period.
    pub times: i32,
    /// The duty in words; the task's title when absent.
    #[serde(alias = "text")]
    pub title: Option<String>,
}

impl RecurrenceInput {
    fn domain(self) -> duban_domain::duties::NewRecurrence {
        duban_domain::duties::NewRecurrence {
            per: self.per,
            times: self.times,
            title: self.title,
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct PlanQuery {
    pub year: Option<i32>,
}

/// Create a plan (督办文件) as a draft (office).
#[utoipa::path(tag = "plans", security(("bearer" = [])), request_body = CreatePlan, responses(
    (status = 201, body = PlanResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/plans")]
pub async fn create(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    body: Json<CreatePlan>,
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
    let p = plans::create_plan(&state.ctx(&actor), new).await?;
    Ok(HttpResponse::Created().json(PlanResponse::from(p)))
}

/// Plans the caller may see, newest first.
#[utoipa::path(tag = "plans", security(("bearer" = [])), params(PlanQuery, Paging), responses((status = 200, body = Paged<PlanResponse>)))]
#[get("/plans")]
pub async fn list(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    query: web::Query<PlanQuery>,
    paging: web::Query<Paging>,
) -> ApiResult<HttpResponse> {
    let page = plans::list_plans(&state.ctx(&actor), query.year, paging.request()?).await?;
    Ok(HttpResponse::Ok().json(Paged::from_page(page, PlanResponse::from)))
}

/// A plan with its sections, tasks, indicators and assignments (a unit sees its own part).
#[utoipa::path(tag = "plans", security(("bearer" = [])), responses(
    (status = 200, body = PlanDetailResponse),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/plans/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let d = plans::get_plan(&state.ctx(&actor), id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(PlanDetailResponse::from(d)))
}

/// Add a task with its lead and assisting units; one draft assignment per unit (office).
#[utoipa::path(tag = "plans", security(("bearer" = [])), request_body = CreateTask, responses(
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
    body: Json<CreateTask>,
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
        allow_past_due: b.allow_past_due,
        milestones: b
            .milestones
            .into_iter()
            .map(|m| duban_domain::duties::NewMilestone {
                due_on: m.due_on,
                title: m.title,
                target: m.target,
            })
            .collect(),
        recurrences: b
            .recurrence
            .into_iter()
            .chain(b.recurrences)
            .map(RecurrenceInput::domain)
            .collect(),
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
    let created = plans::add_task(&state.ctx(&actor), id.into_inner(), new).await?;
    Ok(HttpResponse::Created().json(TaskResponse::from(created)))
}

/// Issue the plan: every draft assignment becomes issued and its unit is told (office).
#[utoipa::path(tag = "plans", security(("bearer" = [])), responses(
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
    let issued = plans::issue_plan(&state.ctx(&actor), id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(IssueResponse::from(issued)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePlan {
    pub doc_no: Option<String>,
    pub title: Option<String>,
    #[serde(default, deserialize_with = "crate::extract::opt_day")]
    pub issued_on: Option<NaiveDate>,
    pub year: Option<i32>,
}

/// Correct a plan's number, title, date or year (office).
#[utoipa::path(tag = "plans", security(("bearer" = [])), request_body = UpdatePlan, responses(
    (status = 200, body = PlanResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[patch("/plans/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: Json<UpdatePlan>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let patch = PlanPatch {
        doc_no: b.doc_no,
        title: b.title,
        issued_on: b.issued_on,
        year: b.year,
    };
    let p = plans::update_plan(&state.ctx(&actor), id.into_inner(), patch).await?;
    Ok(HttpResponse::Ok().json(PlanResponse::from(p)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTask {
    pub number: Option<String>,
    pub title: Option<String>,
    pub requirements: Option<String>,
    /// A new due date moves the task's assignments that keep the old one.
    #[serde(default, deserialize_with = "crate::extract::opt_day")]
    pub due_on: Option<NaiveDate>,
    pub due_text: Option<String>,
    /// Reporting schedule, 5-field cron; "" removes it.
    pub report_cron: Option<String>,
    #[serde(default)]
    pub allow_past_due: bool,
}

/// Correct a task (office). A new due date moves its open assignments that still keep the old date, recorded in their history and told to their units.
#[utoipa::path(tag = "plans", security(("bearer" = [])), request_body = UpdateTask, responses(
    (status = 200, body = TaskUpdated),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[patch("/tasks/{id}")]
pub async fn update_task(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: Json<UpdateTask>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let patch = TaskPatch {
        number: b.number,
        title: b.title,
        requirements: b.requirements,
        due_on: b.due_on,
        due_text: b.due_text,
        report_cron: b.report_cron,
        allow_past_due: b.allow_past_due,
        units: None,
        indicators: None,
    };
    let u = plans::update_task(&state.ctx(&actor), id.into_inner(), patch).await?;
    Ok(HttpResponse::Ok().json(TaskUpdated {
        id: u.task.id,
        title: u.task.title,
        due_on: u.task.due_on,
        report_cron: u.task.report_cron,
        moved: u.moved.into_iter().map(|r| state.row(r)).collect(),
        kept: u.kept,
    }))
}

/// Delete a task of a plan not yet issued, with its draft assignments (office).
#[utoipa::path(tag = "plans", security(("bearer" = [])), responses(
    (status = 204, description = "Deleted"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "Already issued", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[delete("/tasks/{id}")]
pub async fn delete_task(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    plans::delete_task(&state.ctx(&actor), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
