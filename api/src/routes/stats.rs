use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use duban_domain::assessment::{
    self, IndicatorProgress, PlanStats, StatsScope, TaskStats, UnitStats,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::export::{self, Column};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
pub struct StatsQuery {
    pub plan_id: Option<i64>,
    /// Count assignments due on or after this date.
    #[serde(default, deserialize_with = "crate::extract::opt_day")]
    pub from: Option<NaiveDate>,
    /// Count assignments due on or before this date.
    #[serde(default, deserialize_with = "crate::extract::opt_day")]
    pub to: Option<NaiveDate>,
}

impl StatsQuery {
    fn scope(&self) -> StatsScope {
        StatsScope {
            plan_id: self.plan_id,
            due_from: self.from,
            due_to: self.to,
        }
    }
}

async fn units(
    state: &AppState,
    actor: &duban_domain::policy::Actor,
    q: &StatsQuery,
) -> ApiResult<Vec<UnitStats>> {
    Ok(assessment::unit_stats(&state.ctx(actor), &q.scope()).await?)
}

/// 考核: per unit over a plan or a date range, scored and ranked. Unit staff see their own unit.
#[utoipa::path(tag = "inspection", security(("bearer" = [])), params(StatsQuery), responses((status = 200, description = "{items: [{rank, unit_id, unit_name, assigned, completed, completed_on_time, completed_late, overdue, returned_count, acknowledged_late, average_days_to_complete, highest_escalation_level, level3_count, score}]}", body = Object)))]
#[get("/stats/units")]
pub async fn unit_stats(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    query: web::Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    let items = units(&state, &actor, &query).await?;
    let rules: Vec<serde_json::Value> = state
        .env
        .rules
        .assessment
        .describe()
        .into_iter()
        .map(|(rule, points)| serde_json::json!({"rule": rule, "label": rule.label(), "points": points}))
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items, "rules": rules })))
}

/// One unit's score explained: every item and rule behind it (a unit sees its own).
#[utoipa::path(tag = "inspection", security(("bearer" = [])), params(StatsQuery), responses(
    (status = 200, description = "The unit's row with `points`: [{assignment_id, rule, rule_label, times, points, what, due_on, status}]", body = Object),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/stats/units/{id}")]
pub async fn unit_score(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    query: web::Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    let score = assessment::unit_score(&state.ctx(&actor), id.into_inner(), &query.scope()).await?;
    Ok(HttpResponse::Ok().json(score))
}

pub fn unit_columns() -> Vec<Column<UnitStats>> {
    vec![
        Column::optional_number("排名", |u: &UnitStats| {
            (u.rank > 0).then_some(f64::from(u.rank))
        }),
        Column::text("责任单位", |u: &UnitStats| u.unit_name.clone()),
        Column::number("交办事项", |u: &UnitStats| u.tally.assigned as f64),
        Column::number("已办结", |u: &UnitStats| u.tally.completed as f64),
        Column::number("按期办结", |u: &UnitStats| {
            u.tally.completed_on_time as f64
        }),
        Column::number("逾期办结", |u: &UnitStats| {
            u.tally.completed_late as f64
        }),
        Column::number("逾期未办结", |u: &UnitStats| u.tally.overdue as f64),
        Column::number("退回次数", |u: &UnitStats| {
            u.tally.returned_count as f64
        }),
        Column::number("签收超时", |u: &UnitStats| {
            u.tally.acknowledged_late as f64
        }),
        Column::number("未开展工作", |u: &UnitStats| {
            u.tally.not_started as f64
        }),
        Column::optional_number("平均办结天数", |u: &UnitStats| {
            u.tally.average_days_to_complete
        }),
        Column::text("最高督办等级", |u: &UnitStats| {
            duban_domain::escalation::level_name(u.tally.highest_escalation_level).to_owned()
        }),
        Column::number("通报事项", |u: &UnitStats| u.tally.level3_count as f64),
        Column::number("得分", |u: &UnitStats| u.tally.score),
    ]
}

/// The unit table as CSV (UTF-8 with BOM, Chinese headers).
#[utoipa::path(tag = "inspection", security(("bearer" = [])), params(StatsQuery), responses((status = 200, content_type = "text/csv")))]
#[get("/stats/units.csv")]
pub async fn unit_stats_csv(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    query: web::Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    let items = units(&state, &actor, &query).await?;
    export::csv_response("units", &unit_columns(), &items)
}

