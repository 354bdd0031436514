use actix_web::{HttpResponse, get, patch, post, web};
use duban_domain::directory::users::{self, UserFilter};
use duban_domain::directory::{NewUser, UserPatch};
use duban_domain::policy::{DirectoryAction, ensure_directory};
use duban_domain::role::Role;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::Paging;
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::extract::nullable;
use crate::responses::Paged;
use crate::responses::directory::UserResponse;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    #[schema(example = "clerk")]
    pub username: String,
    /// At least 10 characters of two kinds or more.
    pub password: String,
    #[schema(example = "办事员")]
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub unit_id: Option<i64>,
    /// admin, office, unit_staff, unit_head, inspector, leader.
    #[schema(example = json!(["unit_staff"]))]
    pub roles: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub unit_id: Option<Option<i64>>,
    pub roles: Option<Vec<String>>,
    pub active: Option<bool>,
    /// Sets a new password and lifts any lock.
    pub password: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct UserQuery {
    pub unit_id: Option<i64>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    /// Part of a username or display name.
    pub q: Option<String>,
}

/// Create an account (admin).
#[utoipa::path(tag = "users", security(("bearer" = [])), request_body = CreateUser, responses(
    (status = 201, body = UserResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "Username taken", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/users")]
pub async fn create(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    body: Json<CreateUser>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    // Refuse before parsing so a unit's staff learn nothing about the rules.
    ensure_directory(&actor, DirectoryAction::ManageUsers)?;
    let new = NewUser::parse(
        &b.username,
        b.display_name.as_deref(),
        b.email.as_deref(),
        b.unit_id,
        &b.roles,
        &b.password,
    )?;
    let model = users::create(&state.ctx(&actor), new).await?;
    Ok(HttpResponse::Created().json(UserResponse::from(model)))
}

/// Accounts, filterable by unit, role, active flag and name (admin).
#[utoipa::path(tag = "users", security(("bearer" = [])), params(UserQuery, Paging), responses(
    (status = 200, body = Paged<UserResponse>),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/users")]
pub async fn list(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    query: web::Query<UserQuery>,
    paging: web::Query<Paging>,
) -> ApiResult<HttpResponse> {
    let filter = UserFilter {
        unit_id: query.unit_id,
        role: query.role,
        active: query.active,
        q: query.q.clone(),
    };
    let page = users::list(&state.ctx(&actor), &filter, paging.request()?).await?;
    Ok(HttpResponse::Ok().json(Paged::from_page(page, UserResponse::from)))
}

#[utoipa::path(tag = "users", security(("bearer" = [])), responses(
    (status = 200, body = UserResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/users/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let model = users::get(&state.ctx(&actor), id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(UserResponse::from(model)))
}

/// Change an account: roles, unit, active flag, password (admin). Takes effect on the user's next request.
#[utoipa::path(tag = "users", security(("bearer" = [])), request_body = UpdateUser, responses(
    (status = 200, body = UserResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[patch("/users/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: Json<UpdateUser>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let patch = UserPatch {
        display_name: b.display_name,
        email: b.email,
        unit_id: b.unit_id,
        roles: b.roles,
        active: b.active,
        password: b.password,
    };
    let model = users::update(&state.ctx(&actor), id.into_inner(), patch).await?;
    Ok(HttpResponse::Ok().json(UserResponse::from(model)))
}
