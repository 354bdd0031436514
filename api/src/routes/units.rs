use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use duban_domain::directory::{NewUnit, UnitFilter, UnitPatch, units};
use duban_domain::entities::unit::{self, UnitKind};
use duban_domain::policy::{DirectoryAction, ensure_directory};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Paging;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::nullable;
use crate::state::AppState;

/// office: the supervising office; department: a city department;
/// county: a county or district government; street: a street office or
/// township; community: a community or village.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitKindDto {
    Office,
    Department,
    County,
    Street,
    Community,
}

impl From<UnitKindDto> for UnitKind {
    fn from(k: UnitKindDto) -> Self {
        match k {
            UnitKindDto::Office => UnitKind::Office,
            UnitKindDto::Department => UnitKind::Department,
            UnitKindDto::County => UnitKind::County,
            UnitKindDto::Street => UnitKind::Street,
            UnitKindDto::Community => UnitKind::Community,
        }
    }
}

impl From<UnitKind> for UnitKindDto {
    fn from(k: UnitKind) -> Self {
        match k {
            UnitKind::Office => UnitKindDto::Office,
            UnitKind::Department => UnitKindDto::Department,
            UnitKind::County => UnitKindDto::County,
            UnitKind::Street => UnitKindDto::Street,
            UnitKind::Community => UnitKindDto::Community,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUnit {
    #[schema(example = "市民政局")]
    pub name: String,
    pub kind: UnitKindDto,
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
    pub kind: Option<UnitKindDto>,
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

#[derive(Serialize, ToSchema)]
pub struct UnitResponse {
    pub id: i64,
    pub name: String,
    pub kind: UnitKindDto,
    pub parent_id: Option<i64>,
    pub aliases: Vec<String>,
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<unit::Model> for UnitResponse {
    fn from(m: unit::Model) -> Self {
        let aliases = m.alias_list();
        Self {
            id: m.id,
            name: m.name,
            kind: m.kind.into(),
            parent_id: m.parent_id,
            aliases,
            email: m.email,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UnitPage {
    pub items: Vec<UnitResponse>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Deserialize, IntoParams)]
pub struct UnitQuery {
    pub kind: Option<UnitKindDto>,
    pub parent_id: Option<i64>,
    /// Part of a name or alias.
    pub q: Option<String>,
}

/// Add a unit to the directory (admin).
#[utoipa::path(post, path = "/api/v1/units", tag = "units", security(("bearer" = [])), request_body = CreateUnit, responses(
    (status = 201, body = UnitResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "The name or an alias is taken", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/units")]
pub async fn create(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    body: web::Json<CreateUnit>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    ensure_directory(&actor, DirectoryAction::ManageUnits)?;
    let new = NewUnit::parse(
        &b.name,
        b.kind.into(),
        b.parent_id,
        &b.aliases,
        b.email.as_deref(),
    )?;
    let model = units::create(&state.db, state.clock.as_ref(), &actor, new).await?;
    Ok(HttpResponse::Created().json(UnitResponse::from(model)))
}

/// The unit directory, filterable by kind, parent and name; every signed-in user may read it.
#[utoipa::path(get, path = "/api/v1/units", tag = "units", security(("bearer" = [])), params(UnitQuery, Paging), responses((status = 200, body = UnitPage)))]
#[get("/units")]
pub async fn list(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    query: web::Query<UnitQuery>,
    paging: web::Query<Paging>,
) -> ApiResult<HttpResponse> {
    let filter = UnitFilter {
        kind: query.kind.map(Into::into),
        parent_id: query.parent_id,
        q: query.q.clone(),
    };
    let page = units::list(&state.db, &actor, &filter, paging.request()?).await?;
    let page = page.map(UnitResponse::from);
    Ok(HttpResponse::Ok().json(UnitPage {
        items: page.items,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "units", security(("bearer" = [])), responses(
    (status = 200, body = UnitResponse),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/units/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let model = units::get(&state.db, &actor, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(UnitResponse::from(model)))
}

/// Rename, re-parent or re-address a unit (admin).
#[utoipa::path(patch, path = "/api/v1/units/{id}", tag = "units", security(("bearer" = [])), request_body = UpdateUnit, responses(
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
    body: web::Json<UpdateUnit>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let patch = UnitPatch {
        name: b.name,
        kind: b.kind.map(Into::into),
        parent_id: b.parent_id,
        aliases: b.aliases,
        email: b.email,
    };
    let model = units::update(
        &state.db,
        state.clock.as_ref(),
        &actor,
        id.into_inner(),
        patch,
    )
    .await?;
    Ok(HttpResponse::Ok().json(UnitResponse::from(model)))
}