/// The unit table as an Excel workbook.
#[utoipa::path(tag = "inspection", security(("bearer" = [])), params(StatsQuery), responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
#[get("/stats/units.xlsx")]
pub async fn unit_stats_xlsx(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    query: web::Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    let items = units(&state, &actor, &query).await?;
    export::xlsx_response("单位考核", "units", unit_columns(), items).await
}

/// Per plan (office, inspectors, leaders).
#[utoipa::path(tag = "inspection", security(("bearer" = [])), params(StatsQuery), responses((status = 200, body = Object), (status = 403, body = crate::error::Problem, content_type = "application/problem+json")))]
#[get("/stats/plans")]
pub async fn plan_stats(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    query: web::Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    let items: Vec<PlanStats> = assessment::plan_stats(&state.ctx(&actor), &query.scope()).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

#[derive(Deserialize, IntoParams)]
pub struct PlanOnly {
    pub plan_id: i64,
}

/// Per task of a plan: who is behind on what (office, inspectors, leaders).
#[utoipa::path(tag = "inspection", security(("bearer" = [])), params(PlanOnly), responses((status = 200, body = Object), (status = 403, body = crate::error::Problem, content_type = "application/problem+json")))]
#[get("/stats/tasks")]
pub async fn task_stats(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    query: web::Query<PlanOnly>,
) -> ApiResult<HttpResponse> {
    let items: Vec<TaskStats> = assessment::task_stats(&state.ctx(&actor), query.plan_id).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

/// Indicator progress of a plan: target against the latest reported actual per unit.
#[utoipa::path(tag = "inspection", security(("bearer" = [])), params(PlanOnly), responses((status = 200, body = Object), (status = 403, body = crate::error::Problem, content_type = "application/problem+json")))]
#[get("/stats/indicators")]
pub async fn indicator_stats(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    query: web::Query<PlanOnly>,
) -> ApiResult<HttpResponse> {
    let items: Vec<IndicatorProgress> =
        assessment::indicator_progress(&state.ctx(&actor), query.plan_id).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

/// One line of the 指标分解表.
pub struct BreakdownRow {
    indicator: String,
    kind: String,
    unit: String,
    target: String,
    actual: String,
    met: String,
}

/// 指标分解表: indicator x unit, target and actual, as an Excel workbook.
#[utoipa::path(tag = "inspection", security(("bearer" = [])), responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = crate::error::Problem, content_type = "application/problem+json")))]
#[get("/plans/{id}/indicators.xlsx")]
pub async fn indicator_breakdown_xlsx(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    breakdown_workbook(&state, &actor, id.into_inner()).await
}

/// The 指标分解表 of a plan as a workbook: the API's and the web UI's export.
pub async fn breakdown_workbook(
    state: &AppState,
    actor: &duban_domain::policy::Actor,
    plan_id: i64,
) -> ApiResult<HttpResponse> {
    let items = assessment::indicator_progress(&state.ctx(actor), plan_id).await?;
    let mut rows = Vec::new();
    for i in items {
        let kind = i.kind.map_or("", |k| k.label());
        let measure = i.measure.clone().unwrap_or_default();
        if i.units.is_empty() {
            rows.push(BreakdownRow {
                indicator: i.name.clone(),
                kind: kind.into(),
                unit: String::new(),
                target: format!("{}{measure}", i.target),
                actual: String::new(),
                met: String::new(),
            });
        }
        for u in i.units {
            rows.push(BreakdownRow {
                indicator: i.name.clone(),
                kind: kind.into(),
                unit: u.unit_name,
                target: format!("{}{measure}", u.target),
                actual: u
                    .actual
                    .map(|a| format!("{a}{measure}"))
                    .unwrap_or_default(),
                met: match u.met {
                    Some(true) => "达标".into(),
                    Some(false) => "未达标".into(),
                    None => String::new(),
                },
            });
        }
    }
    let columns: Vec<Column<BreakdownRow>> = vec![
        Column::text("指标", |r: &BreakdownRow| r.indicator.clone()),
        Column::text("属性", |r: &BreakdownRow| r.kind.clone()),
        Column::text("责任单位", |r: &BreakdownRow| r.unit.clone()),
        Column::text("目标值", |r: &BreakdownRow| r.target.clone()),
        Column::text("最新实际值", |r: &BreakdownRow| r.actual.clone()),
        Column::text("是否达标", |r: &BreakdownRow| r.met.clone()),
    ];
    export::xlsx_response("指标分解表", "indicators", columns, rows).await
}
