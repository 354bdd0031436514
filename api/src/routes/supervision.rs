use actix_web::{HttpResponse, get, post, web};
use duban_domain::page::PageRequest;
use duban_domain::supervision::{self, BoardFilter};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::Paging;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::export::{self, Column};
use crate::extract::Json;
use crate::responses::Paged;
use crate::responses::assignments::{AssignmentResponse, Escalated};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
pub struct BoardQuery {
    pub unit_id: Option<i64>,
    pub plan_id: Option<i64>,
    /// Escalation level.
    pub level: Option<i32>,
    /// At least this many calendar days overdue.
    pub min_days: Option<i64>,
}

impl BoardQuery {
    fn filter(&self) -> BoardFilter {
        BoardFilter {
            unit_id: self.unit_id,
            plan_id: self.plan_id,
            level: self.level,
            min_days: self.min_days,
        }
    }
}

/// A line of the board: the item, and what of it is late besides (or before) its due date.
#[derive(serde::Serialize, ToSchema)]
pub struct BoardItem {
    #[serde(flatten)]
    pub assignment: AssignmentResponse,
    /// Milestones missed and not reached, periods of a recurring duty missed.
    pub missed: Vec<duban_domain::duties::standing::Missed>,
    /// What the latest escalation was for, when not the due date: 里程碑“…” or a period.
    pub escalated_for: Option<String>,
}

/// The overdue board: most overdue first, with days_overdue and working_days_overdue, and the milestones or periods missed (office, inspectors, leaders). Handed-down items carry `parent_id`.
#[utoipa::path(tag = "inspection", security(("bearer" = [])), params(BoardQuery, Paging), responses(
    (status = 200, body = Paged<BoardItem>),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/supervision/overdue")]
pub async fn overdue(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    query: web::Query<BoardQuery>,
    paging: web::Query<Paging>,
) -> ApiResult<HttpResponse> {
    let ctx = state.ctx(&actor);
    let page = supervision::overdue_board(&ctx, &query.filter(), paging.request()?).await?;
    let mut missed = duban_domain::duties::missed_of(&ctx, &page.items).await?;
    let ids: Vec<i64> = page.items.iter().map(|r| r.id).collect();
    let mut reasons = duban_domain::duties::escalated_for(ctx.db().conn(), &ids).await?;
    Ok(
        HttpResponse::Ok().json(Paged::from_page(page, |r| BoardItem {
            missed: missed.remove(&r.id).unwrap_or_default(),
            escalated_for: reasons.remove(&r.id),
            assignment: state.row(r),
        })),
    )
}

pub fn board_columns() -> Vec<Column<AssignmentResponse>> {
    vec![
        Column::text("文号", |a: &AssignmentResponse| a.plan_doc_no.clone()),
        Column::text("序号", |a: &AssignmentResponse| a.task_number.clone()),
        Column::text("任务", |a: &AssignmentResponse| a.task_title.clone()),
        Column::text("责任单位", |a: &AssignmentResponse| a.unit_name.clone()),
        Column::text("角色", |a: &AssignmentResponse| a.role.label().to_owned()),
        Column::text("状态", |a: &AssignmentResponse| a.status_label.to_owned()),
        Column::text("完成时限", |a: &AssignmentResponse| {
            a.due_on.to_string()
        }),
        Column::number("逾期天数", |a: &AssignmentResponse| {
            a.days_overdue as f64
        }),
        Column::number("逾期工作日", |a: &AssignmentResponse| {
            a.working_days_overdue as f64
        }),
        Column::text("督办等级", |a: &AssignmentResponse| {
            duban_domain::escalation::level_name(a.escalation_level).to_owned()
        }),
        Column::optional_number("完成比例(%)", |a: &AssignmentResponse| {
            a.percent.map(f64::from)
        }),
    ]
}

/// Every row of the board for a filter (all pages, at most 100,000): the
/// API's and the web UI's export.
pub async fn board_rows(
    state: &AppState,
    actor: &duban_domain::policy::Actor,
    filter: &BoardFilter,
) -> Result<Vec<AssignmentResponse>, duban_domain::DomainError> {
    let ctx = state.ctx(actor);
    let mut rows = Vec::new();
    let mut page = 1;
    loop {
        let p = supervision::overdue_board(&ctx, filter, PageRequest::new(Some(page), Some(200))?)
            .await?;
        let done = p.items.len() < 200;
        rows.extend(p.items.into_iter().map(|r| state.row(r)));
        if done || rows.len() >= 100_000 {
            break;
        }
        page += 1;
    }
    Ok(rows)
}

/// The overdue board as an Excel workbook (all pages).
#[utoipa::path(tag = "inspection", security(("bearer" = [])), params(BoardQuery), responses(
    (status = 200, description = "XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/supervision/overdue.xlsx")]
pub async fn overdue_xlsx(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    query: web::Query<BoardQuery>,
) -> ApiResult<HttpResponse> {
    let rows = board_rows(&state, &actor, &query.filter()).await?;
    export::xlsx_response("逾期督办事项", "overdue", board_columns(), rows).await
}

#[derive(Deserialize, IntoParams)]
pub struct RiskQuery {
    /// Due within this many days (default 7).
    pub within_days: Option<i64>,
}

/// Items at risk: due soon and not near done, or not acknowledged in time.
#[utoipa::path(tag = "inspection", security(("bearer" = [])), params(RiskQuery, Paging), responses(
    (status = 200, body = Paged<AssignmentResponse>),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/supervision/at-risk")]
pub async fn at_risk(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    query: web::Query<RiskQuery>,
    paging: web::Query<Paging>,
) -> ApiResult<HttpResponse> {
    let page = supervision::at_risk(
        &state.ctx(&actor),
        query.within_days.unwrap_or(7),
        paging.request()?,
    )
    .await?;
    Ok(HttpResponse::Ok().json(Paged::from_page(page, |r| state.row(r))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalateBody {
    #[schema(example = "挂牌督办")]
    pub note: String,
}

/// 挂牌督办: raise an open assignment one level by hand, told per the ladder (inspectors).
#[utoipa::path(tag = "inspection", security(("bearer" = [])), request_body = EscalateBody, responses(
    (status = 200, body = Escalated),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "Finished, or already at level 3", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/assignments/{id}/escalate")]
pub async fn escalate(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: Json<EscalateBody>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let level = supervision::escalate_by_hand(&state.ctx(&actor), id, &body.note).await?;
    Ok(HttpResponse::Ok().json(Escalated {
        id,
        escalation_level: level,
    }))
}
