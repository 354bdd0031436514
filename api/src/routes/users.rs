use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use duban_domain::directory::users::{self, UserFilter};
use duban_domain::directory::{NewUser, UserPatch};
use duban_domain::entities::user;
use duban_domain::policy::{DirectoryAction, ensure_directory};
use duban_domain::role::{Role, RoleSet};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Paging;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::extract::nullable;
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

#[derive(Serialize, ToSchema)]
pub struct UserResponse {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub unit_id: Option<i64>,
    pub roles: Vec<String>,
    pub active: bool,
    pub locked_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<user::Model> for UserResponse {
    fn from(m: user::Model) -> Self {
        Self {
            id: m.id,
            roles: RoleSet::from_stored(&m.roles).names(),
            username: m.username,
            display_name: m.display_name,
            email: m.email,
            unit_id: m.unit_id,
            active: m.active,
            locked_until: m.locked_until,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<UserResponse>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Deserialize, IntoParams)]
pub struct UserQuery {
    pub unit_id: Option<i64>,
    /// One role name.
    pub role: Option<String>,
    pub active: Option<bool>,
    /// Part of a username or display name.
    pub q: Option<String>,
}

/// Create an account (admin).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", security(("bearer" = [])), request_body = CreateUser, responses(
    (status = 201, body = UserResponse),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "Username taken", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/users")]
pub async fn create(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    body: web::Json<CreateUser>,
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
    let model = users::create(&state.db, state.clock.as_ref(), &actor, new).await?;
    Ok(HttpResponse::Created().json(UserResponse::from(model)))
}

/// Accounts, filterable by unit, role, active flag and name (admin).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = [])), params(UserQuery, Paging), responses(
    (status = 200, body = UserPage),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/users")]
pub async fn list(
    state: web::Data<AppState>,
    Caller(actor): Caller,
    query: web::Query<UserQuery>,
    paging: web::Query<Paging>,
) -> ApiResult<HttpResponse> {
    let role = match query.role.as_deref() {
        Some(r) => Some(
            r.parse::<Role>()
                .map_err(|e| ApiError::new(ErrorKind::Unprocessable, e.to_string()))?,
        ),
        None => None,
    };
    let filter = UserFilter {
        unit_id: query.unit_id,
        role,
        active: query.active,
        q: query.q.clone(),
    };
    let page = users::list(&state.db, &actor, &filter, paging.request()?).await?;
    let page = page.map(UserResponse::from);
    Ok(HttpResponse::Ok().json(UserPage {
        items: page.items,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])), responses(
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
    let model = users::get(&state.db, &actor, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(UserResponse::from(model)))
}

/// Change an account: roles, unit, active flag, password (admin). Takes effect on the user's next request.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])), request_body = UpdateUser, responses(
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
    body: web::Json<UpdateUser>,
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
    let model = users::update(
        &state.db,
        state.clock.as_ref(),
        &actor,
        id.into_inner(),
        patch,
    )
    .await?;
    Ok(HttpResponse::Ok().json(UserResponse::from(model)))
}
