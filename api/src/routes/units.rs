use actix_web::{HttpResponse, get, patch, post, web};
use duban_domain::directory::{NewUnit, UnitFilter, UnitPatch, units};
use duban_domain::entities::unit::UnitKind;
use duban_domain::policy::{DirectoryAction, ensure_directory};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::Paging;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::extract::nullable;
use crate::responses::Paged;
use crate::responses::directory::UnitResponse;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUnit {
    #[schema(example = "市民政局")]
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<i64>,
    /// Other names notices use for this unit.
    #[serde(default)]
    #[schema(example = json!(["民政局"]))]
    pub aliases: Vec<String>,
    pub email: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUnit {
    pub name: Option<String>,
    pub kind: Option<UnitKind>,
    /// null makes the unit a root.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<Option<i64>>,
    pub aliases: Option<Vec<String>>,
    /// null clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
}

#[derive(Deserialize, IntoParams)]
pub struct UnitQuery {
    pub kind: Option<UnitKind>,
    pub parent_id: Option<i64>,
    /// Part of a name or alias.
    pub q: Option<String>,
}

/// Add a unit to the directory (admin).
#[utoipa::path(tag = "units", security(("bearer" = [])), request_body = CreateUnit, responses(
    (status = 201, body = UnitResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "The name or an alias is taken", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/units")]
pub async fn create(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    body: Json<CreateUnit>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    ensure_directory(&actor, DirectoryAction::ManageUnits)?;
    let new = NewUnit::parse(&b.name, b.kind, b.parent_id, &b.aliases, b.email.as_deref())?;
    let model = units::create(&state.ctx(&actor), new).await?;
    Ok(HttpResponse::Created().json(UnitResponse::from(model)))
}

/// The unit directory, filterable by kind, parent and name; every signed-in user may read it.
#[utoipa::path(tag = "units", security(("bearer" = [])), params(UnitQuery, Paging), responses((status = 200, body = Paged<UnitResponse>)))]
#[get("/units")]
pub async fn list(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    query: web::Query<UnitQuery>,
    paging: web::Query<Paging>,
) -> ApiResult<HttpResponse> {
    let filter = UnitFilter {
        kind: query.kind,
        parent_id: query.parent_id,
        q: query.q.clone(),
    };
    let page = units::list(&state.ctx(&actor), &filter, paging.request()?).await?;
    Ok(HttpResponse::Ok().json(Paged::from_page(page, UnitResponse::from)))
}

#[utoipa::path(tag = "units", security(("bearer" = [])), responses(
    (status = 200, body = UnitResponse),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/units/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let model = units::get(&state.ctx(&actor), id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(UnitResponse::from(model)))
}

/// Rename, re-parent or re-address a unit (admin).
#[utoipa::path(tag = "units", security(("bearer" = [])), request_body = UpdateUnit, responses(
    (status = 200, body = UnitResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[patch("/units/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: Json<UpdateUnit>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let patch = UnitPatch {
        name: b.name,
        kind: b.kind,
        parent_id: b.parent_id,
        aliases: b.aliases,
        email: b.email,
    };
    let model = units::update(&state.ctx(&actor), id.into_inner(), patch).await?;
    Ok(HttpResponse::Ok().json(UnitResponse::from(model)))
}
